"""``flatten``: a ``C×H×W`` volume read as a vector of ``C·H·W`` values."""

from __future__ import annotations

from generator.core.kinds.base import Incoming, LayerKind, TorchCode, unchanged, volume
from generator.core.results import LayerResult
from generator.spec.models import Flatten, Layer


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output ``N = C·H·W``; nothing learned, nothing computed."""
    return unchanged(index, layer, incoming, (volume(incoming.shape),))


def torch(result: LayerResult) -> TorchCode:
    return TorchCode(("nn.Flatten()",))


def operation(result: LayerResult) -> str:
    return result.kind


FLATTEN = LayerKind(
    names=("flatten",),
    words=(("flatten", "flattening"),),
    model=Flatten,
    compute=compute,
    torch=torch,
    operation=operation,
)
