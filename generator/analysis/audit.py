"""Stated versus computed: every number a source states, beside what the engine derives, with
one verdict. Pure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from fractions import Fraction

from generator.analysis import counters, hypotheses, plausibility, rounding
from generator.analysis.hypotheses import Hypothesis
from generator.analysis.plausibility import Coincidence, Context, Figure, computed_value
from generator.core.counters import Unit, tool
from generator.core.results import Analysis, counted
from generator.spec.models import Quantity, Source, Stated

Value = int | tuple[int, ...]

__all__ = [
    "Check",
    "Verdict",
    "ask",
    "audit",
    "check",
    "computed_value",
    "matching",
    "part",
    "unit",
    "verdict",
]


class Verdict(str, Enum):
    """How a stated number (or a stated comparison) compares with the computed one. Each claim
    has one, given once by the audit; every page, export and command shows that one."""

    MATCHES = "matches"
    """Equal to the computed value."""
    ROUNDS_TO = "rounds to"
    """A rounded figure that the computed value gives once rounded half up to its last digit."""
    EXPLAINED = "explained"
    """Different, and a reading reproduces it that changes one assumption or applies one named
    convention (K = 1,024, weights without biases, convolutions only, one tower, a table's
    column summed), and that rounds and counts as the same source does in its other figures."""
    UNEXPLAINED = "unexplained"
    """Different, and no such reading reproduces it; a fit that breaks one of those rules is
    listed as a coincidence, with why."""


@dataclass(frozen=True, slots=True)
class Check:
    """One stated number audited."""

    claim: Stated
    source: Source | None
    """None for a number no source of the spec states (asked on the command line)."""
    computed: Value
    verdict: Verdict
    hypotheses: tuple[Hypothesis, ...] = ()
    """For a mismatch: the readings that explain it (they clear the bar), best first."""
    coincidences: tuple[Coincidence[Hypothesis], ...] = ()
    """For a mismatch: the readings that reproduce it but fail the bar, best first, with why."""
    unit: int | None = None
    """For a rounded figure, the place it is read to (:func:`plausibility.place`)."""

    @property
    def about(self) -> str:
        """What the number is about: ``conv1``, ``conv2.3x3_reduce…conv2.3x3`` or ``total``."""
        if self.claim.first is not None:
            return f"{self.claim.first}…{self.claim.layer}"
        return self.claim.layer or "total"

    @property
    def difference(self) -> int | None:
        """Stated minus computed, for counts: the site's one sign convention."""
        if isinstance(self.computed, int) and isinstance(self.claim.value, int):
            return self.claim.value - self.computed
        return None

    @property
    def relative(self) -> Fraction | None:
        """``(stated − computed) / computed``, exact."""
        difference = self.difference
        if difference is None or not self.computed:
            return None
        assert isinstance(self.computed, int)
        return Fraction(difference, self.computed)

    @property
    def best(self) -> Hypothesis | None:
        """The reading the verdict rests on: the first explanation, if any."""
        return self.hypotheses[0] if self.hypotheses else None


def unit(claim: Stated, analysis: Analysis) -> int | None:
    """The place a rounded figure was rounded to (:func:`plausibility.place`); None when exact."""
    return plausibility.place(claim, analysis.spec)[0]


def verdict(claim: Stated, computed: Value, place: int | None = None) -> Verdict | None:
    """The verdict of the plain count: it matches, or rounds half up at ``place`` to a rounded
    figure; None when it does neither (the readings decide)."""
    stated: Value = tuple(claim.value) if isinstance(claim.value, list) else claim.value
    if stated == computed:
        return Verdict.MATCHES
    if (
        place is not None
        and isinstance(stated, int)
        and isinstance(computed, int)
        and rounding.count_rounds_to(computed, stated, place)
    ):
        return Verdict.ROUNDS_TO
    return None


def readings(analysis: Analysis, figure: Figure) -> tuple[Hypothesis, ...]:
    """Every reading the finder takes that makes a stated number come true, best first.

    An exact count of one layer or of the network goes to the whole finder. A rounded figure
    ("650,000") fits too many products to single one out, and a group of layers (a table row) is
    a sum, not a product: those are read only as the sum with parts of the graph left out, the
    biases counted the other way, the figure cut off instead of rounded or read with K = 1,024,
    or a total as the source's own column summed (:func:`hypotheses.explain_count`). A stated
    input size is read as the one the first layer's round-up rule implies
    (:func:`hypotheses.explain_shape`).
    """
    claim = figure.claim
    if isinstance(claim.value, list):
        if claim.layer == hypotheses.INPUT:
            return hypotheses.explain_shape(analysis, tuple(claim.value))
        return ()
    if claim.layer == hypotheses.INPUT:
        return ()
    counted = _by_counter(analysis, figure)
    if claim.first is None and not claim.approximate:
        found = hypotheses.explain(analysis, claim.value, claim.layer, claim.quantity)
        if claim.layer is None:
            found += _column(analysis, figure)
        return counted + found
    return counted + hypotheses.explain_count(
        analysis,
        claim.value,
        claim.quantity,
        claim.layer,
        claim.first,
        unit=figure.unit,
        explicit=figure.explicit,
        source=claim.source,
    )


def _by_counter(analysis: Analysis, figure: Figure) -> tuple[Hypothesis, ...]:
    """A network's total as the counter its source names reports it, when that gives the figure
    (exactly, or rounded half up at the figure's place); the counter's number is the site's
    prediction (:func:`counters.predict`)."""
    claim = figure.claim
    if claim.counter is None or claim.layer is not None or not isinstance(claim.value, int):
        return ()
    counter = tool(claim.counter)
    if COUNTED.get(counter.unit) is not claim.quantity:
        return ()
    try:
        total = counters.predict(analysis, counter).total
    except counters.UnknownModule:
        return ()
    exact = total == claim.value
    if not exact and not (
        figure.unit is not None and rounding.count_rounds_to(total, claim.value, figure.unit)
    ):
        return ()
    return (
        Hypothesis(
            str(total),
            (total,),
            (hypotheses.ByCounter(counter.name),),
            hypotheses.Cause.COUNTER,
            claim.quantity,
            None,
            summed=True,
            rounded=None if exact else claim.value,
        ),
    )


#: The quantity a counter's number is, by its unit, as a stated number names it (a FLOP count,
#: two a multiply-accumulate, is no quantity a stated number takes).
COUNTED = {Unit.MACS: Quantity.MACS, Unit.VALUES: Quantity.NEURONS}


def _column(analysis: Analysis, figure: Figure) -> tuple[Hypothesis, ...]:
    """An exact total that the source's own column sums to."""
    claim = figure.claim
    column = hypotheses.column_sum(analysis, claim.quantity, claim.source)
    if column is None or column.total != claim.value:
        return ()
    return (
        Hypothesis(
            str(column.total),
            (column.total,),
            (column,),
            hypotheses.Cause.TABLE,
            claim.quantity,
            None,
            summed=True,
        ),
    )


def check(analysis: Analysis, claim: Stated, context: Context | None = None) -> Check:
    """One stated number of ``analysis``'s spec audited: the plain count's verdict, else the
    finder's readings held to the bar (:func:`plausibility.doubts`) against the rest of the
    site's stated numbers (``context``; by default this spec's own)."""
    context = context or plausibility.context([analysis])
    figure = context.figure(analysis.name, claim) or plausibility.figure_of(analysis, claim)
    source = analysis.spec.sources.get(claim.source)
    plain = verdict(claim, figure.computed, figure.unit)
    if plain is not None:
        return Check(claim, source, figure.computed, plain, unit=figure.unit)
    explained: list[Hypothesis] = []
    coincidences: list[Coincidence[Hypothesis]] = []
    for hypothesis in readings(analysis, figure):
        doubts = plausibility.doubts(hypothesis, figure, context)
        if doubts:
            coincidences.append(Coincidence(hypothesis, doubts))
        else:
            explained.append(hypothesis)
    found = Verdict.EXPLAINED if explained else Verdict.UNEXPLAINED
    return Check(
        claim, source, figure.computed, found, tuple(explained), tuple(coincidences), figure.unit
    )


#: What a stated number counts, to tell two numbers about the same layers (:func:`_counting`).
Key = tuple[object, ...]


def part(analysis: Analysis, name: str) -> tuple[str, str] | None:
    """The first and last layers of a part of the network named by the prefix its layers share
    (``inception_3a`` for ``inception_3a.1x1`` … ``inception_3a.output``); None when no layer's
    name starts so."""
    members = [r.name for r in analysis.layers if r.name.startswith(f"{name}.")]
    return (members[0], members[-1]) if members else None


def _counting(analysis: Analysis, quantity: Quantity, layer: str | None, first: str | None) -> Key:
    """What a number about ``first`` … ``layer`` counts: the layers of its scope that count
    ``quantity`` (for a shape, the layer itself). Two claims about the same layers of a table
    row count the same, whichever passthrough layer ends them."""
    if quantity is Quantity.SHAPE or layer in (None, hypotheses.INPUT):
        return (layer,)
    scope = hypotheses.scope_of(analysis, layer, first)
    return tuple(
        sorted(r.index for r in analysis.layers if r.index in scope and counted(r, quantity))
    )


def matching(
    analysis: Analysis,
    quantity: Quantity,
    value: int | tuple[int, ...],
    layer: str | None = None,
    first: str | None = None,
    unit: int | None = None,
    source: str | None = None,
) -> tuple[Stated, ...]:
    """The numbers the spec's sources state that a figure asked about is: the same quantity of
    the same layers, the same value, read to the same place when the figure gives one
    (``138M``), from ``source`` when one is named."""
    asked = _counting(analysis, quantity, layer, first)
    found = []
    for claim in analysis.spec.stated:
        stated = tuple(claim.value) if isinstance(claim.value, list) else claim.value
        if claim.quantity is not quantity or stated != value:
            continue
        if source is not None and claim.source != source:
            continue
        if unit is not None and plausibility.place(claim, analysis.spec)[0] != unit:
            continue
        if _counting(analysis, claim.quantity, claim.layer, claim.first) == asked:
            found.append(claim)
    return tuple(found)


def ask(
    analysis: Analysis,
    quantity: Quantity,
    value: int | tuple[int, ...],
    layer: str | None = None,
    first: str | None = None,
    unit: int | None = None,
    *,
    source: str | None = None,
    context: Context | None = None,
) -> tuple[Check, ...]:
    """A figure asked about (``python -m generator explain``), audited as the site audits it:
    each stated number it is (:func:`matching`) with the verdict the audit gives that number, or,
    when no source states it, the figure alone, read to ``unit`` when it is rounded, held to no
    source's habits."""
    context = context or plausibility.context([analysis])
    stated = matching(analysis, quantity, value, layer, first, unit, source)
    if stated:
        return tuple(_plain(analysis, check(analysis, claim, context)) for claim in stated)
    asked = Stated.model_construct(
        quantity=quantity,
        value=list(value) if isinstance(value, tuple) else value,
        source="",
        layer=layer,
        first=first,
        quote=None,
        where=None,
        approximate=unit is not None,
        rounded_to=unit,
    )
    return (_plain(analysis, check(analysis, asked, context)),)


def _plain(analysis: Analysis, found: Check) -> Check:
    """A count that matches, with the plain reading it rests on: its product as the spec
    computes it (``96 × 55 × 55``), for an exact count of one layer or of the network."""
    claim = found.claim
    if found.verdict is not Verdict.MATCHES or not isinstance(claim.value, int) or claim.first:
        return found
    if claim.quantity not in hypotheses.QUANTITIES:
        return found
    plain = hypotheses.explain(analysis, claim.value, claim.layer, claim.quantity)[:1]
    return replace(found, hypotheses=tuple(h for h in plain if not h.changes))


def audit(analysis: Analysis, context: Context | None = None) -> tuple[Check, ...]:
    """Every stated number of the spec, checked (:func:`check`).

    The finder is the costly part, so a build audits each analysis once, when it builds the site
    model (:mod:`generator.analysis.model`), and the pages read the result.
    """
    context = context or plausibility.context([analysis])
    return tuple(check(analysis, claim, context) for claim in analysis.spec.stated)
