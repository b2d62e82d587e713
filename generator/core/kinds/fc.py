"""``fc``: a fully connected layer (``Linear``), every output connected to every input."""

from __future__ import annotations

from collections.abc import Iterator

from generator.core import rules
from generator.core.kinds.base import GeometryError, Incoming, LayerKind, Product, TorchCode, volume
from generator.core.results import LayerResult
from generator.spec.models import FullyConnected, Layer, Quantity


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output ``N_out``; weights ``N_in · N_out``, one multiply-accumulate each, one bias per output.

    Every output sees every input, so the receptive field spans all positions of the last volume.
    """
    assert isinstance(layer, FullyConnected)
    inputs = volume(incoming.shape)
    towers = layer.towers or incoming.spec_towers
    if layer.out_features % towers:
        raise GeometryError(
            layer.name,
            "towers",
            f"{layer.out_features} outputs do not split across {towers} towers",
        )
    rf = tuple(
        rules.receptive_field(r, n, j)
        for r, n, j in zip(incoming.receptive_field, incoming.spatial, incoming.jump, strict=True)
    )
    return LayerResult(
        index=index,
        layer=layer,
        input=incoming.shape,
        output=(layer.out_features,),
        axes=None,
        counts_as_neurons=True,
        weights=rules.fc_weights(inputs, layer.out_features),
        biases=layer.out_features if layer.bias else 0,
        macs=rules.fc_weights(inputs, layer.out_features),
        receptive_field=(rf[0], rf[1]),
        jump=incoming.jump,
        towers=towers,
        cross_tower=incoming.towers > 1,
    )


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, FullyConnected)
    bias = "" if layer.bias else ", bias=False"
    linear = f"nn.Linear({volume(result.input)}, {layer.out_features}{bias})"
    if len(result.input) == 3:
        shape = "x".join(str(size) for size in result.input)
        return TorchCode(
            ("nn.Flatten()", linear), (f"the {shape} input is flattened first, as the engine does",)
        )
    return TorchCode((linear,))


def operation(result: LayerResult) -> str:
    return result.kind


def product(result: LayerResult, quantity: Quantity, *, flip_bias: bool = False) -> Product:
    """Parameters ``N_out × (N_in + 1)``, the ``+ 1`` a bias (without it: ``N_out × N_in``);
    multiply-accumulates ``N_out × N_in`` (a bias counted as one more input: ``N_out × (N_in + 1)``)."""
    outputs, inputs = result.output[0], volume(result.input)
    with_bias = bool(result.biases) and (flip_bias if quantity is Quantity.MACS else not flip_bias)
    if quantity is Quantity.MACS and with_bias:
        return Product((outputs, inputs + 1), ("outputs", "inputs and a bias each"), (True, False))
    if not with_bias:
        return Product((outputs, inputs), ("outputs", "inputs"), (True, True))
    return Product(
        (outputs, inputs + 1), ("outputs", f"{inputs} weights and a bias each"), (True, False)
    )


def numbers(result: LayerResult) -> Iterator[tuple[int, str]]:
    layer = result.layer
    assert isinstance(layer, FullyConnected)
    yield layer.out_features, f"{layer.name}'s outputs"
    if result.towers > 1:
        yield layer.out_features // result.towers, f"{layer.name}'s outputs per tower"


FC = LayerKind(
    names=("fc",),
    words=(("fc", "fully connected layer"),),
    model=FullyConnected,
    compute=compute,
    torch=torch,
    operation=operation,
    colour="#3a9b5c",
    dense=True,
    width="out_features",
    product=product,
    numbers=numbers,
)
