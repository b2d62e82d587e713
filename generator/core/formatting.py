"""How numbers, shapes and formulas are written on pages and in the terminal. Pure."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from generator.core.results import Axis, LayerResult, Shape
from generator.spec.models import Rounding

#: Rounding rules in words, for tables and legends.
RULE_NAMES = {
    Rounding.FLOOR: "floor (round down)",
    Rounding.CEIL: "ceil (round up, last window must start inside)",
    Rounding.CEIL_UNCLIPPED: "ceil, unclipped (cuda-convnet)",
}


def count(value: int) -> str:
    """``290400 → '290,400'``."""
    return f"{value:,}"


def signed(value: int) -> str:
    """``-36960 → '−36,960'``, ``5 → '+5'``: differences, with a true minus sign."""
    return f"{value:+,}".replace("-", "−")


def magnitude(value: Fraction) -> str:
    """``Fraction(-1, 8) → '12.5%'``: how far, without the direction."""
    return f"{abs(float(value)) * 100:.1f}%"


def shape(value: Shape) -> str:
    """``(96, 55, 55) → '96×55×55'``."""
    return "×".join(str(v) for v in value)


def number(value: Fraction) -> str:
    """An exact value as a reader expects it: ``55``, ``54.25``, or ``55/3 ≈ 18.333``."""
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:  # terminates in decimal: write it out exactly
        digits = 0
        while (value * 10**digits).denominator != 1:
            digits += 1
        return (
            f"{float(value):.{digits}f}"
            if digits <= 12
            else f"{value.numerator}/{value.denominator}"
        )
    return f"{value.numerator}/{value.denominator} ≈ {float(value):.3f}"


def percent(value: Fraction) -> str:
    """``Fraction(-1, 8) → '−12.5%'`` (a true minus sign): one decimal, or as many as show the
    first non-zero digit of a small difference (``−0.04%``, never ``−0.0%``), up to four; below
    that, ``−<0.0001%``."""
    hundredths = abs(value) * 100
    places = 1
    while places < 4 and hundredths and hundredths < Fraction(5, 10 ** (places + 1)):
        places += 1
    sign = "−" if value < 0 else "+"
    if hundredths and hundredths < Fraction(5, 10 ** (places + 1)):
        return f"{sign}<0.{'0' * (places - 1)}1%"
    return f"{float(value) * 100:+.{places}f}%".replace("-", "−")


def decimals(value: Fraction) -> Decimal:
    """``value`` to two decimals, rounded half up, or to as many more as it takes for the shown
    figure to round, at every coarser place, as ``value`` itself does: 818,924,576 / 349,151,936
    = 2.34548… is ``2.345``, not ``2.35``, which a reader would round to 2.4 where the value
    rounds to 2.3."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    for places in range(2, 7):
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if all(
            shown.quantize(unit, rounding=ROUND_HALF_UP)
            == exact.quantize(unit, rounding=ROUND_HALF_UP)
            for unit in (Decimal(1).scaleb(-coarser) for coarser in range(places))
        ):
            return shown
    return shown


def figure_text(form: str, value: Fraction | Decimal) -> str:
    """A comparison's figure in the words of its form: a stated ``Decimal`` as written, a computed
    ``Fraction`` as :func:`decimals` shows it.

    ``percent`` → ``+0.2%``, ``percent_of`` → ``18.66%``, ``times_more`` → ``2.27×``,
    ``times_fewer`` → ``12× fewer``.
    """
    if isinstance(value, Fraction):
        value = decimals(value)
    if form == "percent":
        return f"{value:+}%".replace("-", "−")
    if form == "percent_of":
        return f"{value}% of"
    return f"{value}× {'more' if form == 'times_more' else 'fewer'}"


def axis_formula(axis: Axis) -> str:
    """The output-size formula with the layer's numbers: ``(224 − 11) / 4 + 1 = 54.25 → ⌈54.25⌉ = 55``."""
    terms = [str(axis.size)]
    if axis.pad_before == axis.pad_after and axis.pad_before:
        terms.append(f"2·{axis.pad_before}")
    else:
        terms.extend(str(p) for p in (axis.pad_before, axis.pad_after) if p)
    numerator = " + ".join(terms) + f" − {axis.effective_kernel}"
    exact = number(axis.exact)
    text = f"({numerator}) / {axis.stride} + 1 = {exact}"
    if axis.is_exact:
        return text
    return f"{text} → {_rounded(axis, exact)}"


def _rounded(axis: Axis, exact: str) -> str:
    if axis.rounding is Rounding.FLOOR:
        return f"⌊{exact}⌋ = {axis.output}"
    up = -(-axis.exact.numerator // axis.exact.denominator)
    if up != axis.output:
        return f"⌈{exact}⌉ − 1 = {axis.output} (a last window would start in the padding)"
    return f"⌈{exact}⌉ = {axis.output}"


def size_formula(result: LayerResult) -> str:
    """One formula when height and width agree, else one per axis."""
    if result.axes is None:
        return ""
    height, width = result.axes
    if _same(height, width):
        return axis_formula(height)
    return f"H: {axis_formula(height)}; W: {axis_formula(width)}"


def _same(a: Axis, b: Axis) -> bool:
    return (a.size, a.effective_kernel, a.stride, a.pad_before, a.pad_after, a.rounding) == (
        b.size,
        b.effective_kernel,
        b.stride,
        b.pad_before,
        b.pad_after,
        b.rounding,
    )


def pair(values: tuple[int, int]) -> str:
    """``(3, 3) → '3'``, ``(3, 5) → '3×5'``."""
    return str(values[0]) if values[0] == values[1] else f"{values[0]}×{values[1]}"


def receptive(result: LayerResult) -> str:
    height, width = result.receptive_field
    return number(height) if height == width else f"{number(height)}×{number(width)}"
