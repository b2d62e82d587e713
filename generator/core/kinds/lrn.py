"""``lrn``: local response normalisation across neighbouring channels (the paper's §3.3), or
within a region of each channel's own map (Caffe's ``norm_region: WITHIN_CHANNEL``)."""

from __future__ import annotations

import dataclasses

from generator.core import rules
from generator.core.kinds.base import GeometryError, Incoming, LayerKind, TorchCode, unchanged
from generator.core.results import LayerResult
from generator.spec.models import LRN, Layer

#: ``torch.nn`` normalises across channels only: the script defines this module for Caffe's other
#: region, built as Caffe builds it (``lrn_layer.cpp``: a square, an average pooling padded by
#: ``(size − 1) / 2`` that counts the padding, a power, a product).
WITHIN_CHANNEL = '''\
class LocalResponseNormWithin(nn.Module):
    """Caffe's LRN with norm_region WITHIN_CHANNEL: each value divided by
    (k + alpha * mean of the squares in the size x size region around it in its own map) ** beta.
    No parameters; Caffe's k is 1."""

    def __init__(self, size: int, alpha: float, beta: float, k: float) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        squares = nn.functional.avg_pool2d(x * x, self.size, stride=1, padding=self.size // 2)
        return x / (self.k + self.alpha * squares) ** self.beta'''


def _within(layer: LRN) -> bool:
    return layer.region == "within_channel"


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output = input; its constants are fixed, not learned: no parameters. Within a channel each
    output reads a ``size``×``size`` region, so the receptive field grows by ``(size − 1)·j``."""
    assert isinstance(layer, LRN)
    if not _within(layer):
        return unchanged(index, layer, incoming)
    if len(incoming.shape) != 3:
        raise GeometryError(
            layer.name,
            "region",
            f"normalising within a channel needs C×H×W maps, got a vector of {incoming.shape[0]:,}",
        )
    if layer.size % 2 == 0:
        raise GeometryError(
            layer.name,
            "size",
            f"a region within a channel is centred on its value, so its side is odd, got "
            f"{layer.size} (Caffe's rule)",
        )
    rf = tuple(
        rules.receptive_field(r, layer.size, j)
        for r, j in zip(incoming.receptive_field, incoming.jump, strict=True)
    )
    return dataclasses.replace(unchanged(index, layer, incoming), receptive_field=(rf[0], rf[1]))


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, LRN)
    constants = f"alpha={layer.alpha!r}, beta={layer.beta!r}, k={layer.k!r}"
    if _within(layer):
        return TorchCode(
            (f"LocalResponseNormWithin({layer.size}, {constants})",), helpers=(WITHIN_CHANNEL,)
        )
    lrn = f"nn.LocalResponseNorm({layer.size}, {constants})"
    if len(result.input) == 3:
        return TorchCode((lrn,))
    return TorchCode(
        (f"nn.Unflatten(1, ({result.input[0]}, 1))", lrn, "nn.Flatten()"),
        ("LRN needs channels: the vector's values become channels of length 1",),
    )


def operation(result: LayerResult) -> str:
    layer = result.layer
    assert isinstance(layer, LRN)
    size = f"{layer.size}×{layer.size} within channel" if _within(layer) else f"n={layer.size}"
    return f"lrn {size} k={layer.k:g} α={layer.alpha:g} β={layer.beta:g}"


LRN_KIND = LayerKind(
    names=("lrn",),
    words=(("lrn", "local response normalisation"),),
    role="normalisation",
    model=LRN,
    compute=compute,
    torch=torch,
    operation=operation,
    passthrough=True,
    script_note=(
        "nn.LocalResponseNorm scales alpha by 1/size, as Caffe does and the paper's formula",
        "does not: values may differ from the paper's, shapes and counts do not.",
    ),
)
