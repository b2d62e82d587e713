"""The calculator of the convolution arithmetic page: one axis of one layer under every rule.

The page's calculator runs in the browser (``assets/calculator.js``); :func:`calculate` is its
Python twin. It works out the page's initial results, so the page is useful without JavaScript,
and it is the oracle the browser tests compare the script against. Both use integer arithmetic
only. :class:`Example` is one set of numbers with the calculator's results, as the page's worked
examples show them. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from generator.core import rules
from generator.spec.models import MAX_SPATIAL, Rounding

#: A pooling layer where PyTorch's and Caffe's last-window rule matters (n, k, s, p_before,
#: p_after, d): a 2×2 max-pool with stride 2 and padding 1 on 5 pixels.
CLIP_EXAMPLE = (5, 2, 2, 1, 1, 1)
#: Largest number the calculator accepts in any box.
MAX_VALUE = MAX_SPATIAL
#: What a result cell shows for invalid input, and for a rule under which no window fits.
NOTHING = "—"
NO_OUTPUT = "no output"
MINUS = "−"


@dataclass(frozen=True, slots=True)
class CalculatorInput:
    """One box of the calculator."""

    key: str
    label: str
    minimum: int


FIELDS = (
    CalculatorInput("n", "Input size n", 1),
    CalculatorInput("k", "Kernel k", 1),
    CalculatorInput("s", "Stride s", 1),
    CalculatorInput("p_before", "Padding before", 0),
    CalculatorInput("p_after", "Padding after", 0),
    CalculatorInput("d", "Dilation d", 1),
)


@dataclass(frozen=True, slots=True)
class SizeRule:
    """One row of the calculator's results: a rounding rule and who uses it."""

    key: str
    name: str
    used_by: str


RULES = (
    SizeRule("floor", "floor", "PyTorch convolution and pooling, Caffe convolution"),
    SizeRule(
        "ceil",
        "ceil, last window must start inside",
        "PyTorch pooling with ceil_mode=True, Caffe pooling",
    ),
    SizeRule("ceil_unclipped", "ceil, unclipped", "cuda-convnet convolution and pooling"),
    SizeRule("tf_valid", "VALID", "TensorFlow: floor with no padding (ignores the padding boxes)"),
    SizeRule(
        "tf_same", "SAME", "TensorFlow: ⌈n / s⌉, padding computed (ignores the padding boxes)"
    ),
)
RULE_KEYS = tuple(r.key for r in RULES)
_ROUNDING: Mapping[str, Rounding] = {
    "floor": Rounding.FLOOR,
    "ceil": Rounding.CEIL,
    "ceil_unclipped": Rounding.CEIL_UNCLIPPED,
}


@dataclass(frozen=True, slots=True)
class Calculation:
    """Everything the calculator shows for one set of numbers."""

    valid: bool
    """Whether every box holds a whole number in its range."""
    exact: Fraction | None
    """Window positions before rounding; ``None`` when the input is invalid."""
    outputs: dict[str, int | None]
    """Output size under each rule of :data:`RULES`; ``None`` where no window fits."""
    padding: dict[str, tuple[int, int] | None]
    """Padding (before, after) each rule uses; TensorFlow's VALID and SAME ignore the boxes."""
    message: str
    note: str = ""
    """A caveat for the pooling rows: padding that PyTorch or Caffe pooling would refuse."""

    def cells(self) -> dict[str, str]:
        """The text of every result cell, by its ``data-cell`` key, as the page shows it."""
        shown: dict[str, str] = {"message": self.message, "note": self.note}
        shown["exact"] = NOTHING if self.exact is None else exact_text(self.exact)
        for key in ("exact", *RULE_KEYS):
            pad = self.padding.get(key)
            shown[f"pad-{key}"] = NOTHING if pad is None else f"{pad[0]} + {pad[1]}"
        for key in RULE_KEYS:
            out = self.outputs.get(key)
            shown[key] = NOTHING if not self.valid else NO_OUTPUT if out is None else str(out)
        return shown


def exact_text(value: Fraction) -> str:
    """An exact value, computed with integers only: ``55``, ``54.25``, ``−1``, ``55/3 ≈ 18.333``.

    Terminating decimals are written out in full; others as the fraction and its value to three
    places (never a tie: a tie would make the decimal terminate). ``calculator.js`` writes the same.
    """
    sign = MINUS if value < 0 else ""
    p, q = abs(value.numerator), value.denominator
    if q == 1:
        return f"{sign}{p}"
    rest = q
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest == 1:
        whole, remainder = divmod(p, q)
        digits = ""
        while remainder:
            digit, remainder = divmod(remainder * 10, q)
            digits += str(digit)
        return f"{sign}{whole}.{digits}"
    thousandths = (2000 * p + q) // (2 * q)
    return f"{sign}{p}/{q} ≈ {sign}{thousandths // 1000}.{thousandths % 1000:03d}"


_WHOLE = re.compile(r"\s*[0-9]+\s*")


def parse_whole(text: str) -> int | None:
    """A box's text as the script reads it: digits (spaces around allowed), else ``None``."""
    return int(text) if _WHOLE.fullmatch(text) else None


def calculate_text(texts: Sequence[str]) -> Calculation:
    """The calculator on the boxes' text, in the order of :data:`FIELDS`."""
    return _calculate(tuple(parse_whole(t) for t in texts))


def calculate(n: int, k: int, s: int, p_before: int, p_after: int, d: int) -> Calculation:
    """The calculator on numbers: what the page shows for input ``n``, kernel ``k``, stride
    ``s``, padding ``p_before`` + ``p_after`` and dilation ``d`` along one axis."""
    return _calculate((n, k, s, p_before, p_after, d))


def calculator_rows(
    n: int, k: int, s: int, p_before: int, p_after: int, d: int
) -> dict[str, int | None]:
    """Output size under each rule (``floor``, ``ceil``, ``ceil_unclipped``, ``tf_valid``,
    ``tf_same``); ``None`` where no window fits or the numbers are invalid."""
    return calculate(n, k, s, p_before, p_after, d).outputs


def _calculate(values: tuple[int | None, ...]) -> Calculation:
    for field, value in zip(FIELDS, values, strict=True):
        if value is None or not field.minimum <= value <= MAX_VALUE:
            return Calculation(
                valid=False,
                exact=None,
                outputs=dict.fromkeys(RULE_KEYS),
                padding={},
                message=f"{field.label} must be a whole number from {field.minimum} "
                f"to {MAX_VALUE:,}.",
            )
    n, k, s, before, after, d = (v for v in values if v is not None)
    k_eff = rules.effective_kernel(k, d)
    padded = n + before + after
    exact = rules.exact_output_size(n, k_eff, s, before, after)
    fits = k_eff <= padded
    outputs: dict[str, int | None] = {
        key: rules.output_size(n, k_eff, s, before, after, rounding) if fits else None
        for key, rounding in _ROUNDING.items()
    }
    outputs["tf_valid"] = (
        rules.output_size(n, k_eff, s, 0, 0, Rounding.FLOOR) if k_eff <= n else None
    )
    same = rules.same_padding(n, k_eff, s)
    outputs["tf_same"] = -(-n // s)
    padding: dict[str, tuple[int, int] | None] = {
        key: (before, after) for key in ("exact", *_ROUNDING)
    }
    padding["tf_valid"] = (0, 0)
    padding["tf_same"] = same
    message = _message(n, k_eff, padded, exact, outputs)
    return Calculation(True, exact, outputs, padding, message, _note(k, max(before, after)))


def _note(k: int, pad: int) -> str:
    """Whether pooling would accept this padding: PyTorch up to ``⌊k / 2⌋``, Caffe below ``k``."""
    most = rules.max_pool_padding(k)
    if pad <= most:
        return ""
    if pad < k:
        return (
            f"PyTorch pooling allows at most ⌊k / 2⌋ = {most} pixels of padding on each side "
            "and would refuse these numbers; Caffe pooling accepts them."
        )
    return (
        f"Pooling would refuse these numbers: PyTorch allows at most ⌊k / 2⌋ = {most} pixels of "
        f"padding on each side, Caffe less than the kernel, {k}. The ceil row applies the rule anyway."
    )


def _message(
    n: int, k_eff: int, padded: int, exact: Fraction, outputs: dict[str, int | None]
) -> str:
    """What the numbers mean, in a sentence; ``calculator.js`` builds the same sentences."""
    if k_eff > padded:
        return (
            f"No window fits: the kernel spans {k_eff} pixels but the padded input has only "
            f"{padded}. Only TensorFlow SAME, which pads as much as it needs, gives an output."
        )
    if k_eff > n:
        return (
            f"TensorFlow VALID gives no output: the kernel spans {k_eff} pixels but the input "
            f"without padding has only {n}."
        )
    x = exact_text(exact)
    if exact.denominator == 1:
        return (
            f"x = {x} is a whole number: the windows tile the padded input exactly, "
            "so floor and both ceil rules agree."
        )
    floor, ceil, unclipped = (outputs[key] for key in _ROUNDING)
    if ceil != unclipped:
        return (
            f"x = {x} is not a whole number: floor drops the last, partial window ({floor}); "
            f"cuda-convnet keeps it ({unclipped}); PyTorch and Caffe drop it too ({ceil}), "
            "because it would start in the right padding."
        )
    return (
        f"x = {x} is not a whole number: floor drops the last, partial window ({floor}); "
        f"the ceil rules keep it ({ceil})."
    )


@dataclass(frozen=True, slots=True)
class Example:
    """One layer's numbers along one axis, with what each rule makes of them."""

    n: int
    k: int
    s: int
    p_before: int
    p_after: int
    d: int
    calc: Calculation

    @property
    def k_eff(self) -> int:
        return rules.effective_kernel(self.k, self.d)

    @property
    def span(self) -> int:
        """``n + p_before + p_after − k_eff``: the pixels the window start slides across."""
        return self.n + self.p_before + self.p_after - self.k_eff

    @property
    def right_padding(self) -> int:
        """``n + p_before``: where the right padding starts in the padded row."""
        return self.n + self.p_before

    @property
    def x(self) -> str:
        return exact_text(self.calc.exact) if self.calc.exact is not None else NOTHING

    def out(self, key: str) -> int:
        value = self.calc.outputs[key]
        assert value is not None, f"{key}: the examples are chosen so that every rule has an output"
        return value

    def padding(self, key: str) -> tuple[int, int]:
        """The padding rule ``key`` uses, before and after (TensorFlow SAME works out its own)."""
        return self.calc.padding[key] or (0, 0)

    def padding_total(self, key: str) -> int:
        """The pixels rule ``key`` pads, before and after together."""
        return sum(self.padding(key))

    def last_start(self, key: str) -> int:
        """Where the last window of rule ``key`` starts in the padded row: ``(o − 1)·s``."""
        return (self.out(key) - 1) * self.s

    def overhang(self, key: str) -> int:
        """Pixels the last window reaches past the padded input."""
        return max(
            rules.covered_extent(self.out(key), self.k_eff, self.s)
            - (self.n + self.p_before + self.p_after),
            0,
        )


def example(numbers: tuple[int, int, int, int, int, int]) -> Example:
    return Example(*numbers, calc=calculate(*numbers))
