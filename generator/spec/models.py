"""What a contributor declares: the typed, frozen contents of one architecture spec file.

These models are the single definition of the spec format. The loader validates files against
them and the JSON Schema published with the site is generated from them, so the two cannot drift.
Nothing here computes a shape: that is :mod:`generator.core.engine`'s job.

Each rule of the format carries its own words. A name, an address, a range or a check across
fields raises an error whose message is the rule's ("expected a name of letters, …, got the text
'1conv'"), built only when the rule is broken; the loader adds where it was written. Only
pydantic's own errors (a missing or unknown field, a value of the wrong type) are worded by the
loader, from their type.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    StrictBool,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from generator.spec.errors import describe, quote, suggest

#: Sizes beyond this describe no real network; refusing them keeps arithmetic and pages sane.
MAX_SIZE = 1_000_000
#: Spatial sizes, kernels, strides and paddings beyond this are surely a typo.
MAX_SPATIAL = 100_000


class Model(BaseModel):
    """Spec models: unknown keys are mistakes and values are immutable.

    Counts and flags are ``Strict`` (``"3"`` or ``3.0`` is not a count); lists are accepted for
    tuples because YAML has no tuples. Each field's docstring is its description in the JSON Schema,
    read from the source when the schema is made (:func:`generator.spec.schema.field_docs`): read
    by pydantic, with ``use_attribute_docstrings``, it would cost every build a tenth of the time
    the plugin adds to it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- rules, each with its own words ----------------------------------------------------------


def _refuse(rule: str, message: str, **context: Any) -> PydanticCustomError:
    """The error of a broken ``rule``: ``message`` with ``{name}`` filled from ``context``.

    Text from the file goes last in ``context``: pydantic fills the names in order, so braces in
    that text are never read as a name.
    """
    return PydanticCustomError(rule, message, context)


_EXPECTED_GOT = "expected {expected}, got {got}"


@dataclass(frozen=True, slots=True)
class Pattern:
    """Text that must match a regular expression, with what the expression allows in words.

    Written as ``Annotated[str, NAME]``: pydantic checks that the value is text, this rule checks
    the text, and the JSON Schema states ``pattern``.
    """

    rule: str
    """The error type the rule raises (``ValidationError.errors()[i]["type"]``)."""
    pattern: str
    """The regular expression, anchored, as the JSON Schema states it; the whole text must match."""
    expected: str
    """What the text must be, as every message about this rule says it after "expected"."""
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", re.compile(self.pattern))

    def follows(self, value: object) -> bool:
        """Whether ``value`` is text the rule allows (all of it: a trailing newline is refused)."""
        return isinstance(value, str) and self._regex.fullmatch(value) is not None

    def message(self, value: object) -> str:
        """What the rule says of a ``value`` that breaks it."""
        return _EXPECTED_GOT.format(expected=self.expected, got=describe(value))

    def _check(self, value: str) -> str:
        if self._regex.fullmatch(value) is None:
            raise _refuse(self.rule, _EXPECTED_GOT, expected=self.expected, got=describe(value))
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "pattern": self.pattern}


#: Layer names and source keys: also HTML ids and table cells, so plain and short.
NAME = Pattern(
    "name",
    r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$",
    "a name of letters, digits, '-', '_' or '.' starting with a letter (at most 40)",
)
#: A spec's name: its file name without ``.yml``, and its page's address. The loader checks file
#: names, ``extends`` and ``compared[].to`` by it, and ``python -m generator new``, ``show`` and
#: ``import`` the names they are given: all in these words.
SPEC_NAME = Pattern(
    "spec_name",
    r"^[a-z0-9][a-z0-9._-]{0,63}$",
    "a spec name of lower-case letters, digits, '-', '_' or '.' starting with a letter or a digit "
    "(at most 64)",
)
#: Where a reader can check a source.
WEB_ADDRESS = Pattern("web_address", r"^https?://\S+$", "an http:// or https:// address")
NAME_PATTERN = NAME.pattern


@dataclass(frozen=True, slots=True)
class Bounds:
    """The range a number must keep to, each end worded as its message says it.

    ``gt``, ``ge``, ``lt`` and ``le`` mean what they mean in pydantic's ``Field``, and become the
    JSON Schema's ``exclusiveMinimum``, ``minimum``, ``exclusiveMaximum`` and ``maximum``.
    """

    gt: int | None = None
    ge: int | None = None
    lt: int | None = None
    le: int | None = None
    beyond: str = ""
    """Why a number above ``le`` is refused, said after the limit."""

    def _broken(self, value: Any) -> str | None:
        """The end of the range ``value`` is beyond, in words; None within it (NaN is beyond)."""
        if self.gt is not None and not value > self.gt:
            return f"must be greater than {self.gt:,}"
        if self.ge is not None and not value >= self.ge:
            return f"must be at least {self.ge:,}"
        if self.lt is not None and not value < self.lt:
            return f"must be less than {self.lt:,}"
        if self.le is not None and not value <= self.le:
            return f"must be at most {self.le:,}" + (f" ({self.beyond})" if self.beyond else "")
        return None

    def _check(self, written: Any, validate: core_schema.ValidatorFunctionWrapHandler) -> Any:
        value = validate(written)
        end = self._broken(value)
        if end is not None:  # the number as the file writes it: 1, not 1.0; 5, not Decimal('5')
            raise _refuse("out_of_range", "{end}, got {got}", end=end, got=describe(written))
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_wrap_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        words = {"exclusiveMinimum": self.gt, "minimum": self.ge}
        words |= {"exclusiveMaximum": self.lt, "maximum": self.le}
        return {**handler(schema), **{k: v for k, v in words.items() if v is not None}}


_NULL = {"type": "null"}


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A field that may be left out but is never written ``null``.

    The field's type is ``X | None`` (a wrong value gets one error, where a union with ``None``
    would add "or null"), and its JSON Schema is ``X``'s alone.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return handler(source)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        written = handler(schema)  # {"anyOf": [X's schema, {"type": "null"}]}
        options = [option for option in written.get("anyOf", [written]) if option != _NULL]
        return options[0] if len(options) == 1 else {"anyOf": options}


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


def _values(count: int) -> str:
    return f"{count} value{'' if count == 1 else 's'}"


def _pair(value: Any) -> Any:
    """``11`` means ``(11, 11)``; ``[h, w]`` gives the two axes separately."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    if isinstance(value, list | tuple) and len(value) == 2:
        return tuple(value)
    got = f"a list of {_values(len(value))}" if isinstance(value, list | tuple) else describe(value)
    raise _refuse(
        "pair", "expected a positive integer or a list [height, width], got {got}", got=got
    )


def _image(value: Any) -> Any:
    """An image is ``[channels, height, width]``: three values, counted before each is checked."""
    if isinstance(value, list | tuple) and len(value) != 3:
        raise _refuse(
            "image_shape", "expected [channels, height, width], got {got}", got=_values(len(value))
        )
    return value


PositiveInt = Annotated[
    int, Strict(), Bounds(gt=0, le=MAX_SIZE, beyond="a larger count describes no real network")
]
Spatial = Annotated[
    int, Strict(), Bounds(gt=0, le=MAX_SPATIAL, beyond="a larger size is surely a typo")
]
Offset = Annotated[
    int, Strict(), Bounds(ge=0, le=MAX_SPATIAL, beyond="a larger size is surely a typo")
]
#: A whole number a source states: a count, or one size of a shape.
Count = Annotated[int, Strict(), Bounds(ge=0)]
# The JSON Schema describes what a file may say (``11`` or ``[11, 11]``), not the normalised pair.
Pair = Annotated[
    tuple[Spatial, Spatial],
    BeforeValidator(_pair, json_schema_input_type=Spatial | tuple[Spatial, Spatial]),
]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
#: A layer's name, a source's key, or a layer named by one: all follow :data:`NAME`.
Name = Annotated[str, NAME]
LayerName = Name
SpecName = Annotated[str, SPEC_NAME]


class Sides(Model):
    """Zero padding added on each side of the input, in pixels."""

    top: Offset = Field(default=0, examples=[1])
    """Rows of zeros above the input."""
    bottom: Offset = Field(default=0, examples=[1])
    """Rows of zeros below the input."""
    left: Offset = Field(default=0, examples=[1])
    """Columns of zeros left of the input."""
    right: Offset = Field(default=0, examples=[1])
    """Columns of zeros right of the input."""


PADDING_FORMS = (
    "a non-negative integer, a list [height, width], a mapping of top/bottom/left/right, "
    "'same' or 'valid'"
)


def _padding(value: Any) -> Any:
    """Accept the padding forms frameworks use and normalise them to :class:`Sides` or a mode."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise _refuse("padding", "must not be negative, got {got}", got=describe(value))
        return {"top": value, "bottom": value, "left": value, "right": value}
    if isinstance(value, list | tuple):
        if len(value) != 2:
            got = _values(len(value))
            raise _refuse("padding", "a list must be [height, width], got {got}", got=got)
        for side in value:
            if not isinstance(side, int) or isinstance(side, bool):
                got = describe(side)
                raise _refuse(
                    "padding", "a list must be [height, width] integers, got {got}", got=got
                )
        height, width = value
        return {"top": height, "bottom": height, "left": width, "right": width}
    if isinstance(value, dict | Sides) or value in ("same", "valid"):
        return value
    raise _refuse(
        "padding", "expected {forms}, got {got}", forms=PADDING_FORMS, got=describe(value)
    )


def _padding_form(value: Any) -> str:
    """Which form of padding a normalised value is, so that only that form reports errors."""
    return "mode" if isinstance(value, str) else "sides"


Padding = Annotated[
    Annotated[Sides, Tag("sides")] | Annotated[Literal["same", "valid"], Tag("mode")],
    Discriminator(_padding_form),
    BeforeValidator(
        _padding,
        json_schema_input_type=Offset | tuple[Offset, Offset] | Sides | Literal["same", "valid"],
    ),
]


class LayerBase(Model):
    """What every layer has: a name, what it reads, and an optional note."""

    name: LayerName = Field(examples=["conv1"])
    """Unique within the spec; used in tables, links and error messages."""
    inputs: tuple[LayerName, ...] | None = Field(
        default=None, min_length=1, examples=[["conv2", "shortcut"], ["input"]]
    )
    """The layers whose outputs this layer reads, by name, each declared before it (``input``
    is the network's input). Absent, the layer reads the layer written just before it, so a chain
    needs none. ``add``, ``concat`` and ``multiply`` read two or more, ``crop`` two (what it crops
    and the layer whose size it takes); every other kind reads one."""
    note: Text | None = Field(
        default=None, examples=["The paper gives no padding; rounding up gives its 55."]
    )
    """A remark shown under the layer table (Markdown, no HTML)."""


class Conv(LayerBase):
    """A 2-D convolution."""

    kind: Literal["conv"]
    """The layer kind."""
    out_channels: PositiveInt = Field(examples=[96])
    """How many kernels, and so how many output channels (feature maps)."""
    kernel: Pair = Field(examples=[11, [5, 3]])
    """The kernel's height and width: one number for a square kernel, or ``[height, width]``."""
    stride: Pair = Field(default=(1, 1), examples=[4, [2, 1]])
    """The step between windows: one number for both axes, or ``[height, width]``."""
    padding: Padding = Field(default=Sides(), examples=[2, [1, 2], {"top": 1, "bottom": 2}, "same"])
    """Zeros added around the input: one number for every side, ``[height, width]``, a mapping of
    ``top``/``bottom``/``left``/``right``, or TensorFlow's ``same`` or ``valid``."""
    dilation: Pair = Field(default=(1, 1), examples=[2])
    """The spacing between kernel taps (1: adjacent): one number or ``[height, width]``."""
    groups: PositiveInt = Field(default=1, examples=[2])
    """Input and output channels are split into this many independent groups."""
    bias: StrictBool = Field(default=True, examples=[False])
    """Whether each output channel adds a learned bias (one parameter per channel)."""
    rounding: Rounding = Field(default=Rounding.FLOOR, examples=["ceil_unclipped"])
    """How a fractional output size is rounded: the rule of the framework that ran the network."""
    towers: PositiveInt | None = Field(default=None, examples=[2])
    """How many towers (GPUs) this layer is split across; defaults to the spec's ``towers``."""


class Pool(LayerBase):
    """Max or average pooling over a sliding window."""

    kind: Literal["max_pool", "avg_pool"]
    """The layer kind: the maximum or the average of each window."""
    kernel: Pair = Field(examples=[3, [3, 2]])
    """The window's height and width: one number for a square window, or ``[height, width]``."""
    stride: Pair | None = Field(default=None, examples=[2])
    """The step between windows: one number or ``[height, width]``. Defaults to the kernel size, as
    in PyTorch."""
    padding: Padding = Field(default=Sides(), examples=[1, "same"])
    """Padding added around the input, in the same forms as a convolution's; at most half the
    kernel (PyTorch's limit)."""
    dilation: Pair = Field(default=(1, 1), examples=[2])
    """The spacing between window taps (1: adjacent): one number or ``[height, width]``."""
    rounding: Rounding = Field(default=Rounding.FLOOR, examples=["ceil"])
    """How a fractional output size is rounded: the rule of the framework that ran the network."""


class AdaptivePool(LayerBase):
    """Pooling to a fixed output size, whatever the input size (PyTorch ``AdaptiveAvgPool2d``)."""

    kind: Literal["adaptive_avg_pool", "adaptive_max_pool"]
    """The layer kind: average or maximum over each adaptive window."""
    output: Pair = Field(examples=[6, [6, 6]])
    """The output's height and width: one number or ``[height, width]``."""


class LRN(LayerBase):
    """Local response normalisation across ``size`` neighbouring channels (paper §3.3), or over a
    ``size``×``size`` region of each channel's own map (Caffe's ``WITHIN_CHANNEL``)."""

    kind: Literal["lrn"]
    """The layer kind."""
    size: PositiveInt = Field(examples=[5])
    """How many neighbouring channels each value is normalised over (the paper's ``n``); within a
    channel, the side of the square region (odd, as Caffe requires)."""
    region: Literal["across_channels", "within_channel"] = Field(
        default="across_channels", examples=["within_channel"]
    )
    """Where the squares are summed: over ``size`` neighbouring channels at the same position
    (``across_channels``, the paper's), or over a ``size``×``size`` region around the value in
    its own channel (``within_channel``, Caffe's ``norm_region: WITHIN_CHANNEL``, whose ``alpha``
    scales the region's mean square and whose ``k`` Caffe fixes at 1)."""
    alpha: Annotated[float, Bounds(ge=0)] = Field(default=1.0e-4, examples=[1.0e-4])
    """The scale of the sum of squares (the paper's α); write ``1.0e-4``, not ``1e-4``."""
    beta: Annotated[float, Bounds(ge=0)] = Field(default=0.75, examples=[0.75])
    """The exponent of the normaliser (the paper's β)."""
    k: Annotated[float, Bounds(ge=0)] = Field(default=1.0, examples=[2.0])
    """The constant added to the sum (the paper's ``k``, which is 2)."""


class BatchNorm(LayerBase):
    """Batch normalisation: each channel normalised, then scaled and shifted by learned values
    (PyTorch ``BatchNorm2d``, or ``BatchNorm1d`` after a flatten)."""

    kind: Literal["batch_norm"]
    """The layer kind."""
    affine: StrictBool = Field(default=True, examples=[False])
    """Whether each channel has a learned scale and shift (two parameters per channel); the
    running mean and variance are buffers, never parameters."""


class Add(LayerBase):
    """Element-wise sum of its inputs, which must all have the same shape (a residual connection)."""

    kind: Literal["add"]
    """The layer kind."""


class Concat(LayerBase):
    """Its inputs stacked along the channels, in the order listed; they must all have the same
    height and width (the end of an inception or fire module)."""

    kind: Literal["concat"]
    """The layer kind."""


class Activation(LayerBase):
    """An elementwise non-linearity: shape in = shape out, no parameters."""

    kind: Literal["relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "abs"]
    """The layer kind: which non-linearity."""


class Dropout(LayerBase):
    """Zeroes each value with probability ``p`` during training."""

    kind: Literal["dropout"]
    """The layer kind."""
    p: Annotated[float, Bounds(ge=0, lt=1)] = Field(default=0.5, examples=[0.5])
    """The probability of zeroing a value, from 0 up to (not including) 1."""


class Flatten(LayerBase):
    """Turns a ``C×H×W`` volume into a vector of ``C·H·W`` values."""

    kind: Literal["flatten"]
    """The layer kind."""


class FullyConnected(LayerBase):
    """Every output connected to every input (``Linear``; "fc" in the paper)."""

    kind: Literal["fc"]
    """The layer kind."""
    out_features: PositiveInt = Field(examples=[4096])
    """How many outputs (neurons)."""
    bias: StrictBool = Field(default=True, examples=[False])
    """Whether each output adds a learned bias (one parameter per output)."""
    towers: PositiveInt | None = Field(default=None, examples=[2])
    """How many towers (GPUs) this layer is split across; defaults to the spec's ``towers``."""


class Softmax(LayerBase):
    """Turns scores into probabilities: shape in = shape out."""

    kind: Literal["softmax"]
    """The layer kind."""


# --- the kinds real model files use beyond AlexNet's (issue 23) --------------------------------


def _offsets(value: Any) -> Any:
    """``1`` means ``(1, 1)``; ``[h, w]`` gives the two axes separately (zero allowed)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    if isinstance(value, list | tuple) and len(value) == 2:
        return tuple(value)
    got = f"a list of {_values(len(value))}" if isinstance(value, list | tuple) else describe(value)
    raise _refuse(
        "pair", "expected a non-negative integer or a list [height, width], got {got}", got=got
    )


#: Two non-negative sizes, ``[height, width]``, or one for both.
OffsetPair = Annotated[
    tuple[Offset, Offset],
    BeforeValidator(_offsets, json_schema_input_type=Offset | tuple[Offset, Offset]),
]


class ConvTranspose(LayerBase):
    """A 2-D transposed convolution ("deconvolution", Caffe's ``Deconvolution``, PyTorch's
    ``ConvTranspose2d``): each input value scatters a kernel into a larger output, of side
    ``(n − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1``."""

    kind: Literal["conv_transpose"]
    """The layer kind."""
    out_channels: PositiveInt = Field(examples=[21])
    """How many output channels (feature maps)."""
    kernel: Pair = Field(examples=[4, [4, 2]])
    """The kernel's height and width: one number for a square kernel, or ``[height, width]``."""
    stride: Pair = Field(default=(1, 1), examples=[2])
    """How far apart neighbouring inputs' kernels land in the output: the upsampling factor."""
    padding: OffsetPair = Field(default=(0, 0), examples=[1, [1, 0]])
    """Rows (and columns) taken off each side of the full output: one number or ``[height,
    width]``, the same on both sides (PyTorch's and Caffe's ``padding``/``pad``)."""
    output_padding: OffsetPair = Field(default=(0, 0), examples=[1])
    """Rows (and columns) added on the bottom (and right) only, to reach a size a strided
    convolution maps back from; less than the stride or the dilation, as PyTorch requires."""
    dilation: Pair = Field(default=(1, 1), examples=[2])
    """The spacing between kernel taps (1: adjacent): one number or ``[height, width]``."""
    groups: PositiveInt = Field(default=1, examples=[2])
    """Input and output channels are split into this many independent groups."""
    bias: StrictBool = Field(default=True, examples=[False])
    """Whether each output channel adds a learned bias (one parameter per channel)."""

    @model_validator(mode="after")
    def _output_padding_fits(self) -> ConvTranspose:
        for axis, extra, stride, dilation in zip(
            ("height", "width"), self.output_padding, self.stride, self.dilation, strict=True
        ):
            if extra >= max(stride, dilation):
                raise _refuse(
                    "output_padding",
                    "'output_padding' must be less than the stride or the dilation (PyTorch's "
                    "rule), got {extra} for the {axis} with stride {stride} and dilation "
                    "{dilation}",
                    extra=extra,
                    axis=axis,
                    stride=stride,
                    dilation=dilation,
                )
        return self


def _crop_offset(value: Any) -> Any:
    """``5`` means ``(5,)``: one offset for every axis cropped, as Caffe's single ``offset``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    return value


#: The axes a crop may start from, in the order of a ``C×H×W`` shape.
CROP_AXES = ("channels", "height", "width")


class Crop(LayerBase):
    """Its first input cut to the size of its second, the reference, on every axis from ``axis``
    on (Caffe's ``Crop``): the window starts at ``offset``, or is centred. The reference's values
    are not read, only its shape; name both in ``inputs``."""

    kind: Literal["crop"]
    """The layer kind."""
    axis: Literal["channels", "height", "width"] = Field(default="height", examples=["height"])
    """The first axis cut to the reference's size; the axes after it are cut too, those before
    it kept (Caffe's ``axis: 2``, its default, is ``height``: height and width are cut)."""
    offset: Annotated[
        tuple[Offset, ...] | Literal["centre"],
        BeforeValidator(
            _crop_offset,
            json_schema_input_type=Offset | tuple[Offset, ...] | Literal["centre"],
        ),
    ] = Field(default=(0,), examples=[19, [5, 5], "centre"])
    """Where the window starts on each axis cut: one number for all of them, a list of one per
    axis, or ``centre`` (``⌊(n − m) / 2⌋`` on an axis of ``n`` cut to ``m``, as U-Net's skip
    connections are cut)."""

    @model_validator(mode="after")
    def _one_offset_per_axis(self) -> Crop:
        axes = len(CROP_AXES) - CROP_AXES.index(self.axis)
        if isinstance(self.offset, tuple) and len(self.offset) not in (1, axes):
            raise _refuse(
                "crop_offset",
                "give one offset for every axis cut or one per axis ({axes} from '{axis}'), "
                "got {got}",
                axes=axes,
                axis=self.axis,
                got=_values(len(self.offset)),
            )
        return self


class Multiply(LayerBase):
    """Element-wise product of its inputs, each axis of size 1 stretched to the others' (PyTorch's
    broadcasting): a squeeze-and-excitation branch's ``C×1×1`` channel scales times the
    ``C×H×W`` maps it scales. The inputs have one rank: all volumes, or all vectors."""

    kind: Literal["multiply"]
    """The layer kind."""


class Upsample(LayerBase):
    """Each map enlarged by a whole factor, or to a size, without parameters (PyTorch's
    ``nn.Upsample``, ONNX's ``Resize``): ``nearest`` repeats each value, ``bilinear``
    interpolates between the two nearest on each axis. Give ``scale`` (2 when neither is given)
    or ``size``, not both."""

    model_config = ConfigDict(json_schema_extra={"not": {"required": ["scale", "size"]}})

    kind: Literal["upsample"]
    """The layer kind."""
    mode: Literal["nearest", "bilinear"] = Field(default="nearest", examples=["bilinear"])
    """How the new values are made: the nearest input value, or bilinear interpolation (with
    PyTorch's default ``align_corners=False``; the sizes do not depend on it)."""
    scale: Pair = Field(default=(2, 2), examples=[2, [2, 1]])
    """The factor each side is multiplied by: one whole number or ``[height, width]``."""
    size: Annotated[Pair | None, LeftOut()] = Field(default=None, examples=[[56, 56]])
    """The output's height and width, whatever the input's, instead of a ``scale``: one number or
    ``[height, width]``."""

    @model_validator(mode="after")
    def _scale_or_size(self) -> Upsample:
        if self.size is not None and "scale" in self.model_fields_set:
            raise _refuse("upsample_size", "give 'scale' or 'size', not both")
        return self


class PReLU(LayerBase):
    """A rectifier whose negative slope is learned: one slope per channel, or one for all
    (PyTorch's ``nn.PReLU``, Caffe's ``PReLU``): shape in = shape out."""

    kind: Literal["prelu"]
    """The layer kind."""
    shared: StrictBool = Field(default=False, examples=[True])
    """One slope shared by every channel (PyTorch's ``nn.PReLU()``, Caffe's ``channel_shared:
    true``) instead of one per channel (``nn.PReLU(C)``, Caffe's default)."""


LAYER_MODELS: tuple[type[LayerBase], ...] = (
    Conv,
    Pool,
    AdaptivePool,
    LRN,
    BatchNorm,
    Add,
    Concat,
    Activation,
    Dropout,
    Flatten,
    FullyConnected,
    Softmax,
    ConvTranspose,
    Crop,
    Multiply,
    Upsample,
    PReLU,
)
#: Every layer kind, in the order of :data:`LAYER_MODELS`.
LAYER_KINDS: tuple[str, ...] = tuple(
    kind
    for model in LAYER_MODELS
    for kind in typing.get_args(model.model_fields["kind"].annotation)
)


def _layer_kind(value: Any) -> Any:
    """A layer is chosen by its ``kind``, one of :data:`LAYER_KINDS`; then its model checks it."""
    if not isinstance(value, dict):
        return value  # a layer model, or no mapping: the union says so
    if "kind" not in value:
        raise _refuse("layer_kind", "every layer needs a 'kind' (conv, max_pool, fc, ...)")
    kind = value["kind"]
    if not isinstance(kind, str):
        raise _refuse(
            "layer_kind",
            "expected a layer kind (conv, max_pool, fc, ...), got {got}",
            got=describe(kind),
        )
    if kind not in LAYER_KINDS:
        hint = kind_hint(kind)
        if hint is not None:
            raise _refuse(
                "layer_kind", "unknown layer kind {kind}: {hint}", hint=hint, kind=quote(kind)
            )
        raise _refuse(
            "layer_kind",
            "unknown layer kind {kind}; expected one of {kinds}{suggestion}",
            kinds=", ".join(map(repr, LAYER_KINDS)),
            suggestion=suggest(kind, LAYER_KINDS),
            kind=quote(kind),
        )
    return value


#: What other frameworks call a layer, and how a spec writes it: each hint names the spec's kind
#: first, and is given only while that kind exists. Names are compared as :func:`_bare` leaves
#: them, so ``Linear``, ``linear`` and ``LINEAR`` are one.
_FOREIGN_KINDS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("linear", "dense", "innerproduct", "fullyconnected", "gemm"),
        ("fc", "a fully connected layer is kind 'fc', its outputs in 'out_features'"),
    ),
    **dict.fromkeys(
        ("depthwiseconv", "depthwiseconvolution", "depthwise", "dwconv", "convdw"),
        (
            "conv",
            "a depthwise convolution is kind 'conv' with 'groups' equal to its input channels "
            "('out_channels' a multiple of them)",
        ),
    ),
    **dict.fromkeys(
        ("separableconv", "separableconvolution", "depthwiseseparableconv"),
        (
            "conv",
            "a separable convolution is two layers of kind 'conv': a depthwise one, with "
            "'groups' equal to its input channels, then a 1×1 one",
        ),
    ),
    **dict.fromkeys(
        ("groupconv", "groupedconv", "groupconvolution", "groupedconvolution"),
        ("conv", "a grouped convolution is kind 'conv' with 'groups'"),
    ),
    **dict.fromkeys(("convolution", "convolutional"), ("conv", "a convolution is kind 'conv'")),
    **dict.fromkeys(
        ("pool", "pooling", "maxpooling", "averagepooling", "averagepool", "avgpooling"),
        ("max_pool", "pooling is kind 'max_pool' or 'avg_pool'"),
    ),
    **dict.fromkeys(
        ("globalavgpool", "globalaveragepool", "globalaveragepooling"),
        (
            "adaptive_avg_pool",
            "global average pooling is kind 'adaptive_avg_pool' with 'output: 1'",
        ),
    ),
    **dict.fromkeys(
        ("globalmaxpool", "globalmaxpooling"),
        ("adaptive_max_pool", "global max pooling is kind 'adaptive_max_pool' with 'output: 1'"),
    ),
    **dict.fromkeys(
        ("bn", "batchnormalization"), ("batch_norm", "batch normalisation is kind 'batch_norm'")
    ),
    **dict.fromkeys(
        ("localresponsenorm", "localresponsenormalization"),
        ("lrn", "local response normalisation is kind 'lrn'"),
    ),
    **dict.fromkeys(
        ("eltwise", "sum", "elementwisesum", "plus"),
        ("add", "an element-wise sum is kind 'add', the layers it sums in 'inputs'"),
    ),
    **dict.fromkeys(
        ("cat", "concatenate", "concatenation", "depthconcat"),
        ("concat", "stacking channels is kind 'concat', the layers it stacks in 'inputs'"),
    ),
}


def _bare(name: str) -> str:
    """A kind's name without case, separators or a trailing ``1d``/``2d``: ``MaxPool2d`` →
    ``maxpool``."""
    bare = re.sub(r"[\s_\-]", "", name.lower())
    return re.sub(r"[12]d$", "", bare) or bare


def kind_hint(kind: str) -> str | None:
    """How a spec writes the layer another framework calls ``kind`` (``Linear``, ``MaxPool2d``,
    ``depthwise_conv``), or None when it is no name known for a kind."""
    bare = _bare(kind)
    for known in LAYER_KINDS:
        if _bare(known) == bare:
            return f"the kind is written {known!r}"
    target = _FOREIGN_KINDS.get(bare)
    if target is None or target[0] not in LAYER_KINDS:
        return None
    return target[1]


Layer = Annotated[
    Conv
    | Pool
    | AdaptivePool
    | LRN
    | BatchNorm
    | Add
    | Concat
    | Activation
    | Dropout
    | Flatten
    | FullyConnected
    | Softmax
    | ConvTranspose
    | Crop
    | Multiply
    | Upsample
    | PReLU,
    Field(discriminator="kind"),
    BeforeValidator(_layer_kind),
]


class Source(Model):
    """A publication or code that describes the network."""

    citation: Text = Field(
        examples=[
            "Alex Krizhevsky, Ilya Sutskever, Geoffrey E. Hinton. ImageNet Classification "
            "with Deep Convolutional Neural Networks. NIPS 2012."
        ]
    )
    """Authors, title, venue and year, as a reader would cite it."""
    url: Annotated[str, Field(max_length=2_000), WEB_ADDRESS] = Field(
        examples=["https://arxiv.org/abs/1404.5997"]
    )
    """Where a reader can check the source: an ``http://`` or ``https://`` address."""
    states: Text = Field(examples=["96 kernels of 11×11×3 with stride 4 on a 224×224×3 input."])
    """What this source says about the network, in a sentence or a short quote."""


#: A figure as sources abbreviate it: ``133M``, ``1.2 billion``, ``380K``.
_ABBREVIATED = re.compile(
    r"(?i)^\s*[~≈]?\s*(\d+(?:\.\d+)?)\s*"
    r"(k|thousand|m|mn|mio|million|b|bn|billion|g|giga)\s*$"
)
_SCALES = {"k": 3, "thousand": 3, "g": 9, "giga": 9, "b": 9, "bn": 9, "billion": 9}
#: A figure in scientific notation, which YAML reads as text without a sign: ``6.1e7``.
_SCIENTIFIC = re.compile(r"^\s*\d+(?:\.\d+)?[eE][+-]?\d+\s*$")
#: A whole number written with separators: ``61,100,840``, ``61 100 840``.
_GROUPED = re.compile(r"^\s*\d{1,3}(?:[,\s\u202f\u2009']\d{3})+\s*$")


def _unit(value: int) -> int:
    """The power of ten a figure's trailing zeros say it was rounded to (``650000`` → 10,000)."""
    unit = 1
    while value and value % (unit * 10) == 0:
        unit *= 10
    return unit


def _whole_number(value: Any) -> Any:
    """A stated number written as sources write it ("133M", "61,100,840", ``6.1e7``) is refused
    once, with how to write it; anything else goes on to the number or the shape it must be."""
    if isinstance(value, float) and value.is_integer() and 0 <= value < 10**18:
        raise _refuse(
            "stated_value",
            "expected a whole number, got {got}: write it as one, {whole}",
            whole=int(value),
            got=describe(value),
        )
    if not isinstance(value, str):
        return value
    abbreviated = _ABBREVIATED.fullmatch(value)
    if abbreviated is not None:
        figure, scale = Decimal(abbreviated[1]), abbreviated[2].lower()
        exponent = _SCALES.get(scale, 6)
        whole = figure.scaleb(exponent)
        if whole == whole.to_integral_value() and whole < 10**18:
            number = int(whole)
            exponent_written = figure.as_tuple().exponent
            place = 10 ** (
                exponent + (exponent_written if isinstance(exponent_written, int) else 0)
            )
            rounded = "" if _unit(number) == place else f" and 'rounded_to: {place}'"
            raise _refuse(
                "stated_value",
                "expected a whole number, got {got}: write it in full, {number}, with "
                "'approximate: true'{rounded} if the source rounded it",
                number=number,
                rounded=rounded,
                got=describe(value),
            )
    if (
        _SCIENTIFIC.fullmatch(value)
        and Decimal(value) == Decimal(value).to_integral_value()
        and Decimal(value) < 10**18
    ):
        raise _refuse(
            "stated_value",
            "expected a whole number, got {got}: write it in full, {number}",
            number=f"{Decimal(value):f}".split(".")[0],
            got=describe(value),
        )
    if _GROUPED.fullmatch(value):
        raise _refuse(
            "stated_value",
            "expected a whole number, got {got}: write it without separators, {number}",
            number=re.sub(r"\D", "", value),
            got=describe(value),
        )
    raise _refuse("stated_value", "expected a whole number, got {got}", got=describe(value))


def _stated_form(value: Any) -> str:
    """Which form of stated value was written, so that only that form reports errors."""
    return "shape" if isinstance(value, list | tuple) else "number"


#: A stated value: a whole number, or a shape.
StatedValue = Annotated[
    Annotated[Count, Tag("number")] | Annotated[list[Count], Tag("shape")],
    Discriminator(_stated_form),
    BeforeValidator(_whole_number, json_schema_input_type=Count | list[Count]),
]


#: The operation counters whose numbers the site predicts (``generator.core.counters.TOOLS``,
#: which a test keeps equal to this list: the spec layer imports nothing above it).
Counter = Literal[
    "fvcore",
    "fvcore-activations",
    "torch-flop-counter",
    "ptflops-aten",
    "ptflops-pytorch",
    "thop",
    "torchinfo",
]


class Stated(Model):
    """A number a source states, to be audited against the computed one."""

    model_config = ConfigDict(
        # The loader's rule that a shape is a list and every other quantity a whole number,
        # for editors; the models alone cannot say it.
        json_schema_extra={
            "if": {"properties": {"quantity": {"const": "shape"}}, "required": ["quantity"]},
            "then": {"properties": {"value": {"type": "array"}}},
            "else": {"properties": {"value": {"type": "integer"}}},
        }
    )

    quantity: Quantity = Field(examples=["neurons"])
    """What the number counts."""
    value: StatedValue = Field(examples=[253440, [96, 55, 55]])
    """The number as the source gives it: a whole number, or a list ``[C, H, W]`` or ``[N]`` for a
    shape."""
    source: Name = Field(examples=["paper"])
    """A key of the spec's ``sources``."""
    layer: LayerName | None = Field(default=None, examples=["conv1"])
    """The layer the number is about (``input`` for the input); absent for a network total."""
    first: LayerName | None = Field(default=None, examples=["inception_3a.1x1"])
    """For a number about a group of layers (a table row covering a whole module): the group's
    first layer. The count is then the sum over every layer from ``first`` through ``layer``, in
    the order they are written; a shape is ``layer``'s."""
    quote: Text | None = Field(
        default=None, examples=["253,440–186,624–64,896–64,896–43,264–4096–4096–1000"]
    )
    """The source's own words, quoted briefly."""
    where: Text | None = Field(default=None, examples=["Figure 2 caption", "§3.3", "Table 1"])
    """Where in the source the number stands: its section, table, figure or passage (a file's
    revision is its source's address). The register of claims shows it."""
    approximate: StrictBool = Field(default=False, examples=[True])
    """A rounded figure ("60 million"): it matches when the computed value rounds to it."""
    counter: Counter | None = Field(default=None, examples=["ptflops-pytorch"])
    """For a network's total that an operation counter produced, as the source says (a tool's own
    benchmark table, a model zoo that names its counter): the counter. The audit then reads the
    figure as that counter's number for the network, which the site predicts."""
    rounded_to: Annotated[int, Strict(), Bounds(gt=0)] | None = Field(default=None, examples=[1000])
    """For a rounded figure whose trailing zeros do not say where it was rounded: the place it
    was, a power of ten (``1000`` for "380K" in a table of thousands, which would otherwise read
    as rounded to ten thousands)."""

    @model_validator(mode="after")
    def _rounded_place(self) -> Stated:
        place = self.rounded_to
        if place is None:
            return self
        if not self.approximate:
            raise _refuse(
                "rounded_to", "'rounded_to' is for a rounded figure: add 'approximate: true'"
            )
        if place != 10 ** (len(str(place)) - 1):
            raise _refuse(
                "rounded_to",
                "'rounded_to' must be a power of ten (1, 10, 100, …), got {place}",
                place=place,
            )
        if isinstance(self.value, int) and self.value % place:
            raise _refuse(
                "rounded_to",
                "{value} is not a multiple of 'rounded_to' ({place})",
                value=self.value,
                place=place,
            )
        return self


#: A figure as a source writes it (``0.2``, ``12``): exact, and a plain number in the schema (as
#: a ``Decimal`` its schema would depend on pydantic's version).
Figure = Annotated[
    Decimal,
    Field(allow_inf_nan=False),
    WithJsonSchema({"type": "number"}),
    Bounds(ge=-1_000_000, le=1_000_000),
]

#: The ways a source compares two counts, each a field of :class:`Compared`.
COMPARISON_FORMS = ("percent", "percent_of", "times_more", "times_fewer")


class Compared(Model):
    """A comparison a source states between this network and another on the site."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": [form]} for form in COMPARISON_FORMS]}
    )

    quantity: Literal[Quantity.NEURONS, Quantity.PARAMS, Quantity.MACS, Quantity.ACTIVATIONS] = (
        Field(examples=["params"])
    )
    """What the two networks' totals count."""
    to: SpecName = Field(examples=["alexnet-2012"])
    """The other network: the name of a spec in the same folder."""
    percent: Annotated[Figure | None, LeftOut()] = Field(default=None, examples=[0.2, -2.4])
    """"0.2% more": how much more this network has, in percent (negative: fewer)."""
    percent_of: Annotated[Figure | None, LeftOut()] = Field(default=None, examples=[18])
    """"18% of": this network's count as a percentage of the other's."""
    times_more: Annotated[Figure | None, LeftOut()] = Field(default=None, examples=[3])
    """"3x more": this network's count divided by the other's."""
    times_fewer: Annotated[Figure | None, LeftOut()] = Field(default=None, examples=[12, 50])
    """"12 times fewer": the other network's count divided by this one's."""
    source: Name = Field(examples=["paper"])
    """A key of the spec's ``sources``."""
    quote: Text | None = Field(
        default=None, examples=["This model has 0.2% more parameters than the two-tower model."]
    )
    """The source's own words, quoted briefly."""
    where: Text | None = Field(default=None, examples=["§1", "Table 2"])
    """Where in the source the comparison stands: its section, table or passage."""

    @model_validator(mode="after")
    def _one_form(self) -> Compared:
        given = [form for form in COMPARISON_FORMS if getattr(self, form) is not None]
        if len(given) != 1:
            raise _refuse(
                "comparison_form",
                "give exactly one of {forms}, got {given}",
                forms=", ".join(COMPARISON_FORMS),
                given=", ".join(given) or "none",
            )
        return self

    @property
    def form(self) -> str:
        """Which of :data:`COMPARISON_FORMS` the source used."""
        return next(form for form in COMPARISON_FORMS if getattr(self, form) is not None)

    @property
    def figure(self) -> Decimal:
        """The number the source states, in its form."""
        value: Decimal = getattr(self, self.form)
        return value


class Spec(Model):
    """One architecture: its input, its layers in order, where it comes from, what is claimed."""

    title: Text = Field(examples=["ZFNet (Zeiler and Fergus, 2013)"])
    """The page title: the network's name and where it comes from."""
    summary: Text = Field(examples=["The AlexNet of the Caffe model zoo, a one-GPU replication."])
    """One paragraph: what this network is and why it is on the site (Markdown, no HTML)."""
    input: Annotated[tuple[PositiveInt, PositiveInt, PositiveInt], BeforeValidator(_image)] = Field(
        examples=[[3, 224, 224]]
    )
    """Channels, height and width of one input image."""
    towers: PositiveInt = Field(default=1, examples=[2])
    """How many GPUs ("towers") the network is split across, as in the paper's Figure 2."""
    sources: dict[Name, Source] = Field(
        min_length=1,
        examples=[
            {
                "torchvision": {
                    "citation": "PyTorch team. torchvision.models.alexnet.",
                    "url": "https://github.com/pytorch/vision/blob/main/torchvision/models/alexnet.py",
                    "states": "Conv2d(3, 64, 11, stride 4, padding 2), then MaxPool2d(3, 2).",
                }
            }
        ],
    )
    """The publications and code the spec is based on, by a short key (``paper``) that stated
    numbers cite."""
    imported_from: Name | None = Field(default=None, examples=["caffe-deploy"])
    """The key of the source whose model file the layers were imported from, by ``python -m
    generator import`` (which writes it); the page then says the layers are that file's."""
    stated: tuple[Stated, ...] = Field(
        default=(),
        examples=[[{"quantity": "params", "value": 61100840, "source": "torchvision"}]],
    )
    """Numbers the sources state, each audited against the computed one. A spec that ``extends``
    another does not inherit them."""
    compared: tuple[Compared, ...] = Field(
        default=(),
        examples=[
            [{"quantity": "params", "to": "alexnet-2012", "times_fewer": 12, "source": "paper"}]
        ],
    )
    """Comparisons the sources state between this network and another ("0.2% more", "12 times
    fewer"), each audited against the computed one. Not inherited by a spec that ``extends`` this
    one."""
    layers: tuple[Layer, ...] = Field(
        min_length=1,
        examples=[
            [
                {"name": "conv1", "kind": "conv", "out_channels": 64, "kernel": 11, "stride": 4},
                {"name": "relu1", "kind": "relu"},
            ]
        ],
    )
    """The layers in order, from the input to the output; each is chosen by its ``kind``."""
    outputs: tuple[LayerName, ...] = Field(default=(), examples=[["loss1_classifier"]])
    """Layers besides the last whose outputs are results of the network (GoogLeNet's training-only
    auxiliary classifiers); any other layer whose output no layer reads is reported."""
    notes: Text | None = Field(
        default=None, examples=["**What is not verified.** The paper gives no padding."]
    )
    """Further remarks, shown at the end of the page (Markdown, no HTML)."""

    @field_validator("imported_from")
    @classmethod
    def _imported_source(cls, key: str | None, info: ValidationInfo) -> str | None:
        # ``sources`` is declared before this field, so it has been validated already (it is
        # missing from ``info.data`` only when it is itself invalid, and reported as such).
        sources = info.data.get("sources")
        if key is not None and sources is not None and key not in sources:
            raise _refuse(
                "imported_source",
                "must be a key of 'sources' ({keys}), got {key}",
                keys=", ".join(sources),
                key=quote(key),
            )
        return key


# --- variants: what a spec that ``extends`` another may say -----------------------------------


class Insert(Model):
    """New layers placed next to a layer of the parent: give ``after`` or ``before``, not both."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["after"]}, {"required": ["before"]}]}
    )

    after: Annotated[LayerName | None, LeftOut()] = Field(default=None, examples=["pool1"])
    """The parent's layer the new layers follow."""
    before: Annotated[LayerName | None, LeftOut()] = Field(default=None, examples=["conv2"])
    """The parent's layer the new layers precede."""
    layers: tuple[Layer, ...] = Field(
        examples=[[{"name": "norm1", "kind": "lrn", "size": 5, "k": 2.0}]]
    )
    """The new layers in order, each written in full as in ``layers``."""


class Overrides(Model):
    """The keys only a spec that extends another may use (:data:`OVERRIDE_KEYS`)."""

    extends: SpecName = Field(examples=["bvlc-alexnet"])
    """The spec this one is a variant of: a file name in the same folder, without ``.yml``. Every
    field left out is the parent's, except ``stated`` and ``compared``, which are never
    inherited; ``sources`` are merged, and ``layers``, if given, replace the parent's. Then
    ``remove``, ``change`` and ``insert`` apply, in that order."""
    change: Annotated[dict[LayerName, dict[str, Any]] | None, LeftOut()] = Field(
        default=None, examples=[{"conv1": {"stride": 2, "padding": 1}}]
    )
    """Fields to change in layers, by layer name; the fields not named keep their values. To
    rewire a branch, change a layer's ``inputs``."""
    remove: Annotated[tuple[LayerName, ...] | None, LeftOut()] = Field(
        default=None, examples=[["norm1", "norm2"]]
    )
    """Layers to drop, by name. A layer that named a dropped layer in its ``inputs`` is an error
    until ``change`` gives it other ones; a layer without ``inputs`` reads whatever now comes
    before it."""
    insert: Annotated[tuple[Insert, ...] | None, LeftOut()] = Field(
        default=None,
        examples=[[{"after": "pool1", "layers": [{"name": "norm1", "kind": "lrn", "size": 5}]}]],
    )
    """New layers, each group placed after or before a named layer. Like any layer, a new one
    without ``inputs`` reads the layer written before it, and the parent's layer written after
    the group now reads the group's last layer unless it names its ``inputs``; a group may also
    branch off anywhere by naming ``inputs`` (an auxiliary classifier), its last layer then
    listed in ``outputs``."""


#: Keys only a spec that extends another may use; they describe changes to the parent's layers.
OVERRIDE_KEYS: tuple[str, ...] = tuple(Overrides.model_fields)
