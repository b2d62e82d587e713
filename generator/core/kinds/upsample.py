"""``upsample``: each map enlarged by a whole factor or to a size, nearest or bilinear (PyTorch's
``nn.Upsample``, ONNX's ``Resize``). No parameters, no multiply-accumulates (the site counts
weights' products only; the operation counters' own rules for it are in
:mod:`generator.core.counters`)."""

from __future__ import annotations

from fractions import Fraction

from generator.core import formatting, rules
from generator.core.kinds import windows
from generator.core.kinds.base import Incoming, LayerKind, TorchCode, require_volume
from generator.core.results import LayerResult
from generator.spec.models import Layer, Upsample


def _sizes(layer: Upsample, height: int, width: int) -> tuple[int, int]:
    if layer.size is not None:
        return layer.size
    return rules.upsampled_size(height, layer.scale[0]), rules.upsampled_size(width, layer.scale[1])


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output ``C × H·s_h × W·s_w`` (or ``C ×`` the size given). Each output reads the nearest
    input (its receptive field unchanged) or, bilinear, the two nearest along each axis (one jump
    more); neighbouring outputs are ``n / o`` inputs apart."""
    assert isinstance(layer, Upsample)
    c, h, w = require_volume(layer, incoming)
    oh, ow = _sizes(layer, h, w)
    reach = 2 if layer.mode == "bilinear" else 1
    rf = tuple(
        rules.receptive_field(r, reach, j)
        for r, j in zip(incoming.receptive_field, incoming.jump, strict=True)
    )
    jump = tuple(
        rules.next_jump(j, Fraction(n, o))
        for j, n, o in zip(incoming.jump, (h, w), (oh, ow), strict=True)
    )
    return LayerResult(
        index=index,
        layer=layer,
        input=incoming.shape,
        output=(c, oh, ow),
        axes=None,
        counts_as_neurons=False,
        weights=0,
        biases=0,
        macs=0,
        receptive_field=(rf[0], rf[1]),
        jump=(jump[0], jump[1]),
        towers=incoming.towers,
        cross_tower=False,
    )


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, Upsample)
    if layer.size is not None:
        how = f"size={windows.pair(layer.size)}"
    else:
        height, width = layer.scale
        how = f"scale_factor={height if height == width else windows.pair(layer.scale)}"
    return TorchCode((f"nn.Upsample({how}, mode={layer.mode!r})",))


def operation(result: LayerResult) -> str:
    layer = result.layer
    assert isinstance(layer, Upsample)
    if layer.size is not None:
        return f"upsample {layer.mode} → {formatting.pair(layer.size)}"
    return f"upsample {layer.mode} ×{formatting.pair(layer.scale)}"


UPSAMPLE = LayerKind(
    names=("upsample",),
    model=Upsample,
    compute=compute,
    torch=torch,
    operation=operation,
    colour="#c9b037",
)
