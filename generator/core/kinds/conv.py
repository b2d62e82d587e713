"""``conv``: a 2-D convolution, grouped and split across towers as in the paper's Figure 2."""

from __future__ import annotations

from collections.abc import Iterator

from generator.core import rules
from generator.core.kinds import windows
from generator.core.kinds.base import (
    GeometryError,
    Incoming,
    LayerKind,
    Product,
    TorchCode,
    require_volume,
)
from generator.core.results import Axis, LayerResult
from generator.spec.models import Conv, Layer, Pool, Quantity


def _check_axis(
    layer: Conv | Pool, size: int, kernel: int, k_eff: int, before: int, after: int
) -> None:
    if k_eff > size + before + after:
        raise GeometryError(
            layer.name,
            "kernel",
            f"kernel spans {k_eff} pixels but the padded input is only {size + before + after} "
            f"({size} + {before} + {after})",
        )


def axes(layer: Layer, size: tuple[int, int]) -> tuple[Axis, Axis]:
    assert isinstance(layer, Conv)
    return windows.axes(layer, size, _check_axis)


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output ``C_out × H_out × W_out``; weights ``C_out·(C_in/g)·k_h·k_w``, one bias per kernel."""
    assert isinstance(layer, Conv)
    c, h, w = require_volume(layer, incoming)
    if c % layer.groups:
        raise GeometryError(
            layer.name, "groups", f"{c} input channels do not split into {layer.groups} groups"
        )
    if layer.out_channels % layer.groups:
        raise GeometryError(
            layer.name,
            "out_channels",
            f"{layer.out_channels} output channels do not split into {layer.groups} groups",
        )
    towers = layer.towers or incoming.spec_towers
    if layer.out_channels % towers:
        raise GeometryError(
            layer.name,
            "towers",
            f"{layer.out_channels} output channels do not split across {towers} towers",
        )
    found = axes(layer, (h, w))
    oh, ow = found[0].output, found[1].output
    kh, kw = layer.kernel
    rf, jump = windows.receptive_field(incoming, found)
    return LayerResult(
        index=index,
        layer=layer,
        input=incoming.shape,
        output=(layer.out_channels, oh, ow),
        axes=found,
        counts_as_neurons=True,
        weights=rules.conv_weights(c, layer.out_channels, layer.groups, kh, kw),
        biases=layer.out_channels if layer.bias else 0,
        macs=rules.conv_macs(c, layer.out_channels, layer.groups, kh, kw, oh, ow),
        receptive_field=rf,
        jump=jump,
        towers=towers,
        # Figure 2's cross-GPU connections: groups that do not keep each tower's channels apart.
        cross_tower=incoming.towers > 1 and layer.groups % incoming.towers != 0,
    )


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, Conv) and result.axes is not None
    height, width = result.axes
    padding = windows.torch_padding(height, width, native=True, ceil_mode=False)
    args = windows.window_args(result, padding, pooling=False)
    if layer.groups != 1:
        args.append(f"groups={layer.groups}")
    if not layer.bias:
        args.append("bias=False")
    module = f"nn.Conv2d({result.input[0]}, {layer.out_channels}, {', '.join(args)})"
    if padding.zero is None:
        return TorchCode((module,))
    return TorchCode(
        (f"nn.ZeroPad2d({padding.zero})", module),
        tuple(windows.zero_padding_comments(height, width)),
    )


def operation(result: LayerResult) -> str:
    layer = result.layer
    assert isinstance(layer, Conv)
    parts = windows.operation_parts(layer, result, pooling=False)
    if layer.groups != 1:
        parts.append(f"g{layer.groups}")
    return " ".join(parts)


def product(result: LayerResult, quantity: Quantity, *, flip_bias: bool = False) -> Product:
    """Parameters ``C_out × ((C_in / g)·k_h·k_w + 1)``, the ``+ 1`` a bias
    (without it: ``C_out × (C_in / g) × k_h × k_w``); multiply-accumulates
    ``C_out × H × W × (C_in / g) × k_h × k_w`` (a bias counted as one more input:
    ``C_out × H × W × ((C_in / g)·k_h·k_w + 1)``)."""
    layer = result.layer
    assert isinstance(layer, Conv)
    channels, height, width = result.output
    per_group = result.input[0] // layer.groups
    kh, kw = layer.kernel
    with_bias = bool(result.biases) and (flip_bias if quantity is Quantity.MACS else not flip_bias)
    if quantity is Quantity.MACS and with_bias:
        return Product(
            (channels, height, width, per_group * kh * kw + 1),
            ("output channels", "height", "width", "weights and a bias per output"),
            (True, True, True, False),
        )
    if quantity is Quantity.MACS:
        return Product(
            (channels, height, width, per_group, kh, kw),
            (
                "output channels",
                "height",
                "width",
                "input channels per group",
                "kernel height",
                "kernel width",
            ),
            (True,) * 6,
        )
    if with_bias:
        return Product(
            (channels, per_group * kh * kw + 1),
            ("kernels", f"{per_group}×{kh}×{kw} weights and a bias per kernel"),
            (True, False),
        )
    return Product(
        (channels, per_group, kh, kw),
        ("kernels", "input channels per group", "kernel height", "kernel width"),
        (True,) * 4,
    )


def numbers(result: LayerResult) -> Iterator[tuple[int, str]]:
    layer = result.layer
    assert isinstance(layer, Conv)
    yield layer.out_channels, f"{layer.name}'s channels"
    if result.towers > 1:
        yield layer.out_channels // result.towers, f"{layer.name}'s channels per tower"
    yield result.input[0] // layer.groups, f"{layer.name}'s input channels per group"
    yield from windows.numbers(layer)


CONV = LayerKind(
    names=("conv",),
    words=(("conv", "convolution"),),
    model=Conv,
    compute=compute,
    torch=torch,
    operation=operation,
    colour="#3f6ec6",
    axes=axes,
    width="out_channels",
    product=product,
    numbers=numbers,
)
