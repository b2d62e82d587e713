"""Reading the fields of a Caffe layer: typed values, or a located problem.

Each reader takes a field (or the message holding it), checks that its value is what Caffe's
``caffe.proto`` declares (a positive whole number, a flag, one word of an enum…) and returns it;
anything else is reported on the field's line through the walk's :meth:`Reporter.fail`, which
stops that one layer (:class:`LayerFailed`) and lets the walk go on to the next. Messages name a
field as the file writes it (:attr:`Field.shown`), so that a V0 ``kernelsize`` read as
``kernel_size`` is reported as ``kernelsize``.
"""

from __future__ import annotations

from typing import Protocol

from generator.load.importers.prototxt import Field, Identifier, Message, Scalar
from generator.spec.errors import suggest

#: The fields of each parameter message the importer reads, as ``caffe.proto`` declares them
#: (BVLC/caffe at 9b89154, ``src/caffe/proto/caffe.proto``). A field not among them is a typo or
#: a Caffe fork's own, and either may change the layer's shape, so it is reported, not skipped:
#: a ``strde: 2`` read as nothing would import a stride of 1.
DECLARED: dict[str, frozenset[str]] = {
    name: frozenset(fields.split())
    for name, fields in {
        "convolution_param": "num_output bias_term pad kernel_size stride dilation pad_h pad_w "
        "kernel_h kernel_w stride_h stride_w group weight_filler bias_filler engine axis "
        "force_nd_im2col",
        "pooling_param": "pool pad pad_h pad_w kernel_size kernel_h kernel_w stride stride_h "
        "stride_w engine global_pooling round_mode",
        "inner_product_param": "num_output bias_term weight_filler bias_filler axis transpose",
        "lrn_param": "local_size alpha beta norm_region k engine",
        "crop_param": "axis offset",
        "concat_param": "axis concat_dim",
        "eltwise_param": "operation coeff stable_prod_grad",
        "prelu_param": "filler channel_shared",
        "relu_param": "negative_slope engine",
        "dropout_param": "dropout_ratio",
        "batch_norm_param": "use_global_stats moving_average_fraction eps",
        "softmax_param": "engine axis",
        "flatten_param": "axis end_axis",
        "elu_param": "alpha",
        "scale_param": "axis num_axes filler bias_term bias_filler",
        "sigmoid_param": "engine",
        "tanh_param": "engine",
    }.items()
}
#: Fields of Caffe forks that real model files use, each read as BVLC's equivalent: the
#: ``ceil_mode`` of the fork DenseNet-Caffe and others were written for (``false``: BVLC's
#: ``round_mode: FLOOR``).
FORK_FIELDS: dict[str, frozenset[str]] = {"pooling_param": frozenset({"ceil_mode"})}


class LayerFailed(Exception):
    """Raised inside one layer's conversion: the layer was reported, and the walk goes on."""


class Reporter(Protocol):
    """Where problems go: the walk over a file's layers."""

    def fail(self, line: int, what: str) -> LayerFailed:
        """Record ``what`` at ``line``; the returned exception stops the layer."""
        ...  # pragma: no cover - a protocol


def as_written(value: Scalar | Message) -> str:
    """A value as a message quotes it."""
    if isinstance(value, Message):
        return "a message { ... }"
    if isinstance(value, Identifier):
        return str(value)
    return repr(value)


def count(walk: Reporter, f: Field, what: str, *, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (1: positive, 0: non-negative)."""
    value = f.value
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        kind = "a positive" if minimum == 1 else "a non-negative"
        raise walk.fail(
            f.line,
            f"{what}: field {f.shown!r} must be {kind} whole number, got {as_written(value)}",
        )
    return value


def number(walk: Reporter, f: Field, what: str) -> float:
    """A non-negative number, whole or not."""
    value = f.value
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise walk.fail(
            f.line,
            f"{what}: field {f.shown!r} must be a non-negative number, got {as_written(value)}",
        )
    return float(value)


def flag(walk: Reporter, f: Field, what: str) -> bool:
    """``true``/``false`` (or 1/0, which the text format allows for a bool)."""
    if f.value in ("true", "false") and isinstance(f.value, Identifier):
        return f.value == "true"
    if f.value in (0, 1) and not isinstance(f.value, float):
        return bool(f.value)
    raise walk.fail(
        f.line, f"{what}: field {f.shown!r} must be true or false, got {as_written(f.value)}"
    )


def word(walk: Reporter, f: Field, what: str, allowed: tuple[str, ...]) -> str:
    """One of an enum's ``allowed`` words."""
    if isinstance(f.value, str) and f.value in allowed:
        return f.value
    raise walk.fail(
        f.line,
        f"{what}: field {f.shown!r} must be one of {', '.join(allowed)}, got {as_written(f.value)}",
    )


def params(walk: Reporter, layer: Message, name: str, what: str) -> Message:
    """The layer's ``name`` message (``convolution_param``), or an empty one."""
    found = list(layer.all(name))
    for f in found:
        if not isinstance(f.value, Message):
            raise walk.fail(f.line, f"{what}: field {f.shown!r} must be a message {{ ... }}")
    if len(found) > 1:
        raise walk.fail(found[1].line, f"{what}: field {found[1].shown!r} is given twice")
    if not found:
        return Message((), layer.line)
    message = found[0].value
    assert isinstance(message, Message)
    declared = DECLARED.get(name)
    if declared is not None:
        known = declared | FORK_FIELDS.get(name, frozenset())
        for f in message.fields:
            if f.name not in known:
                raise walk.fail(
                    f.line,
                    f"{what}: {name} has no field {f.shown!r} in Caffe's caffe.proto"
                    f"{suggest(f.name, known)}",
                )
    return message


def single(walk: Reporter, message: Message, name: str, what: str) -> Field | None:
    """The one value of field ``name``, or ``None``; twice is a problem."""
    found = list(message.all(name))
    if len(found) > 1:
        raise walk.fail(found[1].line, f"{what}: field {found[1].shown!r} is given twice")
    return found[0] if found else None


def pair(
    walk: Reporter, message: Message, name: str, what: str, default: int, *, minimum: int = 1
) -> int | tuple[int, int]:
    """A window setting: ``name`` (once, or twice for height then width) or ``name_h``/``name_w``."""
    values = [count(walk, f, what, minimum=minimum) for f in message.all(name)]
    stem = name.removesuffix("_size")  # kernel_size has kernel_h and kernel_w
    h, w = message.first(f"{stem}_h"), message.first(f"{stem}_w")
    if h is not None or w is not None:
        if values or h is None or w is None:
            line = (h or w or message).line
            raise walk.fail(
                line, f"{what}: give {name} or both {stem}_h and {stem}_w, not a mix of them"
            )
        values = [count(walk, h, what, minimum=minimum), count(walk, w, what, minimum=minimum)]
    if len(values) > 2:
        raise walk.fail(
            message.line,
            f"{what}: {len(values)} values of {name}: only 2-D layers can be imported",
        )
    if not values:
        return default
    if len(values) == 1 or values[0] == values[1]:
        return values[0]
    return (values[0], values[1])


def string(walk: Reporter, message: Message, name: str, what: str) -> Field | None:
    """The one value of ``name``, which must be a quoted string."""
    f = single(walk, message, name, what)
    if f is not None and (not isinstance(f.value, str) or isinstance(f.value, Identifier)):
        raise walk.fail(
            f.line, f"{what}: field {f.shown!r} must be a quoted string, got {as_written(f.value)}"
        )
    return f


def blobs(walk: Reporter, layer: Message, name: str, what: str) -> list[tuple[str, int]]:
    """Every ``bottom`` (or ``top``) blob of a layer, with its line."""
    found = []
    for f in layer.all(name):
        if not isinstance(f.value, str) or isinstance(f.value, Identifier):
            raise walk.fail(
                f.line,
                f"{what}: field {f.shown!r} must be a quoted blob name, got {as_written(f.value)}",
            )
        found.append((f.value, f.line))
    return found


def written_tops(layer: Message) -> list[str]:
    """The blobs a layer writes, read leniently: for marking them when the layer fails."""
    return [
        f.value
        for f in layer.all("top")
        if isinstance(f.value, str) and not isinstance(f.value, Identifier)
    ]


def image_shape(walk: Reporter, dims: list[Field], line: int, what: str) -> tuple[int, int, int]:
    """Channels, height and width of a ``batch × channels × height × width`` shape."""
    values = [count(walk, f, what) for f in dims]
    if len(values) != 4:
        raise walk.fail(
            line,
            f"{what}: {len(values)} dimensions; an image input has 4 "
            "(batch, channels, height, width)",
        )
    return values[1], values[2], values[3]
