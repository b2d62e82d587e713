"""Stated versus computed: every number a source states, beside what the engine derives. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from generator.analysis import hypotheses, rounding
from generator.analysis.hypotheses import Hypothesis
from generator.core.results import Analysis, counted
from generator.spec.models import Quantity, Source, Stated

Value = int | tuple[int, ...]


class Verdict(str, Enum):
    """How a stated number compares with the computed one."""

    MATCHES = "matches"
    """Equal, or for an approximate statement, equal once the computed value is rounded alike."""
    EXPLAINED = "explained"
    """Different, but a hypothesis reproduces the stated number exactly (see the finder)."""
    UNEXPLAINED = "unexplained"
    """Different, and nothing found reproduces it."""


@dataclass(frozen=True, slots=True)
class Check:
    """One stated number audited."""

    claim: Stated
    source: Source
    computed: Value
    verdict: Verdict
    hypotheses: tuple[Hypothesis, ...] = ()
    """For a mismatch: the explanations that reproduce the stated number, best first."""

    @property
    def about(self) -> str:
        """What the number is about: ``conv1``, ``conv2.3x3_reduce…conv2.3x3`` or ``total``."""
        if self.claim.first is not None:
            return f"{self.claim.first}…{self.claim.layer}"
        return self.claim.layer or "total"

    @property
    def difference(self) -> int | None:
        """Stated minus computed, for counts."""
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


def computed_value(
    analysis: Analysis, quantity: Quantity, layer: str | None, first: str | None = None
) -> Value:
    """The engine's value for what a claim states: a layer's, a group of layers' (``first``
    through ``layer``), the input's, or the network total."""
    if first is not None and layer is not None and quantity is not Quantity.SHAPE:
        start, end = analysis.layer(first).index, analysis.layer(layer).index
        return sum(counted(r, quantity) for r in analysis.layers[start : end + 1])
    if layer == "input":
        return (
            math.prod(analysis.input) if quantity is not Quantity.SHAPE else tuple(analysis.input)
        )
    if quantity is Quantity.SHAPE:
        # A network's shape is its output's.
        return tuple((analysis.layers[-1] if layer is None else analysis.layer(layer)).output)
    return counted(analysis.totals if layer is None else analysis.layer(layer), quantity)


def unit(claim: Stated) -> int | None:
    """The place a rounded figure was rounded to: as the spec says (``rounded_to``), else as its
    trailing zeros say; None for an exact figure."""
    if not claim.approximate or not isinstance(claim.value, int):
        return None
    return claim.rounded_to or rounding.rounding_unit(claim.value)


def verdict(claim: Stated, computed: Value) -> Verdict:
    stated: Value = tuple(claim.value) if isinstance(claim.value, list) else claim.value
    if stated == computed:
        return Verdict.MATCHES
    place = unit(claim)
    if place is not None and isinstance(stated, int) and isinstance(computed, int):
        return (
            Verdict.MATCHES
            if rounding.count_rounds_to(computed, stated, place)
            else Verdict.UNEXPLAINED
        )
    return Verdict.UNEXPLAINED


def audit(analysis: Analysis) -> tuple[Check, ...]:
    """Every stated number of the spec, checked; mismatches are handed to the hypothesis finder.

    An exact count of one layer or of the network goes to the whole finder. A rounded figure
    ("650,000") fits too many products to single one out, and a group of layers (a table row) is
    a sum, not a product: those are read only as the sum with parts of the graph left out, the
    biases counted the other way, or the figure cut off instead of rounded
    (:func:`hypotheses.explain_count`). The finder is the costly part, so a build audits each
    analysis once, when it builds the site model (:mod:`generator.analysis.model`), and the pages
    read the result.
    """
    checks = []
    for claim in analysis.spec.stated:
        computed = computed_value(analysis, claim.quantity, claim.layer, claim.first)
        found = verdict(claim, computed)
        explained: tuple[Hypothesis, ...] = ()
        if found is Verdict.UNEXPLAINED and isinstance(claim.value, int):
            if claim.first is None and not claim.approximate:
                explained = hypotheses.explain(analysis, claim.value, claim.layer, claim.quantity)
            elif claim.layer != "input":
                explained = hypotheses.explain_count(
                    analysis,
                    claim.value,
                    claim.quantity,
                    claim.layer,
                    claim.first,
                    unit=unit(claim),
                )
            if explained:
                found = Verdict.EXPLAINED
        checks.append(Check(claim, analysis.spec.sources[claim.source], computed, found, explained))
    return tuple(checks)
