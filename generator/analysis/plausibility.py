"""The bar a reading must clear to explain a stated number, and the source habits it is held to.
Pure.

The finder (:mod:`generator.analysis.hypotheses`, and :mod:`generator.analysis.comparisons` for a
stated comparison) keeps every reading that makes a stated figure come true. Among figures
rounded as coarsely as "73M" or "about 3x" many readings will, by chance. A reading *explains*
the figure only when it clears three tests:

(a) **it rounds as the source rounds.** Another figure of the same source (first of the same
    table, list or passage, else of the whole source) that only one rule gives shows that
    source's habit: Table 1's "119M" for 118,515,712 is rounded half up, so its "73M" for
    73,608,192 is not cut off. The same goes for K: read with 1,000 or with 1,024.
(b) **it keeps the source's definitions.** A way of counting (without biases, without the
    fully connected layers, one tower, another input) must still give the source's other
    figures that the plain count gives: the paper whose Figure 2 gives fc6 4,096 neurons does
    not count its network's neurons without the fully connected layers. A network read for the
    one a source names must be that network as another source gives it (the same paper's code,
    not another paper's network), and must give what the source states of it elsewhere.
(c) **it changes one assumption, or applies one named convention** (K = 1,024, weights without
    biases, convolutions only, one tower, the auxiliary classifiers left out, a table's column
    summed). Leaving out a part no convention names (one layer of a row, one kind of branch) is
    a fit, not a convention; a rounding rule or a K that the source's habit shows costs nothing.

A reading that fails a test is a *coincidence*, kept with each reason (:data:`Doubt`) so that a
page can say why. The habits and definitions are read off every stated number of the site, by the
address of its source (:class:`Context`): sources that several specs cite are one source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Generic, TypeVar

from generator.analysis import graph, rounding
from generator.analysis.hypotheses import (
    INPUT,
    Biases,
    Binary,
    Change,
    CutOff,
    Hypothesis,
    InputSize,
    Omission,
    Omitted,
    Towers,
    counts,
    scope_of,
)
from generator.analysis.rounding import RoundingRule, Scale
from generator.core.kinds import kind_of
from generator.core.results import Analysis, LayerResult, counted
from generator.spec.models import Compared, Quantity, Spec, Stated

Value = int | tuple[int, ...]

#: The parts of a network a named convention leaves out, by :attr:`Omission.key`: "convolutions
#: only" leaves out the fully connected layers; a network without its training-only classifiers.
#: ResNet's projection shortcuts (:attr:`Omission.shortcut`) are named too: identity shortcuts,
#: the paper's option (A), leave them out.
NAMED_PARTS = ("fc", "aux")


def named(omission: Omission) -> bool:
    """Whether a part left out is one a counting convention names (:data:`NAMED_PARTS`)."""
    return omission.key in NAMED_PARTS or omission.shortcut


#: Readings may change no more than this many assumptions and still explain.
MAX_COST = 1


# --- where a figure was rounded ------------------------------------------------------------------


def is_row(claim: Stated) -> bool:
    """A number about a layer or a group of layers: a row of a table."""
    return claim.layer not in (None, INPUT)


def place(claim: Stated, spec: Spec) -> tuple[int | None, bool]:
    """The place a rounded figure was rounded to, and whether the source says so: ``rounded_to``;
    else, for a row of a table whose other rows give theirs, the place most of them give (a
    column of K figures is read to the thousand, "1000K" too); else its trailing zeros. None for
    an exact figure."""
    if not claim.approximate or not isinstance(claim.value, int):
        return None, False
    if claim.rounded_to is not None:
        return claim.rounded_to, True
    if is_row(claim):
        column = Counter(
            c.rounded_to
            for c in spec.stated
            if c is not claim
            and c.source == claim.source
            and c.quantity is claim.quantity
            and is_row(c)
            and c.rounded_to is not None
        )
        if column:
            ((unit, _),) = column.most_common(1)
            if claim.value % unit == 0:
                return unit, True
    return rounding.rounding_unit(claim.value), False


# --- the site's stated numbers, by source --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """A number a source states about a network of the site, beside the plain count."""

    spec: str
    """The spec that records it."""
    claim: Stated
    address: str
    """Its source's address: what makes two specs' sources one."""
    computed: Value
    unit: int | None = None
    """Where it was rounded (:func:`place`); None when exact."""
    explicit: bool = False
    """Whether the source says where (a table's K), not only its zeros."""

    @property
    def power(self) -> int:
        """The power of a thousand its K, M or B stands for (:func:`rounding.magnitude`)."""
        if self.unit is None or not isinstance(self.claim.value, int):
            return 0
        return rounding.magnitude(self.claim.value, self.unit, self.explicit)

    def given_by(self, value: Value | Fraction) -> bool:
        """Whether a count gives this figure: equal, or for a rounded figure, equal once
        rounded half up to its place."""
        stated: Value = (
            tuple(self.claim.value) if isinstance(self.claim.value, list) else (self.claim.value)
        )
        if isinstance(value, tuple) or isinstance(stated, tuple):
            return value == stated
        if self.unit is None:
            return value == stated
        return rounding.count_rounds_to(value, stated, self.unit)

    @property
    def plain(self) -> bool:
        """Whether the plain count gives it."""
        return self.given_by(self.computed)


@dataclass(frozen=True, slots=True)
class Ratio:
    """A comparison a source states between two networks of the site, beside the plain figure."""

    spec: str
    claim: Compared
    address: str
    figure: Fraction | None
    """The figure the two specs' totals give; None when a total is zero."""


@dataclass(frozen=True, slots=True)
class Context:
    """Every stated number and comparison of the site, by the address of its source, and the
    site's analyses by name: what a reading of one number is held to."""

    analyses: Mapping[str, Analysis]
    figures: Mapping[str, tuple[Figure, ...]]
    ratios: Mapping[str, tuple[Ratio, ...]]

    def figure(self, spec: str, claim: Stated) -> Figure | None:
        """The figure recorded for this claim of ``spec``."""
        analysis = self.analyses.get(spec)
        if analysis is None or claim.source not in analysis.spec.sources:
            return None
        address = analysis.spec.sources[claim.source].url
        return next(
            (f for f in self.figures.get(address, ()) if f.spec == spec and f.claim is claim),
            None,
        )

    def ratio(self, spec: str, claim: Compared) -> Ratio | None:
        """The ratio recorded for this comparison of ``spec``."""
        analysis = self.analyses.get(spec)
        if analysis is None or claim.source not in analysis.spec.sources:
            return None
        address = analysis.spec.sources[claim.source].url
        return next(
            (r for r in self.ratios.get(address, ()) if r.spec == spec and r.claim is claim), None
        )


def computed_value(
    analysis: Analysis, quantity: Quantity, layer: str | None, first: str | None = None
) -> Value:
    """The engine's value for what a claim states: a layer's, a group of layers' (``first``
    through ``layer``), the input's, or the network total."""
    if first is not None and layer is not None and quantity is not Quantity.SHAPE:
        start, end = analysis.layer(first).index, analysis.layer(layer).index
        return sum(counted(r, quantity) for r in analysis.layers[start : end + 1])
    if layer == INPUT:
        if quantity is Quantity.SHAPE:
            return tuple(analysis.input)
        total = 1
        for size in analysis.input:
            total *= size
        return total
    if quantity is Quantity.SHAPE:
        # A network's shape is its output's.
        return tuple((analysis.layers[-1] if layer is None else analysis.layer(layer)).output)
    return counted(analysis.totals if layer is None else analysis.layer(layer), quantity)


def figure_of(analysis: Analysis, claim: Stated) -> Figure:
    """A stated number of ``analysis``'s spec as a figure of its source (of no source, with no
    address, for a number asked about that no source states)."""
    unit, explicit = place(claim, analysis.spec)
    source = analysis.spec.sources.get(claim.source)
    return Figure(
        analysis.name,
        claim,
        "" if source is None else source.url,
        computed_value(analysis, claim.quantity, claim.layer, claim.first),
        unit,
        explicit,
    )


def context(analyses: Sequence[Analysis], ratios: Sequence[Ratio] = ()) -> Context:
    """The site's stated numbers (each with its plain count, no finder) and its stated
    comparisons (:func:`generator.analysis.comparisons.ratios`), by source."""
    figures: dict[str, list[Figure]] = {}
    for analysis in analyses:
        for claim in analysis.spec.stated:
            found = figure_of(analysis, claim)
            figures.setdefault(found.address, []).append(found)
    by_address: dict[str, list[Ratio]] = {}
    for ratio in ratios:
        by_address.setdefault(ratio.address, []).append(ratio)
    return Context(
        {a.name: a for a in analyses},
        {k: tuple(v) for k, v in figures.items()},
        {k: tuple(v) for k, v in by_address.items()},
    )


# --- (a) how a source rounds ---------------------------------------------------------------------

#: A way of writing a computed value as a figure: a rounding rule, or what K stands for.
Way = RoundingRule | Scale
#: The ways each way competes with: a figure that one gives and the other does not shows which
#: the source used.
RIVALS: dict[Way, tuple[Way, ...]] = {
    RoundingRule.HALF_UP: (RoundingRule.DOWN,),
    RoundingRule.DOWN: (RoundingRule.HALF_UP,),
    RoundingRule.ONE_FIGURE: (RoundingRule.HALF_UP, RoundingRule.DOWN),
    Scale.DECIMAL: (Scale.BINARY,),
    Scale.BINARY: (Scale.DECIMAL,),
}
#: What a reading assumes unless it says otherwise.
DEFAULT_WAYS = (RoundingRule.HALF_UP, Scale.DECIMAL)

Evidence = Figure | Ratio


def _count_ways(figure: Figure) -> set[Way] | None:
    """The ways that make the plain count give a rounded count figure; None when it is exact,
    not a count, or about the input."""
    value, computed, unit = figure.claim.value, figure.computed, figure.unit
    if unit is None or not isinstance(value, int) or not isinstance(computed, int):
        return None
    found: set[Way] = set()
    for scale in (Scale.DECIMAL, Scale.BINARY):
        written = rounding.in_decimal(computed, scale, figure.power)
        for rule, test in rounding.COUNT_RULES.items():
            if test(written, value, unit):
                found.add(rule if scale is Scale.DECIMAL else scale)
                if scale is Scale.DECIMAL:
                    found.add(Scale.DECIMAL)
    return found


def _ratio_ways(ratio: Ratio) -> set[Way] | None:
    if ratio.figure is None:
        return None
    return {
        rule
        for rule, test in rounding.FIGURE_RULES.items()
        if test(ratio.figure, ratio.claim.figure)
    }


def _shows(ways: set[Way], way: Way, rival: Way, evidence: Evidence) -> bool:
    """Whether a figure that ``ways`` give shows ``way`` over ``rival``. One significant figure
    is only shown, or ruled out, by a figure of one significant figure."""
    if RoundingRule.ONE_FIGURE in (way, rival):
        if not isinstance(evidence, Ratio):
            return False
        if len(evidence.claim.figure.normalize().as_tuple().digits) != 1:
            return False
    return way in ways and rival not in ways


@dataclass(frozen=True, slots=True)
class Habit:
    """What a source's other figures show of one way of rounding: how many only it gives
    (``shown``) and how many a rival gives and it does not (``against``), each with the first."""

    way: Way
    shown: int = 0
    against: int = 0
    figures: int = 0
    """The rounded figures of the group read (those that show something or not)."""
    example: Evidence | None = None
    """The first figure that shows ``way``."""
    counter: Evidence | None = None
    """The first figure that shows a rival."""
    rival: Way | None = None
    """The rival ``counter`` shows."""

    @property
    def free(self) -> bool:
        """The source's habit: more of its figures show it than a rival, and they are most of
        the figures read; a reading may assume it."""
        return self.shown > self.against and 2 * self.shown > self.figures

    @property
    def ruled_out(self) -> bool:
        """A rival is the source's habit: more of its figures show the rival than this way, and
        they are most of the figures read."""
        return self.against > self.shown and 2 * self.against > self.figures


def _siblings(figure: Figure | Ratio, context: Context) -> Iterator[tuple[Evidence, ...]]:
    """The source's other figures of the same kind (counts for a count, ratios for a ratio):
    first those of the same passage, list or table (the same quote, or the same column of rows),
    then all of them."""
    if isinstance(figure, Figure):
        everything: tuple[Evidence, ...] = context.figures.get(figure.address, ())
    else:
        everything = context.ratios.get(figure.address, ())
    others = tuple(e for e in everything if e is not figure)

    def near(other: Evidence) -> bool:
        if other.spec != figure.spec:
            return False
        if other.claim.quote and other.claim.quote == figure.claim.quote:
            return True
        return (
            isinstance(other, Figure)
            and isinstance(figure, Figure)
            and is_row(other.claim)
            and is_row(figure.claim)
            and other.claim.quantity is figure.claim.quantity
        )

    yield tuple(o for o in others if near(o))
    yield others


def habit(way: Way, figure: Figure | Ratio | None, context: Context) -> Habit:
    """What the other figures of ``figure``'s source show of ``way``: the nearest figures that
    show anything (the same passage or table first, then the whole source)."""
    if figure is None:
        return Habit(way)
    for group in _siblings(figure, context):
        shown: list[Evidence] = []
        against: list[tuple[Evidence, Way]] = []
        read = 0
        for other in group:
            ways = _count_ways(other) if isinstance(other, Figure) else _ratio_ways(other)
            if ways is None:
                continue
            read += 1
            if any(_shows(ways, way, rival, other) for rival in RIVALS[way]):
                shown.append(other)
            rival = next((r for r in RIVALS[way] if _shows(ways, r, way, other)), None)
            if rival is not None:
                against.append((other, rival))
        if shown or against:
            counter, rival = against[0] if against else (None, None)
            return Habit(
                way, len(shown), len(against), read, shown[0] if shown else None, counter, rival
            )
    return Habit(way)


# --- (b) the source's definitions ----------------------------------------------------------------


def _dense(analysis: Analysis) -> frozenset[int]:
    return frozenset(r.index for r in analysis.layers if graph.dense(r))


def _auxiliary(analysis: Analysis) -> frozenset[int]:
    return frozenset(r.index for r in graph.auxiliary(analysis))


#: The layers of each named part (:data:`NAMED_PARTS`) in a network, by its key.
PART_LAYERS: dict[str, Callable[[Analysis], frozenset[int]]] = {
    NAMED_PARTS[0]: _dense,
    NAMED_PARTS[1]: _auxiliary,
}


def _part(analysis: Analysis, key: str) -> frozenset[int]:
    """The layers of a named part (:data:`NAMED_PARTS`) in a network."""
    return PART_LAYERS[key](analysis)


def _members(analysis: Analysis, claim: Stated) -> list[LayerResult]:
    scope = scope_of(analysis, claim.layer, claim.first)
    return [r for r in analysis.layers if r.index in scope]


def _flipped(result: LayerResult, quantity: Quantity) -> int:
    """A layer's count with its biases counted the other way (:class:`Biases`)."""
    if not result.biases:
        return counted(result, quantity)
    product = kind_of(result.layer).product(result, quantity, flip_bias=True)
    return counted(result, quantity) if product is None else product.value


def under(change: Change, quantity: Quantity, figure: Figure, context: Context) -> Value | None:
    """What ``figure``'s count would be under a way of counting that a reading of another number
    of ``quantity`` assumes; None when the way says nothing about it."""
    analysis = context.analyses.get(figure.spec)
    claim = figure.claim
    if analysis is None or (claim.layer == INPUT and not isinstance(change, InputSize)):
        return None
    match change:
        case InputSize(_, now):
            if claim.layer != INPUT:
                return None
            channels = analysis.input[0]
            if claim.quantity is Quantity.SHAPE:
                return (channels, *now)
            return channels * now[0] * now[1]
        case Biases(counting):
            if claim.quantity is not counting:
                return None
            return sum(_flipped(r, counting) for r in _members(analysis, claim))
        case Omitted(key) if key in NAMED_PARTS:
            if claim.quantity is not quantity:
                return None
            left_out = _part(analysis, key)
            return sum(
                counted(r, quantity) for r in _members(analysis, claim) if r.index not in left_out
            )
        case Omitted(key):
            single = claim.layer is not None and claim.first is None
            if claim.quantity is not quantity or single:
                return None
            found = counts(analysis, quantity, claim.layer, claim.first)
            return next((c.value for c in found if c.keys == (key,)), None)
        case Towers(every):
            if claim.quantity is not quantity:
                return None
            total = 0
            for r in _members(analysis, claim):
                value = counted(r, quantity)
                if r.towers > 1:
                    value = value * r.towers if every else value // r.towers
                total += value
            return total
    return None


@dataclass(frozen=True, slots=True)
class Redefines:
    """(b) A way of counting that the source's own figure contradicts: the plain count gives it,
    counted this way it would be ``value``."""

    change: Change
    evidence: Figure
    value: Value


def redefines(
    change: Change, quantity: Quantity, figure: Figure | Ratio | None, context: Context
) -> Redefines | None:
    """The first figure of the source, other than ``figure``, that the plain count gives and the
    way of counting ``change`` would not."""
    if figure is None:
        return None
    for other in context.figures.get(figure.address, ()):
        if other is figure or not other.plain:
            continue
        value = under(change, quantity, other, context)
        if value is not None and not other.given_by(value):
            return Redefines(change, other, value)
    return None


# --- the bar -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rounds:
    """(a) The reading rounds (or reads K) one way; the source's other figures show another
    (``habit``), or do not show this one, which is not the ordinary way (half up, K = 1,000)."""

    way: Way
    habit: Way | None = None
    """The rival way most of the source's other figures show; None when they show no habit."""
    evidence: Evidence | None = None
    """The first of the source's figures that shows ``habit`` (or, without one, ``way``)."""
    shown: int = 0
    """How many of its figures show ``habit`` (or, without one, ``way``)."""
    figures: int = 0
    """How many of its rounded figures were read."""


@dataclass(frozen=True, slots=True)
class Unnamed:
    """(c) The reading leaves out a part of the network that no convention names."""

    omission: Omission


@dataclass(frozen=True, slots=True)
class Stranger:
    """(b) The reading counts another network as the one the source names, and no source of the
    named network describes that one: another paper's network, not the named one published
    elsewhere."""

    network: str
    named: str


@dataclass(frozen=True, slots=True)
class Misnamed:
    """(b) The reading counts another network as the one the source names, and the source's own
    figure for the named one (which the named network's plain count gives) contradicts it."""

    network: str
    named: str
    evidence: Figure
    value: int
    """The other network's count of that figure's quantity."""


@dataclass(frozen=True, slots=True)
class Lone:
    """(a, b) A reading of one row of a table that, counted and rounded the same way, gives
    fewer than half of the column's other rows: how this row happens to come out, not how the
    column was worked out."""

    given: int
    """The other rows it gives."""
    rows: int
    """The column's other rows."""


@dataclass(frozen=True, slots=True)
class TooMany:
    """(c) The reading changes more than one assumption (the ways the source's habit shows not
    counted)."""

    changes: int


#: Why a reading that makes a stated number true does not explain it.
Doubt = Rounds | Redefines | Unnamed | Stranger | Misnamed | Lone | TooMany

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Coincidence(Generic[R]):
    """A reading that makes a stated number true and fails the bar, with why."""

    reading: R
    doubts: tuple[Doubt, ...]


class Account:
    """The bar's account of one reading, kept while its changes are read: what it costs, and
    what fails."""

    def __init__(self, figure: Figure | Ratio | None, context: Context) -> None:
        self.figure, self.context = figure, context
        self.cost = 0
        self.doubts: list[Doubt] = []

    def way(self, way: Way) -> None:
        """A rounding rule or a K the reading assumes. The ordinary ways (half up, K = 1,000)
        hold unless the source's other figures show a rival; any other way (cut off, K = 1,024,
        one significant figure) only where they show it: a source's habit is read off its
        figures, never assumed for the one figure it would explain."""
        found = habit(way, self.figure, self.context)
        if found.ruled_out:
            assert found.counter is not None and found.rival is not None
            self.doubts.append(
                Rounds(way, found.rival, found.counter, found.against, found.figures)
            )
        elif way not in DEFAULT_WAYS and not found.free:
            if found.against > found.shown:
                assert found.counter is not None and found.rival is not None
                rounds = Rounds(way, found.rival, found.counter, found.against, found.figures)
            else:
                rounds = Rounds(way, None, found.example, found.shown, found.figures)
            self.doubts.append(rounds)
            self.cost += 1

    def convention(self, change: Change, quantity: Quantity) -> None:
        """A way of counting: one assumption, held to the source's definitions."""
        self.cost += 1
        broken = redefines(change, quantity, self.figure, self.context)
        if broken is not None:
            self.doubts.append(broken)

    def change(self, change: Change, quantity: Quantity) -> None:
        """One change of a reading of a number of ``quantity``."""
        match change:
            case CutOff():
                self.way(RoundingRule.DOWN)
            case Binary():
                self.way(Scale.BINARY)
            case Omitted(_, omission) if not named(omission):
                self.cost += 1
                self.doubts.append(Unnamed(omission))
            case Biases() | Omitted() | Towers() | InputSize():
                self.convention(change, quantity)
            case _:
                self.cost += 1

    def close(self) -> tuple[Doubt, ...]:
        """The doubts, the most telling first (:func:`weight`)."""
        if self.cost > MAX_COST:
            self.doubts.append(TooMany(self.cost))
        return tuple(sorted(self.doubts, key=weight))


def weight(doubt: Doubt) -> int:
    """How telling a doubt is, most first: a figure of the source that contradicts the reading,
    then a column it does not carry to, then a part or a number of changes no convention allows,
    then a way of rounding the source is not seen to use."""
    match doubt:
        case Redefines() | Stranger() | Misnamed():
            return 0
        case Rounds(_, habit) if habit is not None:
            return 1
        case Lone():
            return 2
        case Unnamed() | TooMany():
            return 3
    return 4


def doubts(hypothesis: Hypothesis, figure: Figure | None, context: Context) -> tuple[Doubt, ...]:
    """Why a hypothesis does not explain the number it reproduces; empty when it does."""
    account = Account(figure, context)
    for change in hypothesis.changes:
        account.change(change, hypothesis.quantity)
    if hypothesis.rounded is not None:
        if not any(isinstance(c, CutOff) for c in hypothesis.changes):
            account.way(RoundingRule.HALF_UP)
        if not any(isinstance(c, Binary) for c in hypothesis.changes):
            account.way(Scale.DECIMAL)
    lone = column(hypothesis, figure, context)
    if lone is not None:
        account.doubts.append(lone)
    return account.close()


def column(hypothesis: Hypothesis, figure: Figure | None, context: Context) -> Lone | None:
    """For a reading of a row of a table (a sum taken another way), how many of the column's
    other rows the same way of counting and rounding gives; None when it gives at least half,
    or the number is no row of a column of three or more."""
    if not hypothesis.changes or not hypothesis.summed or figure is None:
        return None
    if not is_row(figure.claim):
        return None
    others = [
        f
        for f in context.figures.get(figure.address, ())
        if f is not figure
        and f.spec == figure.spec
        and is_row(f.claim)
        and f.claim.quantity is figure.claim.quantity
        and isinstance(f.claim.value, int)
    ]
    analysis = context.analyses.get(figure.spec)
    if len(others) < 2 or analysis is None:
        return None
    keys = tuple(
        c.key if isinstance(c, Omitted) else "biases"
        for c in hypothesis.changes
        if isinstance(c, Omitted | Biases)
    )
    rule = (
        RoundingRule.DOWN
        if any(isinstance(c, CutOff) for c in hypothesis.changes)
        else RoundingRule.HALF_UP
    )
    binary = any(isinstance(c, Binary) for c in hypothesis.changes)
    given = 0
    for other in others:
        stated = other.claim.value
        assert isinstance(stated, int)
        count = next(
            (
                c
                for c in counts(
                    analysis, other.claim.quantity, other.claim.layer, other.claim.first
                )
                if c.keys == keys
            ),
            None,
        )
        if count is None:
            continue
        if other.unit is None:
            given += count.value == stated
            continue
        scale = Scale.BINARY if binary else Scale.DECIMAL
        written = rounding.in_decimal(count.value, scale, other.power)
        given += rounding.COUNT_RULES[rule](written, stated, other.unit)
    return Lone(given, len(others)) if 2 * given < len(others) else None
