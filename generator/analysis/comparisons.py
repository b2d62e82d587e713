"""Stated differences between two networks ("0.2% more parameters"), audited. Pure.

A source may state a network's count only relative to another network of the site: Krizhevsky's
2014 single-column model has "0.2% more parameters" than the 2012 two-tower network. The audit
computes both totals, their difference in percent (exact, a :class:`~fractions.Fraction`), and
rounds it as the source rounded its figure. When they disagree, the finder tries the network with
another width in one layer (another kernel count of a convolution, another width of a fully
connected layer, taken from the numbers either network uses) and keeps the widths that make the
stated difference come true.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from generator.analysis.audit import Verdict
from generator.core import engine
from generator.core.kinds import kind_of
from generator.core.results import Analysis, counted
from generator.spec.models import Compared, Source, Spec


@dataclass(frozen=True, slots=True)
class Width:
    """One layer of the network with another width: a reading that makes a stated difference true."""

    layer: str
    field: str
    was: int
    now: int
    count: int
    """The network's total with that width."""
    percent: Fraction
    """Its difference from the other network then, in percent."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """One stated difference audited: both totals, the computed difference, the verdict."""

    claim: Compared
    source: Source
    count: int
    """This network's total of the claim's quantity."""
    other: int
    """The other network's total."""
    verdict: Verdict
    widths: tuple[Width, ...] = ()
    """For a mismatch: the one-layer widths that make the stated difference come true."""

    @property
    def percent(self) -> Fraction:
        """The computed difference: ``(this − other) / other × 100``."""
        return difference(self.count, self.other)


def difference(count: int, other: int) -> Fraction:
    """How much more ``count`` is than ``other``, in percent: ``(count − other) / other × 100``."""
    return Fraction(count - other, other) * 100


def rounds_to(percent: Fraction, stated: Decimal) -> bool:
    """Whether ``percent``, rounded half up to as many decimals as ``stated`` has, gives it.

    ``0.2225… → 0.2`` matches a stated ``0.2``; ``1.43… → 1.4`` does not.
    """
    exponent = stated.as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    exact = Decimal(percent.numerator) / Decimal(percent.denominator)
    return exact.quantize(places, rounding=ROUND_HALF_UP) == stated.quantize(places)


def compare(analysis: Analysis, others: Mapping[str, Analysis]) -> tuple[Comparison, ...]:
    """Every stated difference of ``analysis``'s spec, audited against the networks it names.

    ``others`` holds the site's analyses by name; the loader has checked that each named spec
    exists, so a missing one here is a spec that failed to load and its claims are left out.
    """
    found = []
    for claim in analysis.spec.compared:
        other = others.get(claim.to)
        if other is None:
            continue
        count = counted(analysis.totals, claim.quantity)
        total = counted(other.totals, claim.quantity)
        widths: tuple[Width, ...] = ()
        if total and rounds_to(difference(count, total), claim.percent):
            verdict = Verdict.MATCHES
        else:
            widths = tuple(_widths(analysis, other, claim)) if total else ()
            verdict = Verdict.EXPLAINED if widths else Verdict.UNEXPLAINED
        found.append(
            Comparison(claim, analysis.spec.sources[claim.source], count, total, verdict, widths)
        )
    return tuple(found)


def _widths(analysis: Analysis, other: Analysis, claim: Compared) -> Iterator[Width]:
    """The network with one layer's width replaced by another width either network uses."""
    total = counted(other.totals, claim.quantity)
    pool = sorted(_width_values(analysis.spec) | _width_values(other.spec))
    for index, layer in enumerate(analysis.spec.layers):
        field = kind_of(layer).width
        if field is None:
            continue
        was = getattr(layer, field)
        for now in pool:
            if now == was:
                continue
            try:
                varied = engine.analyse(
                    analysis.name, _with_width(analysis.spec, index, field, now)
                )
            except engine.GeometryError:
                continue
            count = counted(varied.totals, claim.quantity)
            if rounds_to(difference(count, total), claim.percent):
                yield Width(layer.name, field, was, now, count, difference(count, total))


def _width_values(spec: Spec) -> set[int]:
    """Every width a spec gives a layer: the kernel counts and fc widths a reading may borrow."""
    return {
        getattr(layer, field)
        for layer in spec.layers
        if (field := kind_of(layer).width) is not None
    }


def _with_width(spec: Spec, index: int, field: str, width: int) -> Spec:
    layers = list(spec.layers)
    layers[index] = layers[index].model_copy(update={field: width})
    return spec.model_copy(update={"layers": tuple(layers)})
