"""``max_pool`` and ``avg_pool``: the maximum or the mean of each window, no parameters."""

from __future__ import annotations

from collections.abc import Iterator

from generator.core import rules
from generator.core.kinds import windows
from generator.core.kinds.base import GeometryError, Incoming, LayerKind, TorchCode, require_volume
from generator.core.results import Axis, LayerResult
from generator.spec.models import Conv, Layer, Pool

#: ``nn.AvgPool2d`` has no dilation: the script defines this module where a spec needs one.
DILATED_AVG_POOL = '''\
class DilatedAvgPool2d(nn.Module):
    """Average pooling with dilation, which nn.AvgPool2d lacks: a fixed depthwise convolution.

    The averaging weights are a buffer, not parameters, so the layer has no parameters, as in the
    spec; padding is applied before it with nn.ZeroPad2d.
    """

    def __init__(self, channels: int, kernel_size: tuple[int, int], stride: tuple[int, int],
                 dilation: tuple[int, int]) -> None:
        super().__init__()
        weight = torch.full((channels, 1, *kernel_size), 1.0 / (kernel_size[0] * kernel_size[1]))
        self.register_buffer("weight", weight)
        self.stride, self.dilation, self.channels = stride, dilation, channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.conv2d(
            x, self.weight, stride=self.stride, dilation=self.dilation, groups=self.channels
        )'''


def _check_axis(
    layer: Conv | Pool, size: int, kernel: int, k_eff: int, before: int, after: int
) -> None:
    if max(before, after) > rules.max_pool_padding(kernel):
        dilated = f", {k_eff} pixels dilated" if k_eff != kernel else ""
        raise GeometryError(
            layer.name,
            "padding",
            f"padding {max(before, after)} is more than half the kernel ({kernel}{dilated}): "
            "PyTorch allows at most half the undilated kernel on each side",
        )


def axes(layer: Layer, size: tuple[int, int]) -> tuple[Axis, Axis]:
    assert isinstance(layer, Pool)
    return windows.axes(layer, size, _check_axis)


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output ``C × H_out × W_out``: channels unchanged, each window pooled to one value."""
    assert isinstance(layer, Pool)
    c, h, w = require_volume(layer, incoming)
    found = axes(layer, (h, w))
    rf, jump = windows.receptive_field(incoming, found)
    return LayerResult(
        index=index,
        layer=layer,
        input=incoming.shape,
        output=(c, found[0].output, found[1].output),
        axes=found,
        counts_as_neurons=False,
        weights=0,
        biases=0,
        macs=0,
        receptive_field=rf,
        jump=jump,
        towers=incoming.towers,
        cross_tower=False,
    )


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, Pool) and result.axes is not None
    height, width = result.axes
    dilated_avg = layer.kind == "avg_pool" and layer.dilation != (1, 1)
    padding = windows.torch_padding(height, width, native=not dilated_avg, ceil_mode=True)
    comments: list[str] = []
    helpers: tuple[str, ...] = ()
    if dilated_avg:
        comments.append("nn.AvgPool2d has no dilation: DilatedAvgPool2d (above) averages instead")
        module = (
            f"DilatedAvgPool2d({result.input[0]}, {windows.pair(layer.kernel)}, "
            f"{windows.pair((height.stride, width.stride))}, {windows.pair(layer.dilation)})"
        )
        helpers = (DILATED_AVG_POOL,)
    else:
        args = windows.window_args(result, padding, pooling=True)
        if padding.ceil_mode:
            args.append("ceil_mode=True")
        name = "nn.MaxPool2d" if layer.kind == "max_pool" else "nn.AvgPool2d"
        module = f"{name}({', '.join(args)})"
    if padding.zero is None:
        return TorchCode((module,), tuple(comments), helpers)
    comments.extend(windows.zero_padding_comments(height, width))
    if layer.kind == "max_pool":
        comments.append(
            "zero padding instead of PyTorch's -inf changes the maximum only for negative "
            "inputs; for shapes it is exact"
        )
    return TorchCode((f"nn.ZeroPad2d({padding.zero})", module), tuple(comments), helpers)


def operation(result: LayerResult) -> str:
    layer = result.layer
    assert isinstance(layer, Pool)
    return " ".join(windows.operation_parts(layer, result, pooling=True))


def numbers(result: LayerResult) -> Iterator[tuple[int, str]]:
    assert isinstance(result.layer, Pool)
    yield from windows.numbers(result.layer)


POOL = LayerKind(
    names=("max_pool", "avg_pool"),
    words=(("max_pool", "max pooling"), ("avg_pool", "average pooling")),
    role="pooling",
    model=Pool,
    compute=compute,
    torch=torch,
    operation=operation,
    colour="#e6862e",
    axes=axes,
    pooling=True,
    numbers=numbers,
)
