"""``lrn``: local response normalisation across neighbouring channels (the paper's §3.3)."""

from __future__ import annotations

from generator.core.kinds.base import Incoming, LayerKind, TorchCode, unchanged
from generator.core.results import LayerResult
from generator.spec.models import LRN, Layer


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output = input; its constants are fixed, not learned: no parameters."""
    return unchanged(index, layer, incoming)


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, LRN)
    lrn = f"nn.LocalResponseNorm({layer.size}, alpha={layer.alpha!r}, beta={layer.beta!r}, k={layer.k!r})"
    if len(result.input) == 3:
        return TorchCode((lrn,))
    return TorchCode(
        (f"nn.Unflatten(1, ({result.input[0]}, 1))", lrn, "nn.Flatten()"),
        ("LRN needs channels: the vector's values become channels of length 1",),
    )


def operation(result: LayerResult) -> str:
    layer = result.layer
    assert isinstance(layer, LRN)
    return f"lrn n={layer.size} k={layer.k:g} α={layer.alpha:g} β={layer.beta:g}"


LRN_KIND = LayerKind(
    names=("lrn",),
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
