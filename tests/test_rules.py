"""The output-size formula under each rounding rule, table-driven."""

from __future__ import annotations

from fractions import Fraction

import pytest

from generator.core import rules
from generator.core.engine import GeometryError, analyse
from generator.spec.models import Rounding, Spec
from tests.helpers import spec_data


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "pad", "exact"),
    [
        (224, 11, 4, 0, Fraction(217, 4)),  # the paper's conv1: 54.25
        (227, 11, 4, 0, Fraction(55)),  # Caffe and CS231n: exactly 55
        (224, 11, 4, 2, Fraction(221, 4)),  # torchvision: 55.25
        (55, 3, 2, 0, Fraction(27)),
        (13, 3, 1, 1, Fraction(13)),
    ],
)
def test_exact_size(size: int, kernel: int, stride: int, pad: int, exact: Fraction) -> None:
    assert rules.exact_output_size(size, kernel, stride, pad, pad) == exact


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "pad", "rounding", "expected"),
    [
        (224, 11, 4, 0, Rounding.FLOOR, 54),
        (224, 11, 4, 0, Rounding.CEIL, 55),
        (224, 11, 4, 0, Rounding.CEIL_UNCLIPPED, 55),
        (54, 3, 2, 0, Rounding.FLOOR, 26),  # 25.5 + 1 rounds down
        (54, 3, 2, 0, Rounding.CEIL, 27),  # Caffe pooling after a 54 conv1
        # ⌈(5 + 4 − 3)/4⌉ + 1 = 3, but the third window would start at 8 ≥ 5 + 2: PyTorch drops it.
        (5, 3, 4, 2, Rounding.CEIL, 2),
        (5, 3, 4, 2, Rounding.CEIL_UNCLIPPED, 3),
    ],
)
def test_rounding_rules(
    size: int, kernel: int, stride: int, pad: int, rounding: Rounding, expected: int
) -> None:
    assert rules.output_size(size, kernel, stride, pad, pad, rounding) == expected


def test_dilation_widens_the_kernel() -> None:
    assert rules.effective_kernel(3, 2) == 5
    assert rules.effective_kernel(11, 1) == 11


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding"),
    [
        (224, 11, 4, (3, 4)),
        (13, 3, 1, (1, 1)),
        (13, 3, 2, (1, 1)),
        (6, 1, 1, (0, 0)),
        (5, 5, 2, (2, 2)),
    ],
)
def test_tensorflow_same_padding(
    size: int, kernel: int, stride: int, padding: tuple[int, int]
) -> None:
    """SAME gives ⌈n / s⌉ outputs; the odd padding pixel goes after."""
    assert rules.same_padding(size, kernel, stride) == padding
    before, after = padding
    assert rules.output_size(size, kernel, stride, before, after, Rounding.FLOOR) == -(
        -size // stride
    )


def test_adaptive_windows_cover_the_input() -> None:
    """Adaptive pooling of 13 → 6: windows [⌊i·13/6⌋, ⌈(i+1)·13/6⌉) overlap and reach both ends."""
    windows = [rules.adaptive_window(13, 6, i) for i in range(6)]
    assert windows[0][0] == 0 and windows[-1][1] == 13
    assert rules.adaptive_max_window(13, 6) == 3
    assert rules.adaptive_max_window(6, 6) == 1


def test_parameter_formulas() -> None:
    assert rules.conv_weights(96, 256, 2, 5, 5) == 256 * 48 * 25
    assert rules.conv_macs(3, 96, 1, 11, 11, 55, 55) == 290_400 * 363
    assert rules.fc_weights(9216, 4096) == 37_748_736


@pytest.mark.parametrize(
    ("kernel", "dilation", "padding", "allowed"),
    [
        (3, 1, 1, True),
        (3, 1, 2, False),  # PyTorch: "pad should be at most half of effective kernel size"
        (2, 1, 1, True),
        (1, 1, 1, False),
        # Found by tests/test_shape_properties.py: PyTorch's limit is half the *undilated*
        # kernel ("pad should be smaller than or equal to half of kernel size"); the engine used
        # the dilated span k_eff = 5 and accepted padding 2.
        (3, 2, 2, False),
        (2, 3, 2, False),
        (3, 2, 1, True),
    ],
)
def test_pooling_padding_limit(kernel: int, dilation: int, padding: int, allowed: bool) -> None:
    """At most ⌊k / 2⌋ padding on a side, whatever the dilation (PyTorch; ONNX has no limit)."""
    assert (padding <= rules.max_pool_padding(kernel)) is allowed
    pool = {
        "name": "pool",
        "kind": "max_pool",
        "kernel": kernel,
        "dilation": dilation,
        "padding": padding,
    }
    spec = Spec.model_validate(spec_data(pool, input=[1, 20, 20]))
    if allowed:
        analyse("pool", spec)
    else:
        with pytest.raises(GeometryError, match="more than half the kernel") as error:
            analyse("pool", spec)
        assert error.value.field == "padding"
