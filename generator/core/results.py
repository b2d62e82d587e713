"""What the engine derives from a spec: typed, frozen results, separate from what was declared."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from generator.spec.models import Layer, Quantity, Rounding, Spec

#: ``(C, H, W)`` for an image-like volume, ``(N,)`` for a vector.
Shape = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Axis:
    """How a sliding window crosses one spatial axis (height or width) of a layer's input."""

    size: int
    kernel: int
    dilation: int
    effective_kernel: int
    stride: int
    pad_before: int
    pad_after: int
    rounding: Rounding | None
    """``None`` for adaptive pooling, which chooses its windows to fit exactly."""
    exact: Fraction
    """Window positions before rounding; a whole number when the layer tiles its input exactly."""
    output: int
    unused: int
    """Input pixels (padding included) after the last window that no window reads."""
    overhang: int
    """Pixels the last window reaches past the padded input (read as zeros, cuda-convnet style)."""

    @property
    def padded(self) -> int:
        return self.size + self.pad_before + self.pad_after

    @property
    def is_exact(self) -> bool:
        return self.exact.denominator == 1


@dataclass(frozen=True, slots=True)
class LayerResult:
    """Everything computed about one layer."""

    index: int
    layer: Layer
    input: Shape
    """The shape it reads (a merge's first input: all of them are in ``input_shapes``)."""
    output: Shape
    axes: tuple[Axis, Axis] | None
    """Height and width windows of conv and pooling layers; ``None`` for the others."""
    counts_as_neurons: bool
    """Whether the paper's convention counts this layer's outputs as neurons (conv and fc)."""
    weights: int
    biases: int
    macs: int
    receptive_field: tuple[Fraction, Fraction]
    """Input pixels (height, width) that one output value depends on."""
    jump: tuple[Fraction, Fraction]
    """Input pixels between neighbouring outputs: the effective stride."""
    towers: int
    cross_tower: bool
    """Whether this layer reads the outputs of other towers (the paper's cross-GPU connections)."""
    inputs: tuple[str, ...] = ()
    """The names of the layers it reads (``input``: the network's input), in order."""
    input_shapes: tuple[Shape, ...] = ()
    """The shapes it reads, one per name in ``inputs``."""

    @property
    def name(self) -> str:
        return self.layer.name

    @property
    def kind(self) -> str:
        return self.layer.kind

    @property
    def activations(self) -> int:
        """Values in this layer's output."""
        return math.prod(self.output)

    @property
    def neurons(self) -> int:
        """Output values, counted only for conv and fc layers (the paper's convention)."""
        return self.activations if self.counts_as_neurons else 0

    @property
    def params(self) -> int:
        return self.weights + self.biases


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over all layers; neurons follow the paper's convention (conv and fc outputs)."""

    neurons: int
    params: int
    weights: int
    biases: int
    macs: int
    activations: int

    @classmethod
    def of(cls, layers: Iterable[LayerResult]) -> Totals:
        """Each count summed over ``layers``: a network's, a block's or a stage's."""
        layers = tuple(layers)
        return cls(
            neurons=sum(r.neurons for r in layers),
            params=sum(r.params for r in layers),
            weights=sum(r.weights for r in layers),
            biases=sum(r.biases for r in layers),
            macs=sum(r.macs for r in layers),
            activations=sum(r.activations for r in layers),
        )


@dataclass(frozen=True, slots=True)
class Analysis:
    """One spec worked out: every layer in order, and the totals."""

    name: str
    spec: Spec
    layers: tuple[LayerResult, ...]
    totals: Totals

    @property
    def input(self) -> Shape:
        return self.spec.input

    def layer(self, name: str) -> LayerResult:
        for result in self.layers:
            if result.name == name:
                return result
        raise KeyError(name)


def counted(source: LayerResult | Totals, quantity: Quantity) -> int:
    """A layer's or the network's count of ``quantity`` (neurons, params, macs or activations)."""
    if quantity is Quantity.SHAPE:
        raise ValueError("a shape is not a count")
    value: int = getattr(source, quantity.value)
    return value
