"""Caffe network definitions (``deploy.prototxt``) as drafts of specs.

Caffe connects layers by *blobs*: each layer reads its ``bottom`` blobs and writes its ``top``
blobs, and a layer whose top is its bottom (a ReLU, a Dropout) works in place, so that later
readers of that blob read its output. The importer walks the layers in file order keeping, for
each blob, the spec layer that last wrote it; a layer reading anything else than the layer written
just before it gets ``inputs``. Both formats Caffe has used are read: ``layer { type: "Convolution" }``
with an ``Input`` layer or ``input_shape``, and the older ``layers { type: CONVOLUTION }`` with
``input_dim``.

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
from generator.load.importers.draft import Draft, DraftLayer, Value
from generator.load.importers.errors import ModelError, at_line
from generator.load.importers.names import Namer, sanitise
from generator.load.importers.prototxt import Field, Identifier, Message, Scalar, parse

FORMAT = "Caffe prototxt"

#: The old format's layer types (``layers { type: CONVOLUTION }``) by the names of the new one.
V1_TYPES = {
    "CONCAT": "Concat",
    "CONVOLUTION": "Convolution",
    "DROPOUT": "Dropout",
    "ELTWISE": "Eltwise",
    "FLATTEN": "Flatten",
    "INNER_PRODUCT": "InnerProduct",
    "LRN": "LRN",
    "POOLING": "Pooling",
    "RELU": "ReLU",
    "SIGMOID": "Sigmoid",
    "SOFTMAX": "Softmax",
    "SPLIT": "Split",
    "TANH": "TanH",
}
#: The same types by their numbers in the old format's enum, which a file may also write.
V1_NUMBERS = {
    3: "Concat",
    4: "Convolution",
    6: "Dropout",
    8: "Flatten",
    14: "InnerProduct",
    15: "LRN",
    17: "Pooling",
    18: "ReLU",
    19: "Sigmoid",
    20: "Softmax",
    22: "Split",
    23: "TanH",
    25: "Eltwise",
}
#: Types that read their input from a database or a file, which a deploy definition replaces
#: with an ``Input`` layer.
DATA_TYPES = frozenset(
    {"Data", "ImageData", "HDF5Data", "MemoryData", "WindowData", "DummyData", "Python"}
)


class _Problems(Exception):
    """Raised inside one layer's conversion: the layer is skipped and the walk goes on."""


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
    problems: list[str] = field(default_factory=list)
    layers: list[_Layer] = field(default_factory=list)
    blobs: dict[str, str | None] = field(default_factory=dict)
    """Each blob's current writer: a spec layer's name, ``input``, or ``None`` when the layer
    that wrote it could not be imported (readers of it are then not reported again)."""
    namer: Namer = field(default_factory=Namer)
    input: tuple[int, int, int] | None = None
    input_line: int = 0
    read: set[str] = field(default_factory=set)
    types: Counter[str] = field(default_factory=Counter)

    def fail(self, line: int, what: str) -> _Problems:
        self.problems.append(at_line(self.path, line, what))
        return _Problems()


# --- reading fields ---------------------------------------------------------------------------


def _where(layer: Message, name: str) -> str:
    return f"layer {name!r}" if name else f"the layer at line {layer.line}"


def _count(walk: _Walk, f: Field, what: str, *, minimum: int = 1) -> int:
    value = f.value
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "a positive" if minimum == 1 else "a non-negative"
        raise walk.fail(
            f.line, f"{what}: field {f.name!r} must be {kind} whole number, got {_shown(value)}"
        )
    return value


def _shown(value: Scalar | Message) -> str:
    if isinstance(value, Message):
        return "a message { ... }"
    if isinstance(value, Identifier):
        return str(value)
    return repr(value)


def _number(walk: _Walk, f: Field, what: str) -> float:
    value = f.value
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise walk.fail(
            f.line, f"{what}: field {f.name!r} must be a non-negative number, got {_shown(value)}"
        )
    return float(value)


def _flag(walk: _Walk, f: Field, what: str) -> bool:
    if f.value in ("true", "false") and isinstance(f.value, Identifier):
        return f.value == "true"
    if f.value in (0, 1) and not isinstance(f.value, float):
        return bool(f.value)
    raise walk.fail(
        f.line, f"{what}: field {f.name!r} must be true or false, got {_shown(f.value)}"
    )


def _word(walk: _Walk, f: Field, what: str, allowed: tuple[str, ...]) -> str:
    if isinstance(f.value, str) and f.value in allowed:
        return f.value
    raise walk.fail(
        f.line,
        f"{what}: field {f.name!r} must be one of {', '.join(allowed)}, got {_shown(f.value)}",
    )


def _params(walk: _Walk, layer: Message, name: str, what: str) -> Message:
    """The layer's ``name`` message (``convolution_param``), or an empty one."""
    found = list(layer.all(name))
    for f in found:
        if not isinstance(f.value, Message):
            raise walk.fail(f.line, f"{what}: field {name!r} must be a message {{ ... }}")
    if len(found) > 1:
        raise walk.fail(found[1].line, f"{what}: field {name!r} is given twice")
    if found:
        assert isinstance(found[0].value, Message)
        return found[0].value
    return Message((), layer.line)


def _single(walk: _Walk, params: Message, name: str, what: str) -> Field | None:
    found = list(params.all(name))
    if len(found) > 1:
        raise walk.fail(found[1].line, f"{what}: field {name!r} is given twice")
    return found[0] if found else None


def _pair(
    walk: _Walk, params: Message, name: str, what: str, default: int, *, minimum: int = 1
) -> int | tuple[int, int]:
    """A window setting: ``name`` (once, or twice for height then width) or ``name_h``/``name_w``."""
    values = [_count(walk, f, what, minimum=minimum) for f in params.all(name)]
    stem = name.removesuffix("_size")  # kernel_size has kernel_h and kernel_w
    h, w = params.first(f"{stem}_h"), params.first(f"{stem}_w")
    if h is not None or w is not None:
        if values or h is None or w is None:
            line = (h or w or params).line
            raise walk.fail(
                line, f"{what}: give {name} or both {stem}_h and {stem}_w, not a mix of them"
            )
        values = [_count(walk, h, what, minimum=minimum), _count(walk, w, what, minimum=minimum)]
    if len(values) > 2:
        raise walk.fail(
            params.line, f"{what}: {len(values)} values of {name}: only 2-D layers can be imported"
        )
    if not values:
        return default
    if len(values) == 1 or values[0] == values[1]:
        return values[0]
    return (values[0], values[1])


# --- one function per layer type -------------------------------------------------------------


Converted = tuple[str, dict[str, Value], str | None]
"""A layer's spec kind, its fields, and a comment to write above it."""


def _convolution(walk: _Walk, layer: Message, what: str) -> Converted:
    p = _params(walk, layer, "convolution_param", what)
    _axis(walk, p, what)
    out = _single(walk, p, "num_output", what)
    if out is None:
        raise walk.fail(p.line, f"{what}: a Convolution needs convolution_param {{ num_output }}")
    fields: dict[str, Value] = {"out_channels": _count(walk, out, what)}
    kernel = _pair(walk, p, "kernel_size", what, 0)
    if kernel == 0:
        raise walk.fail(p.line, f"{what}: a Convolution needs kernel_size or kernel_h and kernel_w")
    fields["kernel"] = kernel
    _window_fields(walk, p, what, fields)
    dilation = _pair(walk, p, "dilation", what, 1)
    if dilation != 1:
        fields["dilation"] = dilation
    group = _single(walk, p, "group", what)
    if group is not None and _count(walk, group, what) != 1:
        fields["groups"] = _count(walk, group, what)
    bias = _single(walk, p, "bias_term", what)
    if bias is not None and not _flag(walk, bias, what):
        fields["bias"] = False
    return "conv", fields, None


def _window_fields(walk: _Walk, p: Message, what: str, fields: dict[str, Value]) -> None:
    stride = _pair(walk, p, "stride", what, 1)
    if stride != 1:
        fields["stride"] = stride
    pad = _pair(walk, p, "pad", what, 0, minimum=0)
    if pad != 0:
        fields["padding"] = pad


def _axis(walk: _Walk, p: Message, what: str, *, default: int = 1, name: str = "axis") -> None:
    f = _single(walk, p, name, what)
    if f is not None and f.value not in (default, default - 4):
        raise walk.fail(
            f.line,
            f"{what}: {name} {_shown(f.value)}: only layers over the channel axis ({default}) "
            "can be imported",
        )


def _pooling(walk: _Walk, layer: Message, what: str) -> Converted:
    p = _params(walk, layer, "pooling_param", what)
    method = _single(walk, p, "pool", what)
    pool = "MAX" if method is None else _word(walk, method, what, ("MAX", "AVE", "STOCHASTIC"))
    if pool == "STOCHASTIC":
        assert method is not None
        raise walk.fail(
            method.line, f"{what}: STOCHASTIC pooling has no layer kind in the spec format"
        )
    kind = "max_pool" if pool == "MAX" else "avg_pool"
    global_ = _single(walk, p, "global_pooling", what)
    if global_ is not None and _flag(walk, global_, what):
        adaptive = "adaptive_max_pool" if pool == "MAX" else "adaptive_avg_pool"
        return adaptive, {"output": 1}, "global_pooling: one window over the whole input"
    kernel = _pair(walk, p, "kernel_size", what, 0)
    if kernel == 0:
        raise walk.fail(
            p.line,
            f"{what}: a Pooling layer needs kernel_size, kernel_h and kernel_w, or global_pooling",
        )
    fields: dict[str, Value] = {"kernel": kernel}
    # Caffe's pooling stride defaults to 1, the spec's (PyTorch's) to the kernel: always say it.
    fields["stride"] = _pair(walk, p, "stride", what, 1)
    pad = _pair(walk, p, "pad", what, 0, minimum=0)
    if pad != 0:
        fields["padding"] = pad
    rounding = "ceil"
    mode = _single(walk, p, "round_mode", what)
    if mode is not None and _word(walk, mode, what, ("CEIL", "FLOOR")) == "FLOOR":
        rounding = "floor"
    if rounding != "floor":
        fields["rounding"] = rounding
    return kind, fields, None


def _lrn(walk: _Walk, layer: Message, what: str) -> Converted:
    p = _params(walk, layer, "lrn_param", what)
    region = _single(walk, p, "norm_region", what)
    if (
        region is not None
        and _word(walk, region, what, ("ACROSS_CHANNELS", "WITHIN_CHANNEL")) != "ACROSS_CHANNELS"
    ):
        raise walk.fail(
            region.line,
            f"{what}: WITHIN_CHANNEL normalisation has no layer kind in the spec format",
        )
    size = _single(walk, p, "local_size", what)
    fields: dict[str, Value] = {"size": 5 if size is None else _count(walk, size, what)}
    # Caffe's defaults (caffe.proto's LRNParameter), which are not the spec's for alpha.
    for name, key, default in (("alpha", "alpha", 1.0), ("beta", "beta", 0.75), ("k", "k", 1.0)):
        f = _single(walk, p, name, what)
        fields[key] = default if f is None else _number(walk, f, what)
    return "lrn", fields, None


def _relu(walk: _Walk, layer: Message, what: str) -> Converted:
    p = _params(walk, layer, "relu_param", what)
    slope = _single(walk, p, "negative_slope", what)
    if slope is not None and _number(walk, slope, what) != 0:
        return "leaky_relu", {}, f"negative_slope {slope.value}"
    return "relu", {}, None


def _inner_product(walk: _Walk, layer: Message, what: str) -> Converted:
    p = _params(walk, layer, "inner_product_param", what)
    _axis(walk, p, what)
    out = _single(walk, p, "num_output", what)
    if out is None:
        raise walk.fail(
            p.line, f"{what}: an InnerProduct needs inner_product_param {{ num_output }}"
        )
    fields: dict[str, Value] = {"out_features": _count(walk, out, what)}
    bias = _single(walk, p, "bias_term", what)
    if bias is not None and not _flag(walk, bias, what):
        fields["bias"] = False
    return "fc", fields, None


def _dropout(walk: _Walk, layer: Message, what: str) -> Converted:
    p = _params(walk, layer, "dropout_param", what)
    ratio = _single(walk, p, "dropout_ratio", what)
    value = 0.5 if ratio is None else _number(walk, ratio, what)
    if not value < 1:
        assert ratio is not None
        raise walk.fail(ratio.line, f"{what}: dropout_ratio must be less than 1, got {value}")
    return "dropout", {"p": value}, None


def _concat(walk: _Walk, layer: Message, what: str) -> Converted:
    p = _params(walk, layer, "concat_param", what)
    _axis(walk, p, what)
    _axis(walk, p, what, name="concat_dim")
    return "concat", {}, None


def _eltwise(walk: _Walk, layer: Message, what: str) -> Converted:
    p = _params(walk, layer, "eltwise_param", what)
    operation = _single(walk, p, "operation", what)
    if operation is not None and _word(walk, operation, what, ("SUM", "PROD", "MAX")) != "SUM":
        raise walk.fail(
            operation.line,
            f"{what}: Eltwise {operation.value} has no layer kind in the spec format (SUM has: add)",
        )
    coefficients = [f.value for f in p.all("coeff")]
    if any(c != 1 for c in coefficients):
        shown = ", ".join(str(c) for c in coefficients)
        return (
            "add",
            {},
            f"a weighted sum (coeff {shown}); the spec's add has the same shape and counts",
        )
    return "add", {}, None


def _batch_norm(walk: _Walk, layer: Message, what: str) -> Converted:
    return "batch_norm", {"affine": False}, None


def _softmax(walk: _Walk, layer: Message, what: str) -> Converted:
    _axis(walk, _params(walk, layer, "softmax_param", what), what)
    return "softmax", {}, None


def _flatten(walk: _Walk, layer: Message, what: str) -> Converted:
    _axis(walk, _params(walk, layer, "flatten_param", what), what)
    return "flatten", {}, None


def _activation(walk: _Walk, layer: Message, what: str) -> Converted:
    """``Sigmoid``, ``TanH``, ``ELU``: the spec's kinds of the same names, in lower case."""
    f = _single(walk, layer, "type", what)
    assert f is not None
    return str(f.value).lower(), {}, None


#: Each Caffe layer type the spec format can express, and how.
CONVERTERS: dict[str, Callable[[_Walk, Message, str], Converted]] = {
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
    "Sigmoid": _activation,
    "TanH": _activation,
    "ELU": _activation,
}
#: Types whose layers read two or more blobs.
MERGES = frozenset({"Concat", "Eltwise"})
#: Every type the importer reads, for the message about one it does not.
KNOWN = (*CONVERTERS, "Scale (after BatchNorm)", "Split", "Input")


# --- the walk ---------------------------------------------------------------------------------


def _text_field(walk: _Walk, layer: Message, name: str, what: str) -> Field | None:
    f = _single(walk, layer, name, what)
    if f is not None and (not isinstance(f.value, str) or isinstance(f.value, Identifier)):
        raise walk.fail(
            f.line, f"{what}: field {name!r} must be a quoted string, got {_shown(f.value)}"
        )
    return f


def _type(walk: _Walk, layer: Message, what: str, old: bool) -> str:
    f = _single(walk, layer, "type", what)
    if f is None:
        raise walk.fail(layer.line, f"{what}: no type")
    value = f.value
    if old and isinstance(value, int) and not isinstance(value, bool):
        return V1_NUMBERS.get(value, f"type {value}")
    if old and isinstance(value, Identifier):
        return V1_TYPES.get(value, str(value))
    if isinstance(value, str) and not isinstance(value, Identifier):
        return value
    raise walk.fail(
        f.line, f"{what}: field 'type' must be a quoted layer type, got {_shown(value)}"
    )


def _blobs(walk: _Walk, layer: Message, name: str, what: str) -> list[tuple[str, int]]:
    found = []
    for f in layer.all(name):
        if not isinstance(f.value, str) or isinstance(f.value, Identifier):
            raise walk.fail(
                f.line, f"{what}: field {name!r} must be a quoted blob name, got {_shown(f.value)}"
            )
        found.append((f.value, f.line))
    return found


def _training_only(layer: Message) -> bool:
    """Whether a layer is included only in the TRAIN phase (``include { phase: TRAIN }``)."""
    phases = [f.value for rule in layer.messages("include") for f in rule.all("phase")]
    return bool(phases) and "TEST" not in phases


def _shape(walk: _Walk, dims: list[Field], line: int, what: str) -> tuple[int, int, int]:
    values = [_count(walk, f, what) for f in dims]
    if len(values) != 4:
        raise walk.fail(
            line,
            f"{what}: {len(values)} dimensions; an image input has 4 (batch, channels, height, width)",
        )
    return values[1], values[2], values[3]


def _set_input(walk: _Walk, blob: str, shape: tuple[int, int, int], line: int) -> None:
    if walk.input is not None:
        raise walk.fail(
            line,
            f"a second input, {blob!r} (the first is at line {walk.input_line}): the spec format "
            "has one input image",
        )
    walk.input, walk.input_line = shape, line
    walk.blobs[blob] = INPUT


def _net_inputs(walk: _Walk, net: Message) -> None:
    """``input: "data"`` with ``input_dim`` ×4 or an ``input_shape { dim … }`` per input."""
    names = list(net.all("input"))
    dims = list(net.all("input_dim"))
    shapes = list(net.messages("input_shape"))
    for index, f in enumerate(names):
        if not isinstance(f.value, str) or isinstance(f.value, Identifier):
            raise walk.fail(
                f.line, f"field 'input' must be a quoted blob name, got {_shown(f.value)}"
            )
        what = f"input {f.value!r}"
        if index < len(shapes):
            shape = _shape(walk, list(shapes[index].all("dim")), shapes[index].line, what)
        elif dims:
            shape = _shape(walk, dims[4 * index : 4 * index + 4], f.line, what)
        else:
            raise walk.fail(f.line, f"{what}: no input_shape or input_dim gives its size")
        _set_input(walk, f.value, shape, f.line)


def _layer(walk: _Walk, layer: Message, old: bool) -> None:
    name_field = _text_field(walk, layer, "name", f"the layer at line {layer.line}")
    caffe_name = str(name_field.value) if name_field else ""
    what = _where(layer, caffe_name)
    kind = _type(walk, layer, what, old)
    if _training_only(layer):
        return
    walk.types[kind] += 1
    bottoms = _blobs(walk, layer, "bottom", what)
    tops = _blobs(walk, layer, "top", what)
    if kind == "Input":
        p = _params(walk, layer, "input_param", what)
        shapes = list(p.messages("shape"))
        if len(tops) != 1 or len(shapes) != 1:
            raise walk.fail(layer.line, f"{what}: an Input layer must have one top and one shape")
        _set_input(
            walk,
            tops[0][0],
            _shape(walk, list(shapes[0].all("dim")), shapes[0].line, what),
            layer.line,
        )
        return
    if kind in DATA_TYPES:
        raise walk.fail(
            layer.line,
            f"{what}: a {kind} layer reads its data from a file or database; import a deploy "
            "definition, which has an Input layer (or input_shape) instead",
        )
    readers = [_reader(walk, blob, line, what) for blob, line in bottoms]
    if not bottoms:
        raise walk.fail(layer.line, f"{what}: no bottom: the layer reads nothing")
    if None in readers:
        for blob, _ in tops:
            walk.blobs[blob] = None
        return
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
        for blob, _ in tops:
            walk.blobs[blob] = None
        raise walk.fail(
            (_single(walk, layer, "type", what) or layer).line,
            f"{what}: layer type {kind!r} has no layer kind in the spec format; the importer "
            f"reads {', '.join(KNOWN)}",
        )
    if len(tops) != 1:
        raise walk.fail(layer.line, f"{what}: {len(tops)} tops; a {kind} layer writes one")
    if kind not in MERGES and len(inputs) != 1:
        raise walk.fail(layer.line, f"{what}: {len(inputs)} bottoms; a {kind} layer reads one")
    if kind in MERGES and len(inputs) < 2:
        raise walk.fail(layer.line, f"{what}: a {kind} layer needs two or more bottoms")
    try:
        spec_kind, fields, comment = convert(walk, layer, what)
    except _Problems:
        walk.blobs[tops[0][0]] = None
        raise
    name = walk.namer.unique(sanitise(caffe_name, kind.lower()))
    origin = at_line(walk.path, layer.line, what)
    walk.layers.append(_Layer(name, spec_kind, fields, inputs, origin, comment, kind))
    walk.read.update(inputs)
    walk.blobs[tops[0][0]] = name


def _reader(walk: _Walk, blob: str, line: int, what: str) -> str | None:
    if blob not in walk.blobs:
        raise walk.fail(
            line, f"{what}: reads blob {blob!r}, which no layer or input before it writes"
        )
    return walk.blobs[blob]


def _scale(
    walk: _Walk, layer: Message, what: str, inputs: tuple[str, ...], tops: list[tuple[str, int]]
) -> None:
    """A Scale after a BatchNorm: the BatchNorm's learned scale and shift (``affine``)."""
    before = next((b for b in reversed(walk.layers) if b.name == inputs[0]), None)
    p = _params(walk, layer, "scale_param", what)
    bias = _single(walk, p, "bias_term", what)
    if (
        len(inputs) != 1
        or len(tops) != 1
        or before is None
        or before.caffe_type != "BatchNorm"
        or before.fields.get("affine") is not False
        or before.name in walk.read
    ):
        for blob, _ in tops:
            walk.blobs[blob] = None
        raise walk.fail(
            layer.line,
            f"{what}: a Scale layer can be imported only right after a BatchNorm, as its learned "
            "scale and shift (a batch_norm layer)",
        )
    if bias is None or not _flag(walk, bias, what):
        walk.blobs[tops[0][0]] = None
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


def _walk(net: Message, path: str) -> _Walk:
    walk = _Walk(path)
    new, old = list(net.all("layer")), list(net.all("layers"))
    if new and old:
        walk.fail(old[0].line, "both 'layer' and the older 'layers' fields: a file uses one")
        return walk
    try:
        _net_inputs(walk, net)
    except _Problems:
        return walk
    for f in new or old:
        if not isinstance(f.value, Message):
            walk.fail(f.line, f"field {f.name!r} must be a message {{ ... }}")
            continue
        try:
            _layer(walk, f.value, old=bool(old))
        except _Problems:
            continue
    if not walk.problems and walk.input is None:
        walk.fail(0, "no input: add an Input layer, or input with input_shape or input_dim")
    if not walk.problems and not walk.layers:
        walk.fail(0, "no layers")
    return walk


def _states(walk: _Walk) -> str:
    assert walk.input is not None
    c, h, w = walk.input
    counts = [f"{n} {t}" for t, n in walk.types.items() if t != "Input"]
    listed = ", ".join(counts[:-1]) + (" and " if len(counts) > 1 else "") + counts[-1]
    return f"The network definition: a {c}×{h}×{w} input (one image); {listed} layers."


def to_draft(text: str, path: Path, *, shown: str) -> Draft:
    """The draft of a prototxt's network; ``shown`` is how messages name the file."""
    net = parse(text, shown)
    walk = _walk(net, shown)
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
            "Caffe rounds convolution output sizes down and pooling output sizes up: pooling "
            "layers say rounding: ceil.",
        ),
    )
