"""``adaptive_avg_pool`` and ``adaptive_max_pool``: pooling to a fixed output size (PyTorch)."""

from __future__ import annotations

from fractions import Fraction

from generator.core import formatting, rules
from generator.core.kinds.base import Incoming, LayerKind, TorchCode, require_volume
from generator.core.results import LayerResult
from generator.spec.models import AdaptivePool, Layer


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output ``C × o_h × o_w``; the receptive field grows by the widest window PyTorch uses,
    ``⌈(i+1)·n/o⌉ − ⌊i·n/o⌋``, and the jump by ``n / o``."""
    assert isinstance(layer, AdaptivePool)
    c, h, w = require_volume(layer, incoming)
    oh, ow = layer.output
    widest = (rules.adaptive_max_window(h, oh), rules.adaptive_max_window(w, ow))
    rf = tuple(
        rules.receptive_field(r, k, j)
        for r, k, j in zip(incoming.receptive_field, widest, incoming.jump, strict=True)
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
    assert isinstance(layer, AdaptivePool)
    name = "AdaptiveAvgPool2d" if layer.kind == "adaptive_avg_pool" else "AdaptiveMaxPool2d"
    return TorchCode((f"nn.{name}(({layer.output[0]}, {layer.output[1]}))",))


def operation(result: LayerResult) -> str:
    layer = result.layer
    assert isinstance(layer, AdaptivePool)
    return f"{layer.kind} → {formatting.pair(layer.output)}"


ADAPTIVE_POOL = LayerKind(
    names=("adaptive_avg_pool", "adaptive_max_pool"),
    words=(
        ("adaptive_avg_pool", "adaptive average pooling"),
        ("adaptive_max_pool", "adaptive max pooling"),
    ),
    role="pooling",
    model=AdaptivePool,
    compute=compute,
    torch=torch,
    operation=operation,
    colour="#d4a12c",
    pooling=True,
)
