"""``add``, ``concat`` and ``multiply``: the layers where branches meet. No parameters, no
multiply-accumulates.

A residual block ends in ``add``, the element-wise sum of two equal shapes; an inception or fire
module ends in ``concat``, its branches stacked along the channels; a squeeze-and-excitation block
in ``multiply``, its ``C×1×1`` channel scales times the ``C×H×W`` maps, axes of size 1 broadcast. Through a merge the receptive
field is the widest of the inputs' (an output value depends on every path into it, so on the union
of their windows, which the widest contains when the windows are centred alike), and the jump the
largest of theirs (equal in the networks on this site: the branches meet at one resolution).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from generator.core import formatting, rules
from generator.core.kinds.base import GeometryError, Incoming, LayerKind, Merge, TorchCode
from generator.core.results import LayerResult, Shape
from generator.spec.models import Add, Concat, Layer, LayerBase, Multiply

#: The script's modules for the two merges: ``torch.nn`` has neither.
ADD_MODULE = '''\
class Add(nn.Module):
    """The element-wise sum of its inputs (a residual connection); no parameters."""

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return torch.stack(xs).sum(dim=0)'''
CONCAT_MODULE = '''\
class Concat(nn.Module):
    """Its inputs stacked along the channels, in order; no parameters."""

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        return torch.cat(xs, dim=1)'''
MULTIPLY_MODULE = '''\
class Multiply(nn.Module):
    """The element-wise product of its inputs, axes of size 1 broadcast (a channel scale); no
    parameters."""

    def forward(self, *xs: torch.Tensor) -> torch.Tensor:
        product = xs[0]
        for x in xs[1:]:
            product = product * x
        return product'''


def _shapes(layer: Layer, incomings: tuple[Incoming, ...]) -> str:
    names = layer.inputs or ()
    return ", ".join(
        f"{name} {formatting.shape(i.shape)}" for name, i in zip(names, incomings, strict=False)
    )


def _widest(values: list[tuple[Fraction, Fraction]]) -> tuple[Fraction, Fraction]:
    return max(v[0] for v in values), max(v[1] for v in values)


def _merged(
    index: int, layer: Layer, incomings: tuple[Incoming, ...], output: Shape
) -> LayerResult:
    return LayerResult(
        index=index,
        layer=layer,
        input=incomings[0].shape,
        output=output,
        axes=None,
        counts_as_neurons=False,
        weights=0,
        biases=0,
        macs=0,
        receptive_field=_widest([i.receptive_field for i in incomings]),
        jump=_widest([i.jump for i in incomings]),
        towers=max(i.towers for i in incomings),
        cross_tower=False,
    )


def add(index: int, layer: Layer, incomings: tuple[Incoming, ...]) -> LayerResult:
    """Output = each input's shape, which must all be equal."""
    shapes = {i.shape for i in incomings}
    if len(shapes) > 1:
        raise GeometryError(
            layer.name,
            "inputs",
            f"an add needs inputs of one shape, got {_shapes(layer, incomings)}",
        )
    return _merged(index, layer, incomings, incomings[0].shape)


def concat(index: int, layer: Layer, incomings: tuple[Incoming, ...]) -> LayerResult:
    """Output ``(C₁ + C₂ + …) × H × W``: the inputs' channels, stacked; heights and widths equal."""
    if any(len(i.shape) != 3 for i in incomings) or len({i.shape[1:] for i in incomings}) > 1:
        raise GeometryError(
            layer.name,
            "inputs",
            "a concat needs C×H×W inputs of one height and width, got " + _shapes(layer, incomings),
        )
    _, height, width = incomings[0].shape
    return _merged(index, layer, incomings, (sum(i.shape[0] for i in incomings), height, width))


def multiply(index: int, layer: Layer, incomings: tuple[Incoming, ...]) -> LayerResult:
    """Output: on each axis the size every input has or stretches from 1 to (``C×H×W`` times
    ``C×1×1`` is ``C×H×W``). Neighbouring outputs are as far apart as in the inputs that are not
    stretched on that axis."""
    ranks = {len(i.shape) for i in incomings}
    sizes = [
        rules.broadcast_size(axis)
        for axis in zip(*(i.shape for i in incomings), strict=len(ranks) == 1)
    ]
    if len(ranks) > 1 or None in sizes:
        raise GeometryError(
            layer.name,
            "inputs",
            "a multiply needs inputs of one rank whose sizes on each axis are equal or 1, got "
            + _shapes(layer, incomings),
        )
    output = tuple(size for size in sizes if size is not None)
    result = _merged(index, layer, incomings, output)
    if len(output) != 3:
        return result
    jumps = [
        max(i.jump[axis] for i in incomings if i.shape[axis + 1] == output[axis + 1])
        for axis in (0, 1)
    ]
    return dataclasses.replace(result, jump=(jumps[0], jumps[1]))


def _one(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    merge = MERGES[type(layer)]
    return merge(index, layer, (incoming,))


def torch(result: LayerResult) -> TorchCode:
    name, helper = MODULES[type(result.layer)]
    return TorchCode((f"{name}()",), helpers=(helper,))


def operation(result: LayerResult) -> str:
    return f"{result.kind} of {len(result.inputs)}"


#: Each merge's computation, and its module in the script (its name and its source), by model.
MERGES: dict[type[LayerBase], Merge] = {Add: add, Concat: concat, Multiply: multiply}
MODULES: dict[type[LayerBase], tuple[str, str]] = {
    Add: ("Add", ADD_MODULE),
    Concat: ("Concat", CONCAT_MODULE),
    Multiply: ("Multiply", MULTIPLY_MODULE),
}

ADD = LayerKind(
    names=("add",),
    words=(("add", "addition"),),
    model=Add,
    compute=_one,
    merge=add,
    torch=torch,
    operation=operation,
    colour="#8e5cc2",
)

CONCAT = LayerKind(
    names=("concat",),
    words=(("concat", "concatenation"),),
    model=Concat,
    compute=_one,
    merge=concat,
    torch=torch,
    operation=operation,
    colour="#1f9e89",
)

MULTIPLY = LayerKind(
    names=("multiply",),
    words=(("multiply", "multiplication"),),
    model=Multiply,
    compute=_one,
    merge=multiply,
    torch=torch,
    operation=operation,
    colour="#b05c8e",
)
