"""``batch_norm``: each channel normalised, then scaled and shifted by two learned values.

Counted as PyTorch counts it: the scale (``weight``) and the shift (``bias``) of each channel are
parameters, ``2·C``; the running mean and variance are buffers, updated while training but not
learned, so they are not parameters. No multiply-accumulates, by the site's convention: at
inference the normalisation is a fixed affine map per channel, which folds into the weights and
bias of the convolution before it.
"""

from __future__ import annotations

from generator.core.kinds.base import Incoming, LayerKind, Product, TorchCode, unchanged
from generator.core.results import LayerResult
from generator.spec.models import BatchNorm, Layer, Quantity


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output = input; parameters ``2·C`` (a scale and a shift per channel) when ``affine``."""
    assert isinstance(layer, BatchNorm)
    channels = incoming.shape[0]
    learned = channels if layer.affine else 0
    return unchanged(index, layer, incoming, weights=learned, biases=learned)


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, BatchNorm)
    module = "nn.BatchNorm2d" if len(result.input) == 3 else "nn.BatchNorm1d"
    affine = "" if layer.affine else ", affine=False"
    return TorchCode((f"{module}({result.input[0]}{affine})",))


def operation(result: LayerResult) -> str:
    layer = result.layer
    assert isinstance(layer, BatchNorm)
    return result.kind if layer.affine else f"{result.kind} affine=False"


def product(result: LayerResult, quantity: Quantity, *, flip_bias: bool = False) -> Product | None:
    """Parameters ``2 × C``: a scale and a shift per channel (without the shifts: ``C``)."""
    if quantity is not Quantity.PARAMS or not result.params:
        return None
    channels = result.input[0]
    if flip_bias:
        return Product((channels,), ("channels",), (True,))
    return Product((2, channels), ("a scale and a shift", "channels"), (False, True))


BATCH_NORM = LayerKind(
    names=("batch_norm",),
    words=(("batch_norm", "batch normalisation"),),
    role="normalisation",
    model=BatchNorm,
    compute=compute,
    torch=torch,
    operation=operation,
    passthrough=True,
    remark=(
        "A batch_norm layer's parameters are its per-channel scale and shift, 2·C, as PyTorch "
        "counts them; its running mean and variance are buffers, not parameters. It has no "
        "multiply-accumulates here: at inference it folds into the weights of the layer before it."
    ),
    script_note=(
        "Batch norm runs in eval mode, with its running statistics: they are buffers, not",
        "parameters, so each BatchNorm layer counts 2 x channels parameters (weight and bias).",
    ),
    product=product,
)
