"""How a source rounds: a count to its stated precision, a ratio to its stated decimals. Pure, exact.

A stated "3.6 billion" is a computed count rounded to hundreds of millions; a stated "18%" or
"50x" is a computed ratio rounded to whole units, or to one significant figure, or cut off rather
than rounded. Each rule is one function; :class:`RoundingRule` names them, so a reading can say which one
it assumed.
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import Enum
from fractions import Fraction


class RoundingRule(str, Enum):
    """A way of rounding a computed value to the figure a source writes."""

    HALF_UP = "half up"
    """To the stated figure's last digit, halves away from zero: what a reader expects."""
    DOWN = "truncated"
    """To the stated figure's last digit, cutting the rest off: 3.66 → 3.6, 18.66 → 18."""
    ONE_FIGURE = "one significant figure"
    """To one significant figure whatever the stated figure's last digit: 48.8 → 50."""


def rounding_unit(value: int) -> int:
    """The place a round figure was rounded to: ``650,000 → 10,000``, ``60,000,000 → 10,000,000``."""
    unit = 1
    while value and value % (unit * 10) == 0:
        unit *= 10
    return unit


def count_rounds_to(computed: int | Fraction, stated: int, unit: int | None = None) -> bool:
    """``computed`` rounded half up to the stated figure's unit ``u`` gives it:
    ``⌊c / u + 1/2⌋·u = s``. The unit is the one given, else the one its trailing zeros say
    (:func:`rounding_unit`)."""
    unit = unit or rounding_unit(stated)
    return math.floor(Fraction(computed) / unit + Fraction(1, 2)) * unit == stated


def count_truncates_to(computed: int | Fraction, stated: int, unit: int | None = None) -> bool:
    """``computed`` cut to the stated figure's unit ``u`` gives it: ``⌊c / u⌋·u = s``
    (3,663,761,408 → 3,600,000,000)."""
    unit = unit or rounding_unit(stated)
    return math.floor(Fraction(computed) / unit) * unit == stated


#: Each rule a count may have been rounded by, as a test of a computed count against the figure.
COUNT_RULES = {RoundingRule.HALF_UP: count_rounds_to, RoundingRule.DOWN: count_truncates_to}


class Scale(str, Enum):
    """What a figure's K (M, B) stands for."""

    DECIMAL = "K = 1,000"
    """A thousand, a million, a billion: ``380K`` is 380,000."""
    BINARY = "K = 1,024"
    """1,024 (1,024², 1,024³), as memory is counted: ``1000K`` is 1,024,000."""


def magnitude(value: int, unit: int, explicit: bool) -> int:
    """Which power of a thousand names a rounded figure: 1 for K, 2 for M, 3 for B.

    A unit the source's table gives (``explicit``) says it: ``1000K`` is read to the thousand,
    in K, and ``2.7K`` to the hundred, still in K. Otherwise the figure's own size says it:
    ``60 million`` is in M, ``1.5 billion`` in B."""
    if explicit:
        return max(1, (len(str(unit)) - 1) // 3)
    return max(1, (len(str(value)) - 1) // 3)


def in_decimal(computed: int, scale: Scale, power: int) -> Fraction:
    """A computed count as a figure in ``scale``'s K (M, B) would write it, in decimal units:
    ``c × 1,000ᵏ / 1,024ᵏ`` for a binary K, ``c`` for a decimal one (1,024,000 → 1,000,000)."""
    if scale is Scale.DECIMAL:
        return Fraction(computed)
    return Fraction(computed * 1000**power, 1024**power)


def _places(stated: Decimal) -> Decimal:
    """The place a stated figure was rounded to: its last decimal, or for a whole figure its
    last digit before trailing zeros, as for a count (``50`` to the ten, ``0.2`` to the tenth,
    ``12`` to the unit)."""
    exponent = stated.normalize().as_tuple().exponent
    return Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def rounded(rule: RoundingRule, value: Fraction, stated: Decimal) -> Decimal:
    """``value`` rounded by ``rule`` to the stated figure's precision (:func:`_places`): half up
    or cut off at its last digit (``8.71… → 9``, ``18.66… → 18`` cut off, ``48.83… → 50`` for a
    stated ``50``), or to one significant figure (``48.83… → 50``)."""
    if rule is RoundingRule.ONE_FIGURE:
        return one_figure(value)
    mode = ROUND_HALF_UP if rule is RoundingRule.HALF_UP else ROUND_DOWN
    places = _places(stated)
    found = _decimal(value).quantize(places, rounding=mode)
    # Written out, not as 5E+1: a whole figure rounded to the ten prints as 50.
    return found.quantize(Decimal(1)) if places > 1 else found


def one_figure(value: Fraction) -> Decimal:
    """``value`` rounded half up to one significant figure: ``48.83… → 50``, ``2.27… → 2``."""
    exact = _decimal(value)
    if not exact:
        return exact
    place = Decimal(1).scaleb(exact.adjusted())
    return (exact / place).quantize(Decimal(1), rounding=ROUND_HALF_UP) * place


def figure_rounds_to(value: Fraction, stated: Decimal) -> bool:
    """``value`` rounded half up to the stated figure's last digit (:func:`_places`) gives it.

    ``0.2225… → 0.2`` matches a stated ``0.2``; ``8.71 → 9`` does not match a stated ``12``.
    """
    return rounded(RoundingRule.HALF_UP, value, stated) == stated


def figure_truncates_to(value: Fraction, stated: Decimal) -> bool:
    """``value`` cut (towards zero) to as many decimals as ``stated`` has gives it:
    ``18.66… → 18``."""
    return rounded(RoundingRule.DOWN, value, stated) == stated


def figure_one_figure_to(value: Fraction, stated: Decimal) -> bool:
    """``value`` rounded to one significant figure equals ``stated``, for a stated figure that has
    one (``50``, ``3``; not ``12``, whose two figures say it was rounded to units)."""
    digits = stated.normalize().as_tuple().digits
    return len(digits) == 1 and rounded(RoundingRule.ONE_FIGURE, value, stated) == stated


#: Each rule a ratio may have been rounded by, as a test of a computed value against the figure.
FIGURE_RULES = {
    RoundingRule.HALF_UP: figure_rounds_to,
    RoundingRule.DOWN: figure_truncates_to,
    RoundingRule.ONE_FIGURE: figure_one_figure_to,
}
