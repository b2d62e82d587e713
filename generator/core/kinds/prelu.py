"""``prelu``: a rectifier whose negative slope is learned, per channel or shared (PyTorch, Caffe).

Counted as PyTorch counts ``nn.PReLU``: its slopes are parameters, ``C`` of them (one for a
vector's every value), or one when shared. No multiply-accumulates, as for every activation.
"""

from __future__ import annotations

from generator.core.kinds.base import Incoming, LayerKind, Product, TorchCode, unchanged
from generator.core.results import LayerResult
from generator.spec.models import Layer, PReLU, Quantity


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output = input; parameters ``C`` slopes (the channels, or a vector's values), or 1 shared."""
    assert isinstance(layer, PReLU)
    return unchanged(index, layer, incoming, weights=1 if layer.shared else incoming.shape[0])


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, PReLU)
    return TorchCode(("nn.PReLU()" if layer.shared else f"nn.PReLU({result.input[0]})",))


def operation(result: LayerResult) -> str:
    layer = result.layer
    assert isinstance(layer, PReLU)
    return "prelu shared" if layer.shared else "prelu"


def product(result: LayerResult, quantity: Quantity, *, flip_bias: bool = False) -> Product | None:
    """Parameters ``C``: a slope per channel (none to show when one is shared)."""
    layer = result.layer
    assert isinstance(layer, PReLU)
    if quantity is not Quantity.PARAMS or layer.shared:
        return None
    return Product((result.input[0],), ("channels",), (True,))


PRELU = LayerKind(
    names=("prelu",),
    words=(("prelu", "PReLU"),),
    model=PReLU,
    compute=compute,
    torch=torch,
    operation=operation,
    passthrough=True,
    product=product,
    remark=(
        "A prelu layer's parameters are its learned negative slopes, one per channel (or one "
        "shared by all), as PyTorch's nn.PReLU counts them."
    ),
)
