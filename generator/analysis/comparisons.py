"""Comparisons a source states between two networks ("0.2% more", "12 times fewer"), audited. Pure.

A source may state a network's count only relative to another network of the site: Krizhevsky's
2014 single-column model has "0.2% more parameters" than the 2012 two-tower network, GoogLeNet
"12 times fewer parameters" than AlexNet. The audit computes both totals, the figure in the form the
source used (exact, a :class:`~fractions.Fraction`), and rounds it as the source rounded its own. When they disagree, the finder tries the network with
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
    figure: Fraction
    """The comparison's figure then, in the claim's form."""


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
    def figure(self) -> Fraction:
        """The computed figure, in the form the source used."""
        return figure(self.claim.form, self.count, self.other)


def difference(count: int, other: int) -> Fraction:
    """How much more ``count`` is than ``other``, in percent: ``(count − other) / other × 100``."""
    return Fraction(count - other, other) * 100


def share(count: int, other: int) -> Fraction:
    """``count`` as a percentage of ``other``: ``count / other × 100``."""
    return Fraction(count, other) * 100


def times_more(count: int, other: int) -> Fraction:
    """How many times ``other`` fits in ``count``: ``count / other``."""
    return Fraction(count, other)


def times_fewer(count: int, other: int) -> Fraction:
    """How many times fewer ``count`` is than ``other``: ``other / count``."""
    return Fraction(other, count)


#: Each form a source may use, by the field of :class:`~generator.spec.models.Compared` that
#: holds it.
FORMS = {
    "percent": difference,
    "percent_of": share,
    "times_more": times_more,
    "times_fewer": times_fewer,
}


def figure(form: str, count: int, other: int) -> Fraction:
    """The figure a source in ``form`` would state for these two counts."""
    return FORMS[form](count, other)


def rounds_to(value: Fraction, stated: Decimal) -> bool:
    """Whether ``value``, rounded half up to as many decimals as ``stated`` has, gives it.

    ``0.2225… → 0.2`` matches a stated ``0.2``; ``1.43… → 1.4`` does not; ``8.71 → 9`` does not
    match a stated ``12``.
    """
    exponent = stated.as_tuple().exponent
    places = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
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
        if total and count and rounds_to(figure(claim.form, count, total), claim.figure):
            verdict = Verdict.MATCHES
        else:
            widths = tuple(_widths(analysis, other, claim)) if total and count else ()
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
            if count and rounds_to(figure(claim.form, count, total), claim.figure):
                yield Width(layer.name, field, was, now, count, figure(claim.form, count, total))


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
