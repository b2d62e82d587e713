"""What a contributor declares: the typed, frozen contents of one architecture spec file.

These models are the single definition of the spec format. The loader validates files against
them and the JSON Schema published with the site is generated from them, so the two cannot drift.
Nothing here computes a shape: that is :mod:`generator.engine`'s job.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, StrictBool

#: Sizes beyond this describe no real network; refusing them keeps arithmetic and pages sane.
MAX_SIZE = 1_000_000
#: Spatial sizes, kernels, strides and paddings beyond this are surely a typo.
MAX_SPATIAL = 100_000

NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$"


class Model(BaseModel):
    """Spec models: unknown keys are mistakes and values are immutable.

    Counts and flags are ``Strict`` (``"3"`` or ``3.0`` is not a count); lists are accepted for
    tuples because YAML has no tuples.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


class Rounding(str, Enum):
    """How a fractional output size becomes a whole number of positions."""

    FLOOR = "floor"
    """Drop a last window that would not fit (PyTorch, Caffe convolution, TensorFlow VALID)."""
    CEIL = "ceil"
    """Round up, but drop a last window that would start in the right/bottom padding
    (PyTorch ``ceil_mode=True``, Caffe pooling)."""
    CEIL_UNCLIPPED = "ceil_unclipped"
    """Round up with no exception (cuda-convnet, the authors' own code, for convolution and pooling)."""


class Quantity(str, Enum):
    """What a stated number counts."""

    NEURONS = "neurons"
    """Outputs of convolutional and fully connected layers (the paper's convention)."""
    PARAMS = "params"
    """Weights and biases."""
    MACS = "macs"
    """Multiply-accumulates of one forward pass; "connections" in the paper's slides."""
    ACTIVATIONS = "activations"
    """Values in a layer's output (or in the input, for the pseudo-layer ``input``)."""
    SHAPE = "shape"
    """A layer's output shape, ``[C, H, W]`` or ``[N]``."""


def _pair(value: Any) -> Any:
    """``11`` means ``(11, 11)``; ``[h, w]`` gives the two axes separately."""
    if isinstance(value, bool):
        raise ValueError(f"expected a positive integer or a list [height, width], got {value!r}")
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, list | tuple) and len(value) == 2:
        return tuple(value)
    raise ValueError(f"expected a positive integer or a list [height, width], got {value!r}")


PositiveInt = Annotated[int, Strict(), Field(gt=0, le=MAX_SIZE)]
Spatial = Annotated[int, Strict(), Field(gt=0, le=MAX_SPATIAL)]
Pair = Annotated[tuple[Spatial, Spatial], BeforeValidator(_pair)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
LayerName = Annotated[str, Field(pattern=NAME_PATTERN)]


class Sides(Model):
    """Zero padding added on each side of the input, in pixels."""

    top: Annotated[int, Strict(), Field(ge=0, le=MAX_SPATIAL)] = 0
    bottom: Annotated[int, Strict(), Field(ge=0, le=MAX_SPATIAL)] = 0
    left: Annotated[int, Strict(), Field(ge=0, le=MAX_SPATIAL)] = 0
    right: Annotated[int, Strict(), Field(ge=0, le=MAX_SPATIAL)] = 0


PADDING_FORMS = (
    "a non-negative integer, a list [height, width], a mapping of top/bottom/left/right, "
    "'same' or 'valid'"
)


def _padding(value: Any) -> Any:
    """Accept the padding forms frameworks use and normalise them to :class:`Sides` or a mode."""
    if isinstance(value, bool):
        raise ValueError(f"expected {PADDING_FORMS}, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"must not be negative, got {value}")
        return {"top": value, "bottom": value, "left": value, "right": value}
    if isinstance(value, list | tuple):
        if len(value) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise ValueError(f"a list must be [height, width] integers, got {value!r}")
        height, width = value
        return {"top": height, "bottom": height, "left": width, "right": width}
    if isinstance(value, dict | Sides) or value in ("same", "valid"):
        return value
    raise ValueError(f"expected {PADDING_FORMS}, got {value!r}")


Padding = Annotated[Sides | Literal["same", "valid"], BeforeValidator(_padding)]


class LayerBase(Model):
    name: LayerName
    """Unique within the spec; used in tables, links and error messages."""
    note: Text | None = None
    """A remark shown under the layer table (Markdown, no HTML)."""


class Conv(LayerBase):
    """A 2-D convolution."""

    kind: Literal["conv"]
    out_channels: PositiveInt
    kernel: Pair
    stride: Pair = (1, 1)
    padding: Padding = Sides()
    dilation: Pair = (1, 1)
    groups: PositiveInt = 1
    """Input and output channels are split into this many independent groups."""
    bias: StrictBool = True
    rounding: Rounding = Rounding.FLOOR
    towers: PositiveInt | None = None
    """How many towers (GPUs) this layer is split across; defaults to the spec's ``towers``."""


class Pool(LayerBase):
    """Max or average pooling over a sliding window."""

    kind: Literal["max_pool", "avg_pool"]
    kernel: Pair
    stride: Pair | None = None
    """Defaults to the kernel size, as in PyTorch."""
    padding: Padding = Sides()
    dilation: Pair = (1, 1)
    rounding: Rounding = Rounding.FLOOR


class AdaptivePool(LayerBase):
    """Pooling to a fixed output size, whatever the input size (PyTorch ``AdaptiveAvgPool2d``)."""

    kind: Literal["adaptive_avg_pool", "adaptive_max_pool"]
    output: Pair


class LRN(LayerBase):
    """Local response normalisation across ``size`` neighbouring channels (paper §3.3)."""

    kind: Literal["lrn"]
    size: PositiveInt
    alpha: Annotated[float, Field(ge=0)] = 1.0e-4
    beta: Annotated[float, Field(ge=0)] = 0.75
    k: Annotated[float, Field(ge=0)] = 1.0


class Activation(LayerBase):
    """An elementwise non-linearity: shape in = shape out, no parameters."""

    kind: Literal["relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid"]


class Dropout(LayerBase):
    """Zeroes each value with probability ``p`` during training."""

    kind: Literal["dropout"]
    p: Annotated[float, Field(ge=0, lt=1)] = 0.5


class Flatten(LayerBase):
    """Turns a ``C×H×W`` volume into a vector of ``C·H·W`` values."""

    kind: Literal["flatten"]


class FullyConnected(LayerBase):
    """Every output connected to every input (``Linear``; "fc" in the paper)."""

    kind: Literal["fc"]
    out_features: PositiveInt
    bias: StrictBool = True
    towers: PositiveInt | None = None
    """How many towers (GPUs) this layer is split across; defaults to the spec's ``towers``."""


class Softmax(LayerBase):
    """Turns scores into probabilities: shape in = shape out."""

    kind: Literal["softmax"]


Layer = Annotated[
    Conv | Pool | AdaptivePool | LRN | Activation | Dropout | Flatten | FullyConnected | Softmax,
    Field(discriminator="kind"),
]

LAYER_MODELS: tuple[type[LayerBase], ...] = (
    Conv,
    Pool,
    AdaptivePool,
    LRN,
    Activation,
    Dropout,
    Flatten,
    FullyConnected,
    Softmax,
)


class Source(Model):
    """A publication or code that describes the network."""

    citation: Text
    """Authors, title, venue and year, as a reader would cite it."""
    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=2_000)]
    states: Text
    """What this source says about the network, in a sentence or a short quote."""


class Stated(Model):
    """A number a source states, to be audited against the computed one."""

    quantity: Quantity
    value: Annotated[int, Strict(), Field(ge=0)] | list[Annotated[int, Strict(), Field(ge=0)]]
    source: Annotated[str, Field(pattern=NAME_PATTERN)]
    """A key of the spec's ``sources``."""
    layer: LayerName | None = None
    """The layer the number is about (``input`` for the input); absent for a network total."""
    quote: Text | None = None
    """The source's own words, quoted briefly."""
    approximate: StrictBool = False
    """A rounded figure ("60 million"): it matches when the computed value rounds to it."""


class Spec(Model):
    """One architecture: its input, its layers in order, where it comes from, what is claimed."""

    title: Text
    summary: Text
    """One paragraph: what this network is and why it is on the site (Markdown, no HTML)."""
    input: tuple[PositiveInt, PositiveInt, PositiveInt]
    """Channels, height and width of one input image."""
    towers: PositiveInt = 1
    """How many GPUs ("towers") the network is split across, as in the paper's Figure 2."""
    sources: dict[Annotated[str, Field(pattern=NAME_PATTERN)], Source] = Field(min_length=1)
    stated: tuple[Stated, ...] = ()
    layers: tuple[Layer, ...] = Field(min_length=1)
    notes: Text | None = None
    """Further remarks, shown at the end of the page (Markdown, no HTML)."""
