"""What the rest of the code may ask of a layer kind, and the values kinds share. Pure.

A :class:`LayerKind` is one entry of the registry (:mod:`generator.core.kinds`): how the engine
computes the layer, how the PyTorch script builds it, how the table shows it and which factors the
hypothesis finder may read off it. Each kind's module fills one in; nothing else dispatches on a
layer's kind.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from generator.core.results import Axis, LayerResult, Shape
from generator.spec.models import Layer, LayerBase, Quantity


class GeometryError(Exception):
    """A layer that cannot be computed (kernel larger than its input, channels not divisible...).

    The engine knows layers and fields but not files; the loader turns this into a
    :class:`~generator.spec.errors.SpecError` with the file and line.
    """

    def __init__(self, layer: str, field: str, message: str) -> None:
        super().__init__(message)
        self.layer = layer
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Incoming:
    """What a layer needs to know about the output it reads."""

    shape: Shape
    receptive_field: tuple[Fraction, Fraction]
    jump: tuple[Fraction, Fraction]
    towers: int
    spatial: tuple[int, int]
    """Height and width of the last volume, kept through flatten for the fc receptive field."""
    spec_towers: int
    """The spec's ``towers``: a conv or fc layer that names none is split across these."""


@dataclass(frozen=True, slots=True)
class Product:
    """A count written as a product, with what each factor is and which a typo could replace."""

    factors: tuple[int, ...]
    names: tuple[str, ...]
    slippable: tuple[bool, ...]

    @property
    def value(self) -> int:
        return math.prod(self.factors)

    @property
    def text(self) -> str:
        return " × ".join(str(f) for f in self.factors)


@dataclass(frozen=True, slots=True)
class TorchCode:
    """How the PyTorch script builds one layer: modules run in sequence, and why, in comments."""

    modules: tuple[str, ...]
    comments: tuple[str, ...] = ()
    helpers: tuple[str, ...] = ()
    """Python source of classes the modules use that ``torch.nn`` lacks, written once per script."""


Compute = Callable[[int, Layer, Incoming], LayerResult]
Merge = Callable[[int, Layer, tuple[Incoming, ...]], LayerResult]


def _no_product(result: LayerResult, quantity: Quantity, *, flip_bias: bool) -> Product | None:
    return None


def _no_numbers(result: LayerResult) -> Iterator[tuple[int, str]]:
    return iter(())


@dataclass(frozen=True, slots=True, kw_only=True)
class LayerKind:
    """Everything the code asks of one kind of layer, in one place."""

    names: tuple[str, ...]
    """The ``kind`` values a spec writes for it (an activation kind has several)."""
    model: type[LayerBase]
    """Its spec model in :mod:`generator.spec.models`: the fields a spec may give it."""
    compute: Compute
    """Output shape, parameters, multiply-accumulates and receptive-field step, from its input.
    For a kind that merges several inputs, the computation from the first alone (never called by
    the engine: ``merge`` is)."""
    merge: Merge | None = None
    """For a kind that reads two or more inputs (``add``, ``concat``): its computation from all."""
    torch: Callable[[LayerResult], TorchCode]
    """Its ``torch.nn`` modules, as Python source."""
    operation: Callable[[LayerResult], str]
    """Its settings in the tables' shorthand (``conv 5×5 p2 g2``)."""
    colour: str | None = None
    """The colour of its boxes in the 3D views; a kind without one is not drawn as a box of its
    own but named in the hover text of the box before it."""
    passthrough: bool = False
    """Its output has its input's shape and it makes no new map of its own (activations, LRN,
    dropout, batch norm): the finder looks past it for a layer's neighbours."""
    axes: Callable[[Layer, tuple[int, int]], tuple[Axis, Axis]] | None = None
    """For a kind that slides a window: how it crosses a (height, width) input, spatial work only
    (input-size sweeps use it). Its stride, padding and rounding are what the finder may vary."""
    pooling: bool = False
    """It pools its input: the finder may read a number as the output of the pooling after a layer."""
    dense: bool = False
    """Every output reads every input position: a later fc layer's receptive field grows no more."""
    remark: str | None = None
    """A sentence under the layer table of every page whose network has this kind: a counting
    convention a reader could not guess from the numbers."""
    script_note: tuple[str, ...] = ()
    """Comment lines for the head of a PyTorch script whose network has this kind."""
    product: Callable[..., Product | None] = field(default=_no_product)
    """``product(result, quantity, flip_bias=False)``: the layer's count of ``quantity`` as a
    product of the spec's numbers; with ``flip_bias``, under the other bias convention (parameters
    without biases, connections with them). ``None`` when the layer counts none."""
    width: str | None = None
    """The field that sets how many outputs it makes (``out_channels``, ``out_features``): the
    finder may try the network with another value there, to explain a stated ratio."""
    numbers: Callable[[LayerResult], Iterator[tuple[int, str]]] = field(default=_no_numbers)
    """The layer's own settings as ``(value, what it is)``: numbers a slip of the pen could use."""
    words: tuple[tuple[str, str], ...] = ()
    """How a sentence names each of its kinds (``max_pool``: ``max pooling``); a kind not here is
    named by its ``kind`` value, its underscores as spaces."""
    role: str | None = None
    """What it does, as a sentence about where a layer sits says it (``pooling before
    normalisation``): ``pooling``, ``normalisation``; else it is named by its words."""

    @property
    def windowed(self) -> bool:
        return self.axes is not None


def require_volume(layer: Layer, incoming: Incoming) -> tuple[int, int, int]:
    """The ``C×H×W`` input of a layer that needs one; a located error for a vector."""
    if len(incoming.shape) != 3:
        raise GeometryError(
            layer.name,
            "kind",
            f"a {layer.kind} layer needs a C×H×W input, got a vector of {incoming.shape[0]:,}",
        )
    c, h, w = incoming.shape
    return c, h, w


def unchanged(
    index: int,
    layer: Layer,
    incoming: Incoming,
    output: Shape | None = None,
    *,
    weights: int = 0,
    biases: int = 0,
) -> LayerResult:
    """The result of a layer that moves no window: receptive field and stride carry over."""
    return LayerResult(
        index=index,
        layer=layer,
        input=incoming.shape,
        output=incoming.shape if output is None else output,
        axes=None,
        counts_as_neurons=False,
        weights=weights,
        biases=biases,
        macs=0,
        receptive_field=incoming.receptive_field,
        jump=incoming.jump,
        towers=incoming.towers,
        cross_tower=False,
    )


def volume(shape: Shape) -> int:
    """Values in a shape: ``C·H·W`` or ``N``."""
    return math.prod(shape)
