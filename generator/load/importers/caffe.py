"""Caffe network definitions (``deploy.prototxt``, ``train_val.prototxt``) as drafts of specs.

Caffe connects layers by *blobs*: each layer reads its ``bottom`` blobs and writes its ``top``
blobs, and a layer whose top is its bottom (a ReLU, a Dropout) works in place, so that later
readers of that blob read its output. The importer walks the layers in file order keeping, for
each blob, the spec layer that last wrote it; a layer reading anything else than the layer written
just before it gets ``inputs``. All three formats Caffe has used are read: ``layer { type:
"Convolution" }`` with an ``Input`` layer or ``input_shape``, and the older ``layers { type:
CONVOLUTION }`` (V1) and ``layers { layer { type: "conv" } }`` (V0) with ``input_dim``, which
:mod:`~generator.load.importers.caffe_legacy` reads as the newest. A training definition's data
layer gives the input, and it and the loss and accuracy layers are left out
(:mod:`~generator.load.importers.caffe_data`).

One problem is reported per cause: a layer that cannot be imported is reported once, and the
layers that read its output, directly or through others, are not reported again.

Caffe's rounding is written out: convolutions round output sizes down (``floor``, the spec's
default), pooling layers up (``ceil``, with the window that would start in the padding dropped,
as Caffe's ``pooling_layer.cpp`` does). A ``BatchNorm`` layer learns nothing (its three blobs are
running statistics); the ``Scale`` layer after it learns a scale and a shift per channel, so the
two become one ``batch_norm`` layer, the way PyTorch's ``BatchNorm2d`` counts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.engine import INPUT
from generator.load.importers import caffe_data, caffe_legacy
from generator.load.importers.caffe_fields import (
    LayerFailed,
    Reporter,
    as_written,
    blobs,
    count,
    flag,
    image_shape,
    number,
    pair,
    params,
    single,
    string,
    word,
    written_tops,
)
from generator.load.importers.caffe_legacy import Entry
from generator.load.importers.draft import Draft, DraftLayer, Value
from generator.load.importers.errors import ModelError, at_line
from generator.load.importers.names import Namer, sanitise
from generator.load.importers.prototxt import Identifier, Message, parse
from generator.spec.errors import article

FORMAT = "Caffe prototxt"


@dataclass(frozen=True, slots=True)
class _Labels:
    """A blob of labels, written by a data layer beside the image."""

    layer: str


Blob = str | _Labels | None
"""What a blob holds: a spec layer's output (its name, or ``input``), a data layer's labels, or
``None``: the output of a layer that could not be imported, whose readers are not reported."""


@dataclass(slots=True)
class _Layer:
    """A layer being built: fields may still change (a Scale makes a BatchNorm affine)."""

    name: str
    kind: str
    fields: dict[str, Value]
    inputs: tuple[str, ...]
    origin: str
    comment: str | None = None
    caffe_type: str = ""
    """The Caffe layer type it was made from (a ``Scale`` looks for a ``BatchNorm``)."""


@dataclass(slots=True)
class _Walk:
    """The state of one walk over a file's layers."""

    path: str
    given: tuple[int, int, int] | None = None
    """The input's size from ``--input``, which wins over the file's."""
    problems: list[str] = field(default_factory=list)
    layers: list[_Layer] = field(default_factory=list)
    blobs: dict[str, Blob] = field(default_factory=dict)
    namer: Namer = field(default_factory=Namer)
    input: tuple[int, int, int] | None = None
    input_line: int = 0
    read: set[str] = field(default_factory=set)
    types: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    data_blobs: set[str] = field(default_factory=set)
    """The blobs data layers write the images to: a second data layer writing one of them is the
    same input for another phase or stage."""
    left_out: list[str] = field(default_factory=list)
    """Loss and accuracy layers left out, as ``SoftmaxWithLoss 'loss' (line 300)``."""

    def fail(self, line: int, what: str) -> LayerFailed:
        self.problems.append(at_line(self.path, line, what))
        return LayerFailed()


def _where(layer: Message, name: str) -> str:
    return f"layer {name!r}" if name else f"the layer at line {layer.line}"


# --- one function per layer type -------------------------------------------------------------


Converted = tuple[str, dict[str, Value], str | None]
"""A layer's spec kind, its fields, and a comment to write above it."""


def _convolution(walk: Reporter, layer: Message, what: str) -> Converted:
    p = params(walk, layer, "convolution_param", what)
    _axis(walk, p, what)
    out = single(walk, p, "num_output", what)
    if out is None:
        raise walk.fail(p.line, f"{what}: a Convolution needs convolution_param {{ num_output }}")
    fields: dict[str, Value] = {"out_channels": count(walk, out, what)}
    kernel = pair(walk, p, "kernel_size", what, 0)
    if kernel == 0:
        raise walk.fail(p.line, f"{what}: a Convolution needs kernel_size or kernel_h and kernel_w")
    fields["kernel"] = kernel
    _window_fields(walk, p, what, fields)
    dilation = pair(walk, p, "dilation", what, 1)
    if dilation != 1:
        fields["dilation"] = dilation
    group = single(walk, p, "group", what)
    if group is not None and count(walk, group, what) != 1:
        fields["groups"] = count(walk, group, what)
    bias = single(walk, p, "bias_term", what)
    if bias is not None and not flag(walk, bias, what):
        fields["bias"] = False
    return "conv", fields, None


def _deconvolution(walk: Reporter, layer: Message, what: str) -> Converted:
    """A transposed convolution: ``convolution_param`` as a Convolution's, its output side
    ``stride·(n − 1) + dilation·(kernel − 1) + 1 − 2·pad`` (``deconv_layer.cpp``)."""
    p = params(walk, layer, "convolution_param", what)
    _axis(walk, p, what)
    out = single(walk, p, "num_output", what)
    if out is None:
        raise walk.fail(p.line, f"{what}: a Deconvolution needs convolution_param {{ num_output }}")
    fields: dict[str, Value] = {"out_channels": count(walk, out, what)}
    kernel = pair(walk, p, "kernel_size", what, 0)
    if kernel == 0:
        raise walk.fail(
            p.line, f"{what}: a Deconvolution needs kernel_size or kernel_h and kernel_w"
        )
    fields["kernel"] = kernel
    _window_fields(walk, p, what, fields)
    dilation = pair(walk, p, "dilation", what, 1)
    if dilation != 1:
        fields["dilation"] = dilation
    group = single(walk, p, "group", what)
    if group is not None and count(walk, group, what) != 1:
        fields["groups"] = count(walk, group, what)
    bias = single(walk, p, "bias_term", what)
    if bias is not None and not flag(walk, bias, what):
        fields["bias"] = False
    return "conv_transpose", fields, None


#: Caffe's axes of a ``batch × channels × height × width`` blob, as the spec names the ones a
#: crop may start from; negative ones count from the end.
CROP_AXES = {1: "channels", 2: "height", 3: "width", -3: "channels", -2: "height", -1: "width"}


def _crop(walk: Reporter, layer: Message, what: str) -> Converted:
    """``Crop``: the first bottom cut to the second's size from ``axis`` on (2 by default), at
    ``offset`` (one for every axis, one per axis, or 0)."""
    p = params(walk, layer, "crop_param", what)
    axis_field = single(walk, p, "axis", what)
    axis = 2 if axis_field is None else axis_field.value
    if isinstance(axis, bool) or not isinstance(axis, int) or axis not in CROP_AXES:
        assert axis_field is not None
        raise walk.fail(
            axis_field.line,
            f"{what}: axis {as_written(axis_field.value)}: a crop from the channels (1), the "
            "height (2) or the width (3) can be imported, not one across the batch",
        )
    fields: dict[str, Value] = {}
    if CROP_AXES[axis] != "height":
        fields["axis"] = CROP_AXES[axis]
    offsets = [count(walk, f, what, minimum=0) for f in p.all("offset")]
    axes = 4 - axis % 4
    if len(offsets) not in (0, 1, axes):
        raise walk.fail(
            p.line,
            f"{what}: {len(offsets)} offsets; a crop from axis {axis} takes one, or one for each "
            f"of its {axes} axes",
        )
    if any(offsets):
        fields["offset"] = offsets[0] if len(offsets) == 1 else tuple(offsets)
    return "crop", fields, None


def _prelu(walk: Reporter, layer: Message, what: str) -> Converted:
    p = params(walk, layer, "prelu_param", what)
    shared = single(walk, p, "channel_shared", what)
    if shared is not None and flag(walk, shared, what):
        return "prelu", {"shared": True}, None
    return "prelu", {}, None


def _abs(walk: Reporter, layer: Message, what: str) -> Converted:
    return "abs", {}, None


def _window_fields(walk: Reporter, p: Message, what: str, fields: dict[str, Value]) -> None:
    stride = pair(walk, p, "stride", what, 1)
    if stride != 1:
        fields["stride"] = stride
    pad = pair(walk, p, "pad", what, 0, minimum=0)
    if pad != 0:
        fields["padding"] = pad


def _axis(walk: Reporter, p: Message, what: str, *, default: int = 1, name: str = "axis") -> None:
    f = single(walk, p, name, what)
    if f is not None and f.value not in (default, default - 4):
        raise walk.fail(
            f.line,
            f"{what}: {name} {as_written(f.value)}: only layers over the channel axis ({default}) "
            "can be imported",
        )


def _pooling(walk: Reporter, layer: Message, what: str) -> Converted:
    p = params(walk, layer, "pooling_param", what)
    method = single(walk, p, "pool", what)
    pool = "MAX" if method is None else word(walk, method, what, ("MAX", "AVE", "STOCHASTIC"))
    if pool == "STOCHASTIC":
        assert method is not None
        raise walk.fail(
            method.line, f"{what}: STOCHASTIC pooling has no layer kind in the spec format"
        )
    kind = "max_pool" if pool == "MAX" else "avg_pool"
    global_ = single(walk, p, "global_pooling", what)
    if global_ is not None and flag(walk, global_, what):
        adaptive = "adaptive_max_pool" if pool == "MAX" else "adaptive_avg_pool"
        return adaptive, {"output": 1}, "global_pooling: one window over the whole input"
    kernel = pair(walk, p, "kernel_size", what, 0)
    if kernel == 0:
        raise walk.fail(
            p.line,
            f"{what}: a Pooling layer needs kernel_size, kernel_h and kernel_w, or global_pooling",
        )
    fields: dict[str, Value] = {"kernel": kernel}
    # Caffe's pooling stride defaults to 1, the spec's (PyTorch's) to the kernel: always say it.
    fields["stride"] = pair(walk, p, "stride", what, 1)
    pad = pair(walk, p, "pad", what, 0, minimum=0)
    if pad != 0:
        fields["padding"] = pad
    rounding = "ceil"
    comment = None
    mode = single(walk, p, "round_mode", what)
    if mode is not None and word(walk, mode, what, ("CEIL", "FLOOR")) == "FLOOR":
        rounding = "floor"
    ceil_mode = single(walk, p, "ceil_mode", what)
    if ceil_mode is not None:
        if mode is not None:
            raise walk.fail(
                ceil_mode.line, f"{what}: give round_mode or a fork's ceil_mode, not both"
            )
        rounding = "ceil" if flag(walk, ceil_mode, what) else "floor"
        up = rounding == "ceil"
        comment = (
            f"ceil_mode: {str(up).lower()} (a Caffe fork's field): rounds {'up' if up else 'down'}"
        )
    if rounding != "floor":
        fields["rounding"] = rounding
    return kind, fields, comment


def _lrn(walk: Reporter, layer: Message, what: str) -> Converted:
    p = params(walk, layer, "lrn_param", what)
    region = single(walk, p, "norm_region", what)
    within = (
        region is not None
        and word(walk, region, what, ("ACROSS_CHANNELS", "WITHIN_CHANNEL")) == "WITHIN_CHANNEL"
    )
    size = single(walk, p, "local_size", what)
    fields: dict[str, Value] = {"size": 5 if size is None else count(walk, size, what)}
    # Caffe's defaults (caffe.proto's LRNParameter), which are not the spec's for alpha.
    for name, key, default in (("alpha", "alpha", 1.0), ("beta", "beta", 0.75), ("k", "k", 1.0)):
        f = single(walk, p, name, what)
        fields[key] = default if f is None else number(walk, f, what)
    if not within:
        return "lrn", fields, None
    fields["region"] = "within_channel"
    comment = None
    if fields["k"] != 1.0:
        comment = f"k {fields['k']:g} as written, which Caffe ignores within a channel: it adds 1"
        fields["k"] = 1.0
    return "lrn", fields, comment


def _relu(walk: Reporter, layer: Message, what: str) -> Converted:
    p = params(walk, layer, "relu_param", what)
    slope = single(walk, p, "negative_slope", what)
    if slope is not None and number(walk, slope, what) != 0:
        return "leaky_relu", {}, f"negative_slope {slope.value}"
    return "relu", {}, None


def _inner_product(walk: Reporter, layer: Message, what: str) -> Converted:
    p = params(walk, layer, "inner_product_param", what)
    _axis(walk, p, what)
    out = single(walk, p, "num_output", what)
    if out is None:
        raise walk.fail(
            p.line, f"{what}: an InnerProduct needs inner_product_param {{ num_output }}"
        )
    fields: dict[str, Value] = {"out_features": count(walk, out, what)}
    bias = single(walk, p, "bias_term", what)
    if bias is not None and not flag(walk, bias, what):
        fields["bias"] = False
    return "fc", fields, None


def _dropout(walk: Reporter, layer: Message, what: str) -> Converted:
    p = params(walk, layer, "dropout_param", what)
    ratio = single(walk, p, "dropout_ratio", what)
    value = 0.5 if ratio is None else number(walk, ratio, what)
    if not value < 1:
        assert ratio is not None
        raise walk.fail(ratio.line, f"{what}: dropout_ratio must be less than 1, got {value}")
    return "dropout", {"p": value}, None


def _concat(walk: Reporter, layer: Message, what: str) -> Converted:
    p = params(walk, layer, "concat_param", what)
    _axis(walk, p, what)
    _axis(walk, p, what, name="concat_dim")
    return "concat", {}, None


def _eltwise(walk: Reporter, layer: Message, what: str) -> Converted:
    p = params(walk, layer, "eltwise_param", what)
    operation = single(walk, p, "operation", what)
    if operation is not None and word(walk, operation, what, ("SUM", "PROD", "MAX")) != "SUM":
        raise walk.fail(
            operation.line,
            f"{what}: Eltwise {operation.value} has no layer kind in the spec format (SUM has: add)",
        )
    coefficients = [f.value for f in p.all("coeff")]
    if any(c != 1 for c in coefficients):
        listed = ", ".join(str(c) for c in coefficients)
        return (
            "add",
            {},
            f"a weighted sum (coeff {listed}); the spec's add has the same shape and counts",
        )
    return "add", {}, None


def _batch_norm(walk: Reporter, layer: Message, what: str) -> Converted:
    return "batch_norm", {"affine": False}, None


def _softmax(walk: Reporter, layer: Message, what: str) -> Converted:
    _axis(walk, params(walk, layer, "softmax_param", what), what)
    return "softmax", {}, None


def _flatten(walk: Reporter, layer: Message, what: str) -> Converted:
    _axis(walk, params(walk, layer, "flatten_param", what), what)
    return "flatten", {}, None


def _sigmoid(walk: Reporter, layer: Message, what: str) -> Converted:
    return "sigmoid", {}, None


def _tanh(walk: Reporter, layer: Message, what: str) -> Converted:
    return "tanh", {}, None


def _elu(walk: Reporter, layer: Message, what: str) -> Converted:
    return "elu", {}, None


#: Each Caffe layer type the spec format can express, and how.
CONVERTERS: dict[str, Callable[[Reporter, Message, str], Converted]] = {
    "Convolution": _convolution,
    "Pooling": _pooling,
    "LRN": _lrn,
    "ReLU": _relu,
    "InnerProduct": _inner_product,
    "Dropout": _dropout,
    "Concat": _concat,
    "Eltwise": _eltwise,
    "BatchNorm": _batch_norm,
    "Softmax": _softmax,
    "Flatten": _flatten,
    "Sigmoid": _sigmoid,
    "TanH": _tanh,
    "ELU": _elu,
    "Deconvolution": _deconvolution,
    "Crop": _crop,
    "PReLU": _prelu,
    "AbsVal": _abs,
}
#: Types whose layers read two or more blobs.
MERGES = frozenset({"Concat", "Eltwise"})
#: Types whose layers read exactly two: what a Crop cuts, and the blob whose size it takes.
PAIRS = frozenset({"Crop"})
#: Every type the importer reads, for the message about one it does not.
KNOWN = (*CONVERTERS, "Scale (after BatchNorm)", "Split", "Input", "and data layers")


# --- the walk ---------------------------------------------------------------------------------


def _type(walk: _Walk, layer: Message, what: str, old: bool) -> str:
    f = single(walk, layer, "type", what)
    if f is None:
        raise walk.fail(layer.line, f"{what}: no type")
    value = f.value
    if old:
        named = caffe_legacy.type_name(value)
        if named is not None:
            return named
    if isinstance(value, str) and not isinstance(value, Identifier):
        return value
    raise walk.fail(
        f.line, f"{what}: field 'type' must be a quoted layer type, got {as_written(value)}"
    )


def _training_only(layer: Message) -> bool:
    """Whether a layer is included only in the TRAIN phase (``include { phase: TRAIN }``)."""
    phases = [f.value for rule in layer.messages("include") for f in rule.all("phase")]
    return bool(phases) and "TEST" not in phases


def _set_input(walk: _Walk, blob: str, shape: tuple[int, int, int], line: int) -> None:
    if walk.input is not None:
        raise walk.fail(
            line,
            f"a second input, {blob!r} (the first is at line {walk.input_line}): the spec format "
            "has one input image",
        )
    walk.input, walk.input_line = walk.given or shape, line
    if walk.given is not None and walk.given != shape:
        walk.notes.append(
            f"The input is {_size(walk.given)}, given with --input; the file's is {_size(shape)}."
        )
    walk.blobs[blob] = INPUT


def _size(shape: tuple[int, int, int]) -> str:
    return "×".join(str(d) for d in shape)


def _net_inputs(walk: _Walk, net: Message) -> None:
    """``input: "data"`` with ``input_dim`` ×4 or an ``input_shape { dim … }`` per input."""
    names = list(net.all("input"))
    dims = list(net.all("input_dim"))
    shapes = list(net.messages("input_shape"))
    for index, f in enumerate(names):
        if not isinstance(f.value, str) or isinstance(f.value, Identifier):
            raise walk.fail(
                f.line, f"field 'input' must be a quoted blob name, got {as_written(f.value)}"
            )
        what = f"input {f.value!r}"
        if index < len(shapes):
            shape = image_shape(walk, list(shapes[index].all("dim")), shapes[index].line, what)
        elif dims:
            shape = image_shape(walk, dims[4 * index : 4 * index + 4], f.line, what)
        elif walk.given is not None:
            shape = walk.given
        else:
            raise walk.fail(f.line, f"{what}: no input_shape or input_dim gives its size")
        _set_input(walk, f.value, shape, f.line)


def _layer(walk: _Walk, entry: Entry, old: bool) -> None:
    layer = entry.layer
    name_field = string(walk, layer, "name", f"the layer at line {layer.line}")
    caffe_name = str(name_field.value) if name_field else ""
    what = _where(layer, caffe_name)
    if entry.problems:
        for line, problem in entry.problems:
            walk.fail(line, f"{what}: {problem}")
        raise LayerFailed()
    kind = _type(walk, layer, what, old)
    if _training_only(layer):
        return
    bottoms = blobs(walk, layer, "bottom", what)
    tops = blobs(walk, layer, "top", what)
    if kind == "Input":
        _input_layer(walk, layer, what, tops)
        return
    if caffe_data.is_data(kind, bool(bottoms)):
        _data_layer(walk, layer, kind, caffe_name, what, tops)
        return
    if caffe_data.is_training(kind, layer):
        walk.left_out.append(f"{kind} {caffe_name!r} (line {layer.line})")
        for blob, _ in tops:
            walk.blobs[blob] = None
        return
    walk.types[kind] += 1
    if not bottoms:
        if kind not in CONVERTERS and kind not in ("Split", "Scale"):
            raise walk.fail(
                (single(walk, layer, "type", what) or layer).line, _unknown(entry, kind, what)
            )
        raise walk.fail(layer.line, f"{what}: no bottom: the layer reads nothing")
    readers = [_reader(walk, blob, line, what) for blob, line in bottoms]
    if None in readers:
        raise LayerFailed()  # what it reads could not be imported, and was reported
    inputs = tuple(r for r in readers if r is not None)
    if kind == "Split":
        for blob, _ in tops:
            walk.blobs[blob] = inputs[0]
        return
    if kind == "Scale":
        _scale(walk, layer, what, inputs, tops)
        return
    convert = CONVERTERS.get(kind)
    if convert is None:
        raise walk.fail(
            (single(walk, layer, "type", what) or layer).line, _unknown(entry, kind, what)
        )
    if len(tops) != 1:
        raise walk.fail(layer.line, f"{what}: {len(tops)} tops; a {kind} layer writes one")
    if kind in PAIRS and len(inputs) != 2:
        raise walk.fail(
            layer.line,
            f"{what}: {len(inputs)} bottoms; a {kind} layer reads two, the blob it cuts and the "
            "one whose size it takes",
        )
    if kind not in MERGES | PAIRS and len(inputs) != 1:
        raise walk.fail(layer.line, f"{what}: {len(inputs)} bottoms; a {kind} layer reads one")
    if kind in MERGES and len(inputs) < 2:
        raise walk.fail(layer.line, f"{what}: a {kind} layer needs two or more bottoms")
    spec_kind, fields, comment = convert(walk, layer, what)
    name = walk.namer.unique(sanitise(caffe_name, kind.lower()))
    origin = at_line(walk.path, layer.line, what)
    walk.layers.append(
        _Layer(name, spec_kind, fields, inputs, origin, comment or entry.comment, kind)
    )
    walk.read.update(inputs)
    walk.blobs[tops[0][0]] = name


def _unknown(entry: Entry, kind: str, what: str) -> str:
    """The message for a layer type the spec format has no kind for."""
    if kind == "Python":
        p = entry.layer.first("python_param")
        code = ""
        if p is not None and isinstance(p.value, Message):
            parts = [str(f.value) for n in ("module", "layer") for f in p.value.all(n)]
            code = f" ({'.'.join(parts)})" if parts else ""
        return (
            f"{what}: a Python layer in the middle of the network runs custom code{code}, which "
            "has no layer kind in the spec format"
        )
    named = f"V0 layer type {entry.v0_type!r} ({kind})" if entry.v0_type else f"layer type {kind!r}"
    return (
        f"{what}: {named} has no layer kind in the spec format; the importer reads "
        f"{', '.join(KNOWN)}"
    )


def _input_layer(walk: _Walk, layer: Message, what: str, tops: list[tuple[str, int]]) -> None:
    p = params(walk, layer, "input_param", what)
    shapes = list(p.messages("shape"))
    if len(tops) != 1 or len(shapes) != 1:
        raise walk.fail(layer.line, f"{what}: an Input layer must have one top and one shape")
    shape = image_shape(walk, list(shapes[0].all("dim")), shapes[0].line, what)
    _set_input(walk, tops[0][0], shape, layer.line)


def _data_layer(
    walk: _Walk, layer: Message, kind: str, name: str, what: str, tops: list[tuple[str, int]]
) -> None:
    """A data layer: its first top is the input, the others its labels; it is left out."""
    source = caffe_data.SOURCES.get(kind, "a source of its own (a Caffe fork's data layer)")
    if not tops:
        raise walk.fail(
            layer.line, f"{what}: {article(kind)} {kind} layer with no top gives no input"
        )
    if tops[0][0] in walk.data_blobs:
        # The same input for another phase or stage (``include { phase: TEST stage: … }``).
        walk.left_out.append(f"{kind} {name!r} (line {layer.line}), for another stage")
        return
    walk.data_blobs.add(tops[0][0])
    if walk.input is not None:
        _set_input(walk, tops[0][0], walk.input, layer.line)  # a second input: reported
    found = caffe_data.data_input(walk, layer, kind, what)
    if found.shape is None and walk.given is None:
        raise walk.fail(
            layer.line,
            f"{what}: {article(kind)} {kind} layer reads its images from {source}, and the file "
            "does not say "
            "their size: give it with --input CxHxW",
        )
    shape = found.shape or walk.given
    assert shape is not None
    _set_input(walk, tops[0][0], shape, layer.line)
    for blob, _ in tops[1:]:
        walk.blobs[blob] = _Labels(name)
    how = "given with --input" if walk.given is not None else found.how
    walk.notes.append(
        f"The {kind} layer {name!r} (line {layer.line}) is left out: it reads the images from "
        f"{source}. The input is {_size(walk.input or shape)}: {how}."
    )


def _reader(walk: _Walk, blob: str, line: int, what: str) -> str | None:
    if blob not in walk.blobs:
        raise walk.fail(
            line, f"{what}: reads blob {blob!r}, which no layer or input before it writes"
        )
    found = walk.blobs[blob]
    if isinstance(found, _Labels):
        raise walk.fail(
            line,
            f"{what}: reads blob {blob!r}, the labels that data layer {found.layer!r} writes; "
            "the spec's one input is the image",
        )
    return found


def _scale(
    walk: _Walk, layer: Message, what: str, inputs: tuple[str, ...], tops: list[tuple[str, int]]
) -> None:
    """A Scale after a BatchNorm: the BatchNorm's learned scale and shift (``affine``)."""
    before = next((b for b in reversed(walk.layers) if b.name == inputs[0]), None)
    p = params(walk, layer, "scale_param", what)
    bias = single(walk, p, "bias_term", what)
    if (
        len(inputs) != 1
        or len(tops) != 1
        or before is None
        or before.caffe_type != "BatchNorm"
        or before.fields.get("affine") is not False
        or before.name in walk.read
    ):
        raise walk.fail(
            layer.line,
            f"{what}: a Scale layer can be imported only right after a BatchNorm, as its learned "
            "scale and shift (a batch_norm layer)",
        )
    if bias is None or not flag(walk, bias, what):
        raise walk.fail(
            (bias or layer).line,
            f"{what}: a Scale without bias_term: true learns a scale but no shift per channel; "
            "the spec's batch_norm learns both or neither",
        )
    del before.fields["affine"]
    caffe_name = str(getattr(layer.first("name"), "value", ""))
    before.comment = (
        f"Caffe's BatchNorm and the Scale layer {caffe_name!r} after it, as one batch_norm"
    )
    walk.blobs[tops[0][0]] = before.name


def _entries(walk: _Walk, net: Message) -> tuple[list[Entry], bool]:
    """The file's layers, each as a message of the current format; and whether they are V0/V1's."""
    new, old = list(net.all("layer")), list(net.all("layers"))
    if new and old:
        walk.fail(old[0].line, "both 'layer' and the older 'layers' fields: a file uses one")
        return [], False
    messages = []
    for f in new or old:
        if not isinstance(f.value, Message):
            walk.fail(f.line, f"field {f.name!r} must be a message {{ ... }}")
            continue
        messages.append(f.value)
    if old:
        return caffe_legacy.entries(messages), True
    return [Entry(m) for m in messages], False


def _walk(net: Message, path: str, given: tuple[int, int, int] | None) -> _Walk:
    walk = _Walk(path, given)
    entries, old = _entries(walk, net)
    if walk.problems:
        return walk
    try:
        _net_inputs(walk, net)
    except LayerFailed:
        return walk
    for entry in entries:
        try:
            _layer(walk, entry, old=old)
        except LayerFailed:
            # Whatever the layer writes is not reported again where it is read.
            for blob in written_tops(entry.layer):
                walk.blobs[blob] = None
    if walk.left_out:
        walk.notes.append(
            "Left out, as what training computes rather than the network (or another stage's "
            "data): " + "; ".join(walk.left_out) + "."
        )
    if not walk.problems and walk.input is None:
        walk.fail(0, "no input: add an Input layer, or input with input_shape or input_dim")
    if not walk.problems and not walk.layers:
        walk.fail(0, "no layers")
    return walk


def _states(walk: _Walk) -> str:
    assert walk.input is not None
    counts = [f"{n} {t}" for t, n in walk.types.items()]
    listed = ", ".join(counts[:-1]) + (" and " if len(counts) > 1 else "") + counts[-1]
    return f"The network definition: a {_size(walk.input)} input (one image); {listed} layers."


def to_draft(
    text: str, path: Path, *, shown: str, input_shape: tuple[int, int, int] | None = None
) -> Draft:
    """The draft of a prototxt's network; ``shown`` is how messages name the file, and
    ``input_shape`` (``--input``) the input's size where the file's is not wanted or not said."""
    net = parse(text, shown)
    walk = _walk(net, shown, input_shape)
    if walk.problems:
        raise ModelError(walk.problems)
    assert walk.input is not None
    title_field = net.first("name")
    title = (
        str(title_field.value) if title_field and isinstance(title_field.value, str) else path.stem
    )
    layers = tuple(
        DraftLayer(b.name, b.kind, b.fields, b.inputs, b.origin, b.comment) for b in walk.layers
    )
    return Draft(
        title=title,
        input=walk.input,
        layers=layers,
        format=FORMAT,
        source=path.name,
        citation=f"TODO: who published it, where, which revision. {path.name}, network {title!r}.",
        states=_states(walk),
        notes=(
            *walk.notes,
            "Caffe rounds convolution output sizes down and pooling output sizes up: pooling "
            "layers say rounding: ceil.",
        ),
    )
