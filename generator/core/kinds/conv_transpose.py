"""``conv_transpose``: a transposed convolution, each input value scattering a kernel (FCN, HED).

Caffe calls it ``Deconvolution``, PyTorch ``ConvTranspose2d``, ONNX ``ConvTranspose``. It runs a
convolution backwards: where a convolution reads a window of inputs into one output, this one
writes each input into a window of outputs, ``stride`` apart, so it enlarges its input about
``stride`` times. Its multiply-accumulates are counted as PyTorch's operation counters count
them, every input value times a kernel (``C_in·H_in·W_in·(C_out/g)·k_h·k_w``), which is not the
convolution's output-side formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from generator.core import formatting, rules
from generator.core.kinds import windows
from generator.core.kinds.base import (
    GeometryError,
    Incoming,
    LayerKind,
    Product,
    TorchCode,
    require_volume,
)
from generator.core.results import LayerResult
from generator.spec.models import ConvTranspose, Layer, Quantity


def _sizes(layer: ConvTranspose, size: tuple[int, int]) -> tuple[int, int]:
    """Output height and width; a located error where the padding leaves nothing."""
    found = []
    for axis, n, k, s, p, extra, d in zip(
        ("height", "width"),
        size,
        layer.kernel,
        layer.stride,
        layer.padding,
        layer.output_padding,
        layer.dilation,
        strict=True,
    ):
        out = rules.transposed_output_size(n, k, s, p, extra, d)
        if out < 1:
            full = rules.transposed_output_size(n, k, s, 0, extra, d)
            raise GeometryError(
                layer.name,
                "padding",
                f"the output {axis} would be {out}: padding {p} on each side takes {2 * p} "
                f"of the {full} the kernels cover",
            )
        found.append(out)
    return found[0], found[1]


def uneven(layer: ConvTranspose) -> bool:
    """Whether neighbouring outputs sum different numbers of products: a kernel that is not a
    multiple of the stride (with dilation: taps that do not share the phases equally)."""
    return any(
        len(set(rules.transposed_taps(k, d, s))) > 1
        for k, d, s in zip(layer.kernel, layer.dilation, layer.stride, strict=True)
    )


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output ``C_out × H_out × W_out`` with ``H_out = (H − 1)·s − 2·p + d·(k − 1) + op + 1``;
    weights ``C_in·(C_out/g)·k_h·k_w``, one bias per output channel; multiply-accumulates
    ``C_in·H·W·(C_out/g)·k_h·k_w``."""
    assert isinstance(layer, ConvTranspose)
    c, h, w = require_volume(layer, incoming)
    for field, channels, what in (
        (None, c, "input"),
        ("out_channels", layer.out_channels, "output"),
    ):
        if channels % layer.groups:
            raise GeometryError(
                layer.name,
                field or "groups",
                f"{channels} {what} channels do not split into {layer.groups} groups",
            )
    oh, ow = _sizes(layer, (h, w))
    kh, kw = layer.kernel
    spans = tuple(
        rules.transposed_span(k, d, s)
        for k, d, s in zip(layer.kernel, layer.dilation, layer.stride, strict=True)
    )
    rf = tuple(
        rules.receptive_field(r, span, j)
        for r, span, j in zip(incoming.receptive_field, spans, incoming.jump, strict=True)
    )
    jump = tuple(
        rules.next_jump(j, Fraction(1, s)) for j, s in zip(incoming.jump, layer.stride, strict=True)
    )
    return LayerResult(
        index=index,
        layer=layer,
        input=incoming.shape,
        output=(layer.out_channels, oh, ow),
        axes=None,
        counts_as_neurons=True,
        weights=rules.conv_transpose_weights(c, layer.out_channels, layer.groups, kh, kw),
        biases=layer.out_channels if layer.bias else 0,
        macs=rules.conv_transpose_macs(c, h, w, layer.out_channels, layer.groups, kh, kw),
        receptive_field=(rf[0], rf[1]),
        jump=(jump[0], jump[1]),
        towers=incoming.towers,
        cross_tower=False,
    )


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, ConvTranspose)
    args = [f"kernel_size={windows.pair(layer.kernel)}"]
    if layer.stride != (1, 1):
        args.append(f"stride={windows.pair(layer.stride)}")
    if layer.padding != (0, 0):
        args.append(f"padding={windows.pair(layer.padding)}")
    if layer.output_padding != (0, 0):
        args.append(f"output_padding={windows.pair(layer.output_padding)}")
    if layer.groups != 1:
        args.append(f"groups={layer.groups}")
    if not layer.bias:
        args.append("bias=False")
    if layer.dilation != (1, 1):
        args.append(f"dilation={windows.pair(layer.dilation)}")
    return TorchCode(
        (f"nn.ConvTranspose2d({result.input[0]}, {layer.out_channels}, {', '.join(args)})",)
    )


def operation(result: LayerResult) -> str:
    """``conv_transpose 4×4 s2``, then padding ``p``, output padding ``op``, dilation ``d`` and
    groups ``g`` where they are not the default, and ``(uneven overlap)`` where it is."""
    layer = result.layer
    assert isinstance(layer, ConvTranspose)
    parts = [layer.kind, f"{layer.kernel[0]}×{layer.kernel[1]}"]
    settings = (
        ("s", layer.stride, (1, 1)),
        ("p", layer.padding, (0, 0)),
        ("op", layer.output_padding, (0, 0)),
        ("d", layer.dilation, (1, 1)),
    )
    parts += [f"{short}{formatting.pair(v)}" for short, v, default in settings if v != default]
    if layer.groups != 1:
        parts.append(f"g{layer.groups}")
    if uneven(layer):
        parts.append("(uneven overlap)")
    return " ".join(parts)


def product(result: LayerResult, quantity: Quantity, *, flip_bias: bool = False) -> Product | None:
    """Parameters ``C_out × ((C_in / g)·k_h·k_w + 1)``, the ``+ 1`` a bias (without it:
    ``C_in × (C_out / g) × k_h × k_w``); multiply-accumulates ``C_in × H_in × W_in × (C_out / g)
    × k_h × k_w`` (with a bias per output value they are no product: ``None``)."""
    layer = result.layer
    assert isinstance(layer, ConvTranspose)
    channels, height, width = result.input
    per_group = layer.out_channels // layer.groups
    kh, kw = layer.kernel
    with_bias = bool(result.biases) and (flip_bias if quantity is Quantity.MACS else not flip_bias)
    if quantity is Quantity.MACS and with_bias:
        return None
    if quantity is Quantity.MACS:
        return Product(
            (channels, height, width, per_group, kh, kw),
            (
                "input channels",
                "input height",
                "input width",
                "output channels per group",
                "kernel height",
                "kernel width",
            ),
            (True,) * 6,
        )
    if with_bias:
        inputs = channels // layer.groups
        return Product(
            (layer.out_channels, inputs * kh * kw + 1),
            ("output channels", f"{inputs}×{kh}×{kw} weights and a bias per output channel"),
            (True, False),
        )
    return Product(
        (channels, per_group, kh, kw),
        ("input channels", "output channels per group", "kernel height", "kernel width"),
        (True,) * 4,
    )


def numbers(result: LayerResult) -> Iterator[tuple[int, str]]:
    layer = result.layer
    assert isinstance(layer, ConvTranspose)
    yield layer.out_channels, f"{layer.name}'s channels"
    yield layer.out_channels // layer.groups, f"{layer.name}'s output channels per group"
    yield from ((size, f"{layer.name}'s kernel size") for size in layer.kernel)
    yield from ((size, f"{layer.name}'s stride") for size in layer.stride)


CONV_TRANSPOSE = LayerKind(
    names=("conv_transpose",),
    words=(("conv_transpose", "transposed convolution"),),
    model=ConvTranspose,
    compute=compute,
    torch=torch,
    operation=operation,
    colour="#5a8fd6",
    width="out_channels",
    product=product,
    numbers=numbers,
    remark=(
        "A conv_transpose layer (a transposed convolution, Caffe's Deconvolution) writes each "
        "input value into a k×k window of its output, stride apart: its output side is "
        "(input − 1)·stride − 2·padding + dilation·(kernel − 1) + output padding (op) + 1, and "
        "its multiply-accumulates are every input value times a kernel, "
        "C_in·H_in·W_in·(C_out/groups)·k·k, as PyTorch's operation counters count them. Where "
        "the kernel is not a multiple of the stride (uneven overlap), neighbouring outputs add "
        "up different numbers of those products, the checkerboard pattern such layers are known "
        "for."
    ),
)
