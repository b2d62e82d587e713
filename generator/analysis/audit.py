"""Stated versus computed: every number a source states, beside what the engine derives. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from generator.analysis import hypotheses
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


def computed_value(analysis: Analysis, quantity: Quantity, layer: str | None) -> Value:
    """The engine's value for what a claim states: a layer's, the input's, or the network total."""
    if layer == "input":
        return _product(analysis.input) if quantity is not Quantity.SHAPE else tuple(analysis.input)
    if quantity is Quantity.SHAPE:
        # A network's shape is its output's.
        return tuple((analysis.layers[-1] if layer is None else analysis.layer(layer)).output)
    return counted(analysis.totals if layer is None else analysis.layer(layer), quantity)


def rounding_unit(value: int) -> int:
    """The place a round figure was rounded to: ``650,000 → 10,000``, ``60,000,000 → 10,000,000``."""
    unit = 1
    while value and value % (unit * 10) == 0:
        unit *= 10
    return unit


def rounds_to(computed: int, stated: int) -> bool:
    """Whether ``computed`` rounded (half up) to the stated figure's precision gives that figure."""
    unit = rounding_unit(stated)
    return (computed + unit // 2) // unit * unit == stated


def verdict(claim: Stated, computed: Value) -> Verdict:
    stated: Value = tuple(claim.value) if isinstance(claim.value, list) else claim.value
    if stated == computed:
        return Verdict.MATCHES
    if claim.approximate and isinstance(stated, int) and isinstance(computed, int):
        return Verdict.MATCHES if rounds_to(computed, stated) else Verdict.UNEXPLAINED
    return Verdict.UNEXPLAINED


def audit(analysis: Analysis) -> tuple[Check, ...]:
    """Every stated number of the spec, checked; mismatches are handed to the hypothesis finder.

    Only exact counts are explained: a rounded figure ("650,000") fits too many products to
    single one out. The finder is the costly part, so a build audits each analysis once, when
    it builds the site model (:mod:`generator.analysis.model`), and the pages read the result.
    """
    checks = []
    for claim in analysis.spec.stated:
        computed = computed_value(analysis, claim.quantity, claim.layer)
        found = verdict(claim, computed)
        explained: tuple[Hypothesis, ...] = ()
        if found is Verdict.UNEXPLAINED and isinstance(claim.value, int) and not claim.approximate:
            explained = hypotheses.explain(analysis, claim.value, claim.layer, claim.quantity)
            if explained:
                found = Verdict.EXPLAINED
        checks.append(Check(claim, analysis.spec.sources[claim.source], computed, found, explained))
    return tuple(checks)


def _product(shape: tuple[int, ...]) -> int:
    total = 1
    for size in shape:
        total *= size
    return total
