"""``dropout``: zeroes values at random while training; at inference it passes them through."""

from __future__ import annotations

from generator.core.kinds.base import Incoming, LayerKind, TorchCode, unchanged
from generator.core.results import LayerResult
from generator.spec.models import Dropout, Layer


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output = input; no parameters."""
    return unchanged(index, layer, incoming)


def torch(result: LayerResult) -> TorchCode:
    assert isinstance(result.layer, Dropout)
    return TorchCode((f"nn.Dropout(p={result.layer.p!r})",))


def operation(result: LayerResult) -> str:
    assert isinstance(result.layer, Dropout)
    return f"dropout p={result.layer.p:g}"


DROPOUT = LayerKind(
    names=("dropout",),
    model=Dropout,
    compute=compute,
    torch=torch,
    operation=operation,
    passthrough=True,
    script_note=("Dropout runs in eval mode, as at inference: it passes values through.",),
)
