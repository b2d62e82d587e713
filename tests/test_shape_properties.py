"""The engine's output sizes against PyTorch and ONNX over thousands of random layers.

Each property builds a one-layer spec with :meth:`Spec.model_validate`, runs
:func:`generator.core.engine.analyse`, and compares with what the framework computes for the same layer
on a tiny zero tensor (PyTorch) or by shape inference (ONNX): the same output shape when both
accept the layer, and a :class:`~generator.core.engine.GeometryError` wherever PyTorch raises.

Where the frameworks' rules differ (the engine follows PyTorch's, and names the others'):

- **Convolution.** PyTorch, Caffe and TensorFlow VALID round down (``floor``) and reject a dilated
  kernel larger than the padded input. cuda-convnet rounds up with no clip
  (``ceil_unclipped``): ``1 + ⌈(2·pad + n − k) / s⌉``, the last window hanging past the edge.
- **Pooling.** PyTorch's ``ceil_mode`` rounds up, then drops a last window that would start in
  the right padding (``ceil``); it limits padding to half the *undilated* kernel, ``p ≤ ⌊k / 2⌋``
  (``pool2d_shape_check``; a second check against the dilated kernel is always weaker). Caffe
  pooling uses the same ceil-and-clip rule but a different limit, ``pad < kernel``; cuda-convnet
  rounds up with no clip, as for its convolutions.
- **ONNX shape inference** computes ``1 + (n + p − k_eff [+ s − 1 in ceil mode]) / s`` with C++
  integer division, which truncates toward zero: a kernel overhanging the padded input by less
  than one stride still gives one output, where PyTorch (``div_rtn``, toward −∞) rejects the
  layer. It has no pooling padding limit and does not check that channels split into groups. Its
  ceil mode drops the window starting in the padding exactly as PyTorch does (the ONNX source
  cites PyTorch's ``Pool.h``).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core import rules
from generator.core.engine import GeometryError, analyse
from generator.spec.models import Rounding, Spec
from tests.helpers import spec_data
from tests.requirements import require

# PyTorch (or ONNX) as the oracle: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

torch = require("torch", "pip install torch==2.13.0")
onnx = require("onnx", "pip install onnx")
functional = torch.nn.functional

#: Distinct random configurations each property must have checked (the tests assert it): 2,000
#: and 500 under the ci profile (tests/conftest.py), a tenth of that in the quick one.
EXAMPLES = 20 * settings.default.max_examples
ONNX_EXAMPLES = 5 * settings.default.max_examples
#: Hypothesis sometimes draws one configuration twice; a margin keeps EXAMPLES distinct ones.
SETTINGS = settings(
    max_examples=EXAMPLES * 3 // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

SIZES = st.integers(1, 40)
CHANNELS = st.integers(1, 8)


@dataclass(frozen=True)
class Window:
    """One random conv or pooling layer on a ``channels × height × width`` input."""

    kind: str
    channels: int
    height: int
    width: int
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: Any
    """As written in a spec: an int, ``[h, w]``, a top/bottom/left/right mapping, 'same', 'valid'."""
    rounding: Rounding
    out_channels: int = 0
    groups: int = 1
    bias: bool = True
    stride_given: bool = True

    def layer(self) -> dict[str, Any]:
        layer: dict[str, Any] = {
            "name": "layer",
            "kind": self.kind,
            "kernel": list(self.kernel),
            "padding": self.padding,
            "dilation": list(self.dilation),
            "rounding": self.rounding.value,
        }
        if self.stride_given:
            layer["stride"] = list(self.stride)
        if self.kind == "conv":
            layer.update(out_channels=self.out_channels, groups=self.groups, bias=self.bias)
        return layer

    def sides(self) -> tuple[int, int, int, int] | None:
        """Explicit padding as (top, bottom, left, right); ``None`` for 'same'."""
        p = self.padding
        if p == "same":
            return None
        if p == "valid":
            return (0, 0, 0, 0)
        if isinstance(p, int):
            return (p, p, p, p)
        if isinstance(p, list):
            return (p[0], p[0], p[1], p[1])
        return (p["top"], p["bottom"], p["left"], p["right"])

    def effective(self) -> tuple[int, int]:
        return (
            self.dilation[0] * (self.kernel[0] - 1) + 1,
            self.dilation[1] * (self.kernel[1] - 1) + 1,
        )


def engine(window: Window) -> tuple[int, ...] | GeometryError:
    """The engine's output shape for ``window``, or the error it raises."""
    spec = Spec.model_validate(
        spec_data(window.layer(), input=[window.channels, window.height, window.width])
    )
    try:
        return analyse("property", spec).layers[0].output
    except GeometryError as error:
        assert error.message, "a GeometryError must explain itself"
        return error


@st.composite
def paddings(draw: st.DrawFn, limits: tuple[int, int] = (4, 4), *, same: bool = True) -> Any:
    """A padding in any spec form, at most ``limits`` (height, width) pixels on a side."""
    form = draw(st.sampled_from(["int", "pair", "sides", "valid", *(["same"] if same else [])]))
    height, width = st.integers(0, limits[0]), st.integers(0, limits[1])
    if form == "int":
        return draw(st.integers(0, min(limits)))
    if form == "pair":
        return [draw(height), draw(width)]
    if form == "sides":
        return {
            "top": draw(height),
            "bottom": draw(height),
            "left": draw(width),
            "right": draw(width),
        }
    return form


def often(draw: st.DrawFn) -> bool:
    """True four times in five: keeps most random layers valid, and some not."""
    return draw(st.integers(0, 4)) > 0


def channel_count(draw: st.DrawFn, groups: int) -> int:
    """Mostly a multiple of ``groups`` up to 8, sometimes any count from 1 to 8."""
    if often(draw):
        return groups * draw(st.integers(1, 8 // groups))
    return draw(CHANNELS)


@st.composite
def convs(
    draw: st.DrawFn,
    *,
    roundings: tuple[Rounding, ...] = tuple(Rounding),
    same_strided: bool = False,
) -> Window:
    """Random convolutions; PyTorch's padding='same' needs stride 1, ONNX's SAME_UPPER does not."""
    groups = draw(st.integers(1, 4))
    padding = draw(paddings())
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    if padding == "same" and not same_strided:
        stride = (1, 1)
    return Window(
        kind="conv",
        channels=channel_count(draw, groups),
        height=draw(SIZES),
        width=draw(SIZES),
        kernel=(draw(st.integers(1, 7)), draw(st.integers(1, 7))),
        stride=stride,
        dilation=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        padding=padding,
        rounding=draw(st.sampled_from(roundings)),
        out_channels=channel_count(draw, groups),
        groups=groups,
        bias=draw(st.booleans()),
    )


@st.composite
def pools(
    draw: st.DrawFn, *, roundings: tuple[Rounding, ...] = tuple(Rounding), same: bool = False
) -> Window:
    """Random pooling; padding mostly within PyTorch's limit ⌊k / 2⌋, sometimes up to 3 over it."""
    kind = draw(st.sampled_from(["max_pool", "avg_pool"]))
    # nn.AvgPool2d has no dilation; ONNX's AveragePool does (opset 19).
    dilation = (1, 1)
    if kind == "max_pool" or same:
        dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    kernel = (draw(st.integers(1, 6)), draw(st.integers(1, 6)))
    limits = (
        (kernel[0] // 2, kernel[1] // 2)
        if often(draw)
        else (kernel[0] // 2 + 3, kernel[1] // 2 + 3)
    )
    stride_given = draw(st.booleans())
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4))) if stride_given else kernel
    return Window(
        kind=kind,
        channels=draw(CHANNELS),
        height=draw(SIZES),
        width=draw(SIZES),
        kernel=kernel,
        stride=stride,
        dilation=dilation,
        padding=draw(paddings(limits, same=same)),
        rounding=draw(st.sampled_from(roundings)),
        stride_given=stride_given,
    )


def cuda_convnet_size(n: int, k_eff: int, s: int, before: int, after: int) -> int:
    """cuda-convnet (layer.py): ``1 + ⌈(p_before + p_after + n − k) / s⌉``, no clip."""
    return 1 + -(-(before + after + n - k_eff) // s)


def pytorch_pool_size(n: int, k_eff: int, s: int, before: int, after: int, ceil: bool) -> int:
    """PyTorch's ``pooling_output_shape_pad_lr`` (ATen/native/Pool.h), transcribed.

    ``div_rtn(n + p_l + p_r − k_eff [+ s − 1], s) + 1``, then in ceil mode one fewer if the last
    window would start at or past ``n + p_l``. Used where PyTorch's modules cannot express the
    padding (asymmetric) or rounding (ceil convolution) but its formula can.
    """
    out = (n + before + after - k_eff + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= n + before:
        out -= 1
    return out


def zeros(window: Window) -> Any:
    return torch.zeros(1, window.channels, window.height, window.width)


def run(make: Any) -> tuple[int, ...] | Exception:
    """PyTorch's output shape without the batch dimension, or what it raised."""
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # padding='same' with an even dilated kernel pads a copy of the input: expected.
            warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)
            return tuple(make().shape[1:])
    except (RuntimeError, ValueError) as error:
        return error


def agree(window: Window, expected: tuple[int, ...] | Exception | None) -> tuple[int, ...] | None:
    """Assert the engine accepts exactly what the reference accepts, with the same shape."""
    got = engine(window)
    if isinstance(expected, Exception) or expected is None:
        assert isinstance(got, GeometryError), (
            f"{window}: the reference rejects it ({expected}), the engine gives {got}"
        )
        return None
    assert not isinstance(got, GeometryError), (
        f"{window}: the reference gives {expected}, the engine rejects it: {got.message}"
    )
    assert got == expected, f"{window}: engine {got}, reference {expected}"
    return got


#: The distinct configurations each property checked, by property.
CHECKED: dict[str, set[str]] = {}


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    """Tiny tensors: thread start-up would cost 100 times the convolution on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# --- Convolution against PyTorch ----------------------------------------------------------------


def pytorch_conv(window: Window) -> tuple[int, ...] | Exception | None:
    """nn.Conv2d with its own padding (symmetric or 'same'), or after F.pad when asymmetric.

    Floor rounding is PyTorch's own. ``ceil_unclipped`` is cuda-convnet's ``⌈x / s⌉``, which is
    ``⌊(x + s − 1) / s⌋``: PyTorch's floor over an input with ``s − 1`` more zero columns on the
    right, as long as the kernel fits the padded input (PyTorch's own rule for convolution). The
    clipped ``ceil`` has no PyTorch convolution; its reference is PyTorch's pooling formula.
    """
    sides = window.sides()
    top, bottom, left, right = sides or (0, 0, 0, 0)
    symmetric = (top, left) == (bottom, right)
    padding: Any = "same" if sides is None else (top, left) if symmetric else 0
    try:
        conv = torch.nn.Conv2d(
            window.channels,
            window.out_channels,
            window.kernel,
            stride=window.stride,
            dilation=window.dilation,
            groups=window.groups,
            bias=window.bias,
            padding=padding,
        )
    except ValueError as error:  # channels that do not split into the groups
        return error
    x = zeros(window)
    if sides is not None and not symmetric:
        x = functional.pad(x, (left, right, top, bottom))
    (kh, kw), (sh, sw) = window.effective(), window.stride
    fits = kh <= window.height + top + bottom and kw <= window.width + left + right
    if sides is None or window.rounding is Rounding.FLOOR or not fits:
        return run(lambda: conv(x))  # 'same' has stride 1 here: every rounding agrees
    if window.rounding is Rounding.CEIL_UNCLIPPED:
        shape = run(lambda: conv(functional.pad(x, (0, sw - 1, 0, sh - 1))))
        assert isinstance(shape, tuple)
        assert shape[1:] == (
            cuda_convnet_size(window.height, kh, sh, top, bottom),
            cuda_convnet_size(window.width, kw, sw, left, right),
        )
        return shape
    size = (
        pytorch_pool_size(window.height, kh, sh, top, bottom, ceil=True),
        pytorch_pool_size(window.width, kw, sw, left, right, ceil=True),
    )
    return (window.out_channels, *size) if min(size) >= 1 else None


@SETTINGS
@given(convs())
def check_convs(window: Window) -> None:
    CHECKED.setdefault("conv", set()).add(repr(window))
    agree(window, pytorch_conv(window))


def test_conv_output_sizes_match_pytorch() -> None:
    """Conv2d: kernel, stride, padding forms, dilation, groups and the three roundings."""
    CHECKED["conv"] = set()
    check_convs()
    assert len(CHECKED["conv"]) >= EXAMPLES


@pytest.mark.parametrize(
    ("channels", "out_channels", "groups", "size", "kernel", "padding", "rejected"),
    [
        (3, 4, 2, 10, 3, 0, "groups"),  # 3 input channels do not split into 2 groups
        (4, 3, 2, 10, 3, 0, "out_channels"),
        (4, 4, 1, 2, 3, 0, "kernel"),  # kernel larger than the input
        (4, 4, 1, 1, 4, 1, "kernel"),  # ... and than the padded input
    ],
)
def test_conv_rejections_match_pytorch(
    channels: int,
    out_channels: int,
    groups: int,
    size: int,
    kernel: int,
    padding: int,
    rejected: str,
) -> None:
    window = Window(
        kind="conv",
        channels=channels,
        height=size,
        width=size,
        kernel=(kernel, kernel),
        stride=(1, 1),
        dilation=(1, 1),
        padding=padding,
        rounding=Rounding.FLOOR,
        out_channels=out_channels,
        groups=groups,
    )
    assert isinstance(pytorch_conv(window), Exception)
    error = engine(window)
    assert isinstance(error, GeometryError) and error.field == rejected


# --- Pooling against PyTorch --------------------------------------------------------------------


def pytorch_pool(window: Window) -> tuple[int, ...] | Exception | None:
    """MaxPool2d / AvgPool2d with symmetric padding and ``ceil_mode``, as PyTorch runs them.

    PyTorch pads pooling layers symmetrically only. With asymmetric padding, floor rounding
    depends only on the total padding, so the pool runs over an input padded with F.pad; its
    padding limit ``p ≤ ⌊k / 2⌋`` is applied to each side. Asymmetric ``ceil`` uses PyTorch's
    transcribed formula (ONNX, below, checks it independently). ``ceil_unclipped`` is
    cuda-convnet's rule, which PyTorch lacks: it is checked against cuda-convnet's formula and
    against PyTorch's ``ceil_mode``, which it exceeds by one exactly when PyTorch clips.
    """
    top, bottom, left, right = window.sides() or (0, 0, 0, 0)
    (kh, kw), (sh, sw) = window.effective(), window.stride
    x = zeros(window)
    pool = functional.max_pool2d if window.kind == "max_pool" else functional.avg_pool2d
    extra = {"dilation": window.dilation} if window.kind == "max_pool" else {}
    limit = window.kernel[0] // 2, window.kernel[1] // 2
    if window.rounding is Rounding.CEIL_UNCLIPPED:
        size = (
            cuda_convnet_size(window.height, kh, sh, top, bottom),
            cuda_convnet_size(window.width, kw, sw, left, right),
        )
        if max(top, bottom) > limit[0] or max(left, right) > limit[1] or min(size) < 1:
            return None
        if (top, left) == (bottom, right):
            clipped = run(
                lambda: pool(x, window.kernel, window.stride, (top, left), ceil_mode=True, **extra)
            )
            # PyTorch rejects a layer whose clipped size is 0; the unclipped size is then 1.
            for unclipped, pytorch, n, s, before in zip(
                size,
                clipped[1:] if isinstance(clipped, tuple) else (0, 0),
                (window.height, window.width),
                (sh, sw),
                (top, left),
                strict=True,
            ):
                if pytorch:
                    assert unclipped - pytorch == ((unclipped - 1) * s >= n + before)
        return (window.channels, *size)
    ceil = window.rounding is Rounding.CEIL
    if (top, left) == (bottom, right):
        return run(
            lambda: pool(x, window.kernel, window.stride, (top, left), ceil_mode=ceil, **extra)
        )
    if max(top, bottom) > limit[0] or max(left, right) > limit[1]:
        return None
    if not ceil:
        return run(lambda: pool(functional.pad(x, (left, right, top, bottom)), **_args(window)))
    size = (
        pytorch_pool_size(window.height, kh, sh, top, bottom, ceil=True),
        pytorch_pool_size(window.width, kw, sw, left, right, ceil=True),
    )
    return (window.channels, *size) if min(size) >= 1 else None


def _args(window: Window) -> dict[str, Any]:
    args: dict[str, Any] = {"kernel_size": window.kernel, "stride": window.stride}
    if window.kind == "max_pool":
        args["dilation"] = window.dilation
    return args


@SETTINGS
@given(pools())
def check_pools(window: Window) -> None:
    CHECKED.setdefault("pool", set()).add(repr(window))
    agree(window, pytorch_pool(window))


def test_pool_output_sizes_match_pytorch() -> None:
    """Max and average pooling: kernel, stride, padding forms, dilation, floor/ceil/unclipped."""
    CHECKED["pool"] = set()
    check_pools()
    assert len(CHECKED["pool"]) >= EXAMPLES


def test_pytorch_ceil_mode_drops_a_window_starting_in_the_padding() -> None:
    """n = 5, k = 3, s = 4, p = 2: ⌈(5 + 4 − 3) / 4⌉ + 1 = 3, but window 3 would start at 8 ≥ 7."""
    window = Window(
        kind="max_pool",
        channels=1,
        height=5,
        width=5,
        kernel=(3, 3),
        stride=(4, 4),
        dilation=(1, 1),
        padding=1,
        rounding=Rounding.CEIL,
    )
    for pad, expected in ((1, 2), (0, 2)):
        window = replace(window, padding=pad)
        assert pytorch_pool(window) == (1, expected, expected)
        assert engine(window) == (1, expected, expected)


# --- ONNX shape inference -----------------------------------------------------------------------


def onnx_model(window: Window) -> Any:
    helper = onnx.helper
    tensor = onnx.TensorProto.FLOAT
    inputs = [
        helper.make_tensor_value_info(
            "X", tensor, [1, window.channels, window.height, window.width]
        )
    ]
    attributes: dict[str, Any] = {
        "kernel_shape": list(window.kernel),
        "strides": list(window.stride),
        "dilations": list(window.dilation),
    }
    sides = window.sides()
    if sides is None:
        attributes["auto_pad"] = "SAME_UPPER"  # TensorFlow's SAME: the odd pixel after
    else:
        top, bottom, left, right = sides
        attributes["pads"] = [top, left, bottom, right]
    if window.kind == "conv":
        op = "Conv"
        inputs.append(
            helper.make_tensor_value_info(
                "W",
                tensor,
                [window.out_channels, max(window.channels // window.groups, 1), *window.kernel],
            )
        )
        attributes["group"] = window.groups
    else:
        op = "MaxPool" if window.kind == "max_pool" else "AveragePool"
        attributes["ceil_mode"] = int(window.rounding is Rounding.CEIL)
    node = helper.make_node(op, [i.name for i in inputs], ["Y"], **attributes)
    output = helper.make_tensor_value_info("Y", tensor, None)
    graph = helper.make_graph([node], "layer", inputs, [output])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 22)])


def onnx_shape(window: Window) -> tuple[int, ...]:
    inferred = onnx.shape_inference.infer_shapes(onnx_model(window), strict_mode=True)
    dims = inferred.graph.output[0].type.tensor_type.shape.dim
    return tuple(d.dim_value for d in dims[1:])


def onnx_size(n: int, k_eff: int, s: int, before: int, after: int, ceil: bool) -> int:
    """ONNX's ``convPoolShapeInference``: C++ division, which truncates toward zero."""
    numerator = n + before + after - k_eff + (s - 1 if ceil else 0)
    quotient = abs(numerator) // s
    out = (quotient if numerator >= 0 else -quotient) + 1
    if ceil and (out - 1) * s >= n + before:
        out -= 1
    return out


def engine_sides(window: Window) -> tuple[int, int, int, int]:
    sides = window.sides()
    if sides is not None:
        return sides
    (kh, kw), (sh, sw) = window.effective(), window.stride
    top, bottom = rules.same_padding(window.height, kh, sh)
    left, right = rules.same_padding(window.width, kw, sw)
    return top, bottom, left, right


ONNX_DIFFERENCES: Counter[str] = Counter()


@settings(max_examples=ONNX_EXAMPLES * 3 // 2, deadline=None)
@given(
    st.one_of(
        convs(roundings=(Rounding.FLOOR,), same_strided=True),
        pools(roundings=(Rounding.FLOOR, Rounding.CEIL), same=True),
    )
)
def check_onnx(window: Window) -> None:
    CHECKED.setdefault("onnx", set()).add(repr(window))
    shape = onnx_shape(window)
    top, bottom, left, right = engine_sides(window)
    (kh, kw), (sh, sw) = window.effective(), window.stride
    ceil = window.rounding is Rounding.CEIL
    assert shape[1:] == (
        onnx_size(window.height, kh, sh, top, bottom, ceil),
        onnx_size(window.width, kw, sw, left, right, ceil),
    ), f"{window}: ONNX {shape} is not the transcribed rule"
    got = engine(window)
    if not isinstance(got, GeometryError):
        assert got == shape, f"{window}: engine {got}, ONNX {shape}"
        return
    if min(shape[1:]) < 1:
        ONNX_DIFFERENCES["both reject"] += 1
        return
    # ONNX accepts what the engine, like PyTorch, rejects: one of the documented differences.
    reasons = onnx_differences(window, (top, bottom, left, right))
    assert reasons, f"{window}: ONNX gives {shape}, the engine rejects it: {got.message}"
    ONNX_DIFFERENCES.update(reasons)


def onnx_differences(window: Window, sides: tuple[int, int, int, int]) -> set[str]:
    """Why ONNX may accept a layer that PyTorch rejects (the module docstring explains each)."""
    top, bottom, left, right = sides
    (kh, kw), (sh, sw) = window.effective(), window.stride
    axes = ((window.height, kh, sh, top, bottom), (window.width, kw, sw, left, right))
    reasons = set()
    if window.kind == "conv":
        if window.channels % window.groups or window.out_channels % window.groups:
            reasons.add("no group check")
        if any(k > n + before + after for n, k, _, before, after in axes):
            reasons.add("no kernel-fits check")
    elif max(top, bottom) > window.kernel[0] // 2 or max(left, right) > window.kernel[1] // 2:
        reasons.add("no pooling padding limit")
    ceil = window.rounding is Rounding.CEIL
    if any(pytorch_pool_size(*axis, ceil) < 1 for axis in axes):
        reasons.add("division truncates toward zero")
    return reasons


def test_output_sizes_match_onnx_shape_inference() -> None:
    """Conv, MaxPool and AveragePool (pads, strides, dilations, group, ceil_mode, SAME_UPPER)."""
    CHECKED["onnx"] = set()
    ONNX_DIFFERENCES.clear()
    check_onnx()
    assert len(CHECKED["onnx"]) >= ONNX_EXAMPLES


def test_onnx_truncates_where_pytorch_floors() -> None:
    """A 2-wide kernel, stride 2, on 1 pixel: ONNX gives ⌊… ⌋ of −1/2 as 0, so 1 output."""
    window = Window(
        kind="max_pool",
        channels=1,
        height=1,
        width=1,
        kernel=(2, 2),
        stride=(2, 2),
        dilation=(1, 1),
        padding=0,
        rounding=Rounding.FLOOR,
    )
    assert onnx_shape(window) == (1, 1, 1)
    assert isinstance(pytorch_pool(window), Exception)
    assert isinstance(engine(window), GeometryError)
    assert math.floor(-1 / 2) + 1 == 0


# --- Transposed convolution, upsampling, broadcasting (issue 23) --------------------------------


@dataclass(frozen=True)
class Transposed:
    """One random transposed convolution on a ``channels × height × width`` input."""

    channels: int
    height: int
    width: int
    out_channels: int
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int

    def layer(self) -> dict[str, Any]:
        return {
            "name": "layer",
            "kind": "conv_transpose",
            "out_channels": self.out_channels,
            "kernel": list(self.kernel),
            "stride": list(self.stride),
            "padding": list(self.padding),
            "output_padding": list(self.output_padding),
            "dilation": list(self.dilation),
            "groups": self.groups,
        }


def engine_layer(layer: dict[str, Any], shape: tuple[int, ...]) -> Any:
    """The engine's result for one layer on ``shape``, or its GeometryError."""
    spec = Spec.model_validate(spec_data(layer, input=list(shape)))
    try:
        return analyse("property", spec).layers[0]
    except GeometryError as error:
        assert error.message, "a GeometryError must explain itself"
        return error


@st.composite
def transposeds(draw: st.DrawFn) -> Transposed:
    """Random transposed convolutions; output padding below the stride or the dilation (the spec
    refuses the rest, as PyTorch does), padding sometimes larger than the output."""
    groups = draw(st.integers(1, 4))
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    extra = tuple(
        draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
    )
    return Transposed(
        channels=channel_count(draw, groups),
        height=draw(st.integers(1, 12)),
        width=draw(st.integers(1, 12)),
        out_channels=channel_count(draw, groups),
        kernel=(draw(st.integers(1, 7)), draw(st.integers(1, 7))),
        stride=stride,
        padding=(draw(st.integers(0, 6)), draw(st.integers(0, 6))),
        output_padding=(extra[0], extra[1]),
        dilation=dilation,
        groups=groups,
    )


def pytorch_transposed(layer: Transposed) -> tuple[tuple[int, ...], int, int] | Exception:
    """nn.ConvTranspose2d's output shape, its parameters, and ``input values × out_channels /
    groups × kh × kw`` from its own attributes; or what it raised."""
    try:
        module = torch.nn.ConvTranspose2d(
            layer.channels,
            layer.out_channels,
            layer.kernel,
            stride=layer.stride,
            padding=layer.padding,
            output_padding=layer.output_padding,
            groups=layer.groups,
            dilation=layer.dilation,
        )
    except ValueError as error:  # channels that do not split into the groups
        return error
    x = torch.zeros(1, layer.channels, layer.height, layer.width)
    shape = run(lambda: module(x))
    if isinstance(shape, Exception):
        return shape
    if 0 in shape:  # PyTorch returns an empty tensor where the padding takes every row
        return ValueError(f"an empty output, {shape}")
    kh, kw = module.kernel_size
    macs = x.numel() * (module.out_channels // module.groups) * kh * kw
    return shape, sum(p.numel() for p in module.parameters()), macs


@SETTINGS
@given(transposeds())
def check_transposeds(layer: Transposed) -> None:
    CHECKED.setdefault("transposed", set()).add(repr(layer))
    expected = pytorch_transposed(layer)
    got = engine_layer(layer.layer(), (layer.channels, layer.height, layer.width))
    if isinstance(expected, Exception):
        assert isinstance(got, GeometryError), f"{layer}: PyTorch rejects it ({expected})"
        return
    assert not isinstance(got, GeometryError), f"{layer}: PyTorch gives {expected}: {got}"
    assert (got.output, got.params, got.macs) == expected, layer


def test_transposed_convolutions_match_pytorch() -> None:
    """ConvTranspose2d: kernel, stride, padding, output padding, dilation, groups; the shape, the
    parameters and every input value times a kernel."""
    CHECKED["transposed"] = set()
    check_transposeds()
    assert len(CHECKED["transposed"]) >= EXAMPLES


@settings(max_examples=ONNX_EXAMPLES * 3 // 2, deadline=None)
@given(transposeds())
def check_onnx_transposeds(layer: Transposed) -> None:
    """ONNX's ConvTranspose shape inference: ``s·(n − 1) + op + ((k − 1)·d + 1) − p_begin −
    p_end``, which does not check that the output is positive or that channels split."""
    CHECKED.setdefault("onnx transposed", set()).add(repr(layer))
    helper = onnx.helper
    tensor = onnx.TensorProto.FLOAT
    per_group = max(layer.out_channels // layer.groups, 1)
    inputs = [
        helper.make_tensor_value_info("X", tensor, [1, layer.channels, layer.height, layer.width]),
        helper.make_tensor_value_info("W", tensor, [layer.channels, per_group, *layer.kernel]),
    ]
    node = helper.make_node(
        "ConvTranspose",
        ["X", "W"],
        ["Y"],
        kernel_shape=list(layer.kernel),
        strides=list(layer.stride),
        dilations=list(layer.dilation),
        pads=[*layer.padding, *layer.padding],
        output_padding=list(layer.output_padding),
        group=layer.groups,
    )
    output = helper.make_tensor_value_info("Y", tensor, None)
    graph = helper.make_graph([node], "layer", inputs, [output])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 22)])
    dims = onnx.shape_inference.infer_shapes(model).graph.output[0].type.tensor_type.shape.dim
    shape = tuple(d.dim_value for d in dims[1:])
    got = engine_layer(layer.layer(), (layer.channels, layer.height, layer.width))
    if isinstance(got, GeometryError):
        assert got.field in ("padding", "groups", "out_channels"), got.message
        return
    assert got.output == (per_group * layer.groups, *shape[1:]), layer


def test_transposed_convolutions_match_onnx_shape_inference() -> None:
    CHECKED["onnx transposed"] = set()
    check_onnx_transposeds()
    assert len(CHECKED["onnx transposed"]) >= ONNX_EXAMPLES


@SETTINGS
@given(
    channels=CHANNELS,
    height=st.integers(1, 20),
    width=st.integers(1, 20),
    how=st.one_of(
        st.fixed_dictionaries({"scale": st.tuples(st.integers(1, 4), st.integers(1, 4))}),
        st.fixed_dictionaries({"size": st.tuples(st.integers(1, 40), st.integers(1, 40))}),
    ),
    mode=st.sampled_from(["nearest", "bilinear"]),
)
def check_upsamples(channels: int, height: int, width: int, how: Any, mode: str) -> None:
    CHECKED.setdefault("upsample", set()).add(repr((channels, height, width, how, mode)))
    layer = {"name": "layer", "kind": "upsample", "mode": mode, **how}
    got = engine_layer(layer, (channels, height, width))
    x = torch.zeros(1, channels, height, width)
    key, value = next(iter(how.items()))
    module = torch.nn.Upsample(**{"scale_factor" if key == "scale" else "size": value}, mode=mode)
    assert got.output == run(lambda: module(x)), (channels, height, width, how, mode)


def test_upsampling_matches_pytorch() -> None:
    """nn.Upsample by a whole factor per axis or to a size, nearest and bilinear."""
    CHECKED["upsample"] = set()
    check_upsamples()
    assert len(CHECKED["upsample"]) >= EXAMPLES


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)), min_size=2, max_size=3
    )
)
def check_products(shapes: list[tuple[int, int, int]]) -> None:
    """Element-wise products of volumes: PyTorch's broadcasting, or its refusal."""
    CHECKED.setdefault("multiply", set()).add(repr(shapes))
    layers: list[dict[str, Any]] = []
    for i, (channels, height, width) in enumerate(shapes):
        # Each input's shape: the 3×3×3 image pooled to its height and width, then a 1×1
        # convolution to its channels.
        layers += [
            {"name": f"p{i}", "kind": "adaptive_avg_pool", "output": [height, width]},
            {"name": f"c{i}", "kind": "conv", "out_channels": channels, "kernel": 1},
        ]
        layers[-2]["inputs"] = ["input"]
    product = {
        "name": "product",
        "kind": "multiply",
        "inputs": [f"c{i}" for i in range(len(shapes))],
    }
    spec = spec_data(*layers, product, input=[3, 3, 3])
    try:
        result: Any = analyse("property", Spec.model_validate(spec)).layer("product").output
    except GeometryError as error:
        result = error
    expected = run(lambda: math.prod(torch.zeros(1, *s) for s in shapes))
    if isinstance(expected, Exception):
        assert isinstance(result, GeometryError), (shapes, result)
    else:
        assert result == expected, shapes


def test_products_broadcast_as_pytorch_does() -> None:
    CHECKED["multiply"] = set()
    check_products()
    assert len(CHECKED["multiply"]) >= EXAMPLES
