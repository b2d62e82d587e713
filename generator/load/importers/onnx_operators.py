"""One function per ONNX operator the spec format can express: :data:`HANDLERS`.

Each handler reads one node on the image's path and adds the layer it is (or, for a ``Pad`` or an
``Unsqueeze``, a value the next node completes); what it cannot express it reports on the node,
and the walk goes on. Three patterns span several nodes. A ``Pad`` of zeros before a convolution
or pooling becomes that layer's padding; a ``MatMul`` whose only reader adds a constant vector is
a fully connected layer with a bias; and ``Unsqueeze``s stacked by a ``Concat`` and summed by a
``ReduceSum`` over the new axis (PyTorch's ``torch.stack(xs).sum(0)``) are an ``add``.

ONNX writes ``pads`` as ``[top, left, bottom, right]`` (all the starts, then all the ends),
``ceil_mode`` as the spec's ``ceil`` (the operator drops a last window that would start in the
padding, as PyTorch does), and ``auto_pad`` ``SAME_UPPER`` as TensorFlow's ``same``. ONNX's shape
inference keeps a ``ceil_mode`` window that starts in the padding, which the operator itself
drops; where that is the only difference, the layer says so in a comment and the operator's size
is the one checked.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import onnx

from generator.core import rules
from generator.load.importers.draft import Expected, Value
from generator.load.importers.onnx_graph import (
    Constant,
    Flow,
    OnnxWalk,
    Padded,
    PendingLayer,
    Stacked,
    State,
    attributes,
)
from generator.spec.models import Activation, Rounding

#: The spec's elementwise activations by their ONNX operators, which name them alike
#: (``leaky_relu`` is ``LeakyRelu``).
ACTIVATIONS = {
    "".join(part.capitalize() for part in kind.split("_")): kind
    for kind in typing.get_args(Activation.model_fields["kind"].annotation)
}


# --- what the handlers share ------------------------------------------------------------------


def _pair(values: Sequence[int]) -> int | tuple[int, int]:
    return values[0] if values[0] == values[1] else (values[0], values[1])


def _padding(sides: tuple[int, int, int, int]) -> Value | None:
    """``(top, left, bottom, right)`` as the spec writes it, ``None`` for none."""
    top, left, bottom, right = sides
    if top == left == bottom == right:
        return top or None
    if top == bottom and left == right:
        return (top, left)
    return {"top": top, "bottom": bottom, "left": left, "right": right}


def _image(m: OnnxWalk, node: onnx.NodeProto, index: int = 0) -> int | str:
    """The layer whose output the node reads at ``index``; anything else fails the node."""
    state = m.state(node.input[index])
    if isinstance(state, Flow):
        return state.layer
    raise m.fail(node, _unexpected(state, index))


def _unexpected(state: State, index: int) -> str:
    if isinstance(state, Padded):
        return (
            f"input {index} is the zero padding of node {state.node!r}; only a convolution or "
            "a pooling can take a padding"
        )
    if isinstance(state, Stacked):
        return (
            f"input {index} is a stack made by node {state.node!r}; only a sum over the stacked "
            "axis (ReduceSum) can be imported"
        )
    return f"input {index} is a constant where the image was expected"


def _add(
    m: OnnxWalk,
    node: onnx.NodeProto,
    kind: str,
    fields: dict[str, Value],
    inputs: tuple[int | str, ...],
    *,
    weights: Sequence[str] = (),
    output: str | None = None,
    comment: str | None = None,
    shape: tuple[int, ...] | None = None,
) -> None:
    """A new layer from ``node``; its output tensor carries the image on."""
    tensor = output or node.output[0]
    params = None
    if weights:
        params = sum(math.prod(m.weight_shape(node, w)) for w in weights)
    expected = Expected(
        shape=shape if shape is not None else _one_image(m, tensor),
        params=params,
        weights=tuple(weights),
    )
    m.layers.append(PendingLayer(node, kind, fields, inputs, expected, comment))
    m.states[tensor] = Flow(len(m.layers) - 1)


def _one_image(m: OnnxWalk, tensor: str) -> tuple[int, ...] | None:
    shape = m.shape(tensor)
    if shape is None or len(shape) < 2 or any(d is None for d in shape[1:]):
        return None
    return tuple(d for d in shape[1:] if d is not None)


@dataclass(frozen=True, slots=True)
class _Window:
    """What a convolution and a pooling share: the input, the window and its padding."""

    source: int | str
    kernel: tuple[int, int]
    strides: tuple[int, int]
    dilations: tuple[int, int]
    sides: tuple[int, int, int, int] | str
    """``(top, left, bottom, right)``, or ``same`` (ONNX's ``SAME_UPPER``)."""
    padded: bool
    """Whether a ``Pad`` node before it was taken into the padding."""

    def fields(self, *, pooling: bool) -> dict[str, Value]:
        """``kernel``, ``stride``, ``padding``, ``dilation``: what differs from the defaults."""
        fields: dict[str, Value] = {"kernel": _pair(self.kernel)}
        # A pooling's stride defaults to its kernel in the spec, to 1 in ONNX: always say it.
        if pooling or self.strides != (1, 1):
            fields["stride"] = _pair(self.strides)
        padding = self.sides if isinstance(self.sides, str) else _padding(self.sides)
        if padding is not None:
            fields["padding"] = padding
        if self.dilations != (1, 1):
            fields["dilation"] = _pair(self.dilations)
        return fields


def _two(m: OnnxWalk, node: onnx.NodeProto, values: Sequence[int], what: str) -> tuple[int, int]:
    if len(values) != 2:
        raise m.fail(node, f"{what} {list(values)}: only 2-D layers can be imported")
    return int(values[0]), int(values[1])


def _window(
    m: OnnxWalk, node: onnx.NodeProto, kernel: Sequence[int], attrs: Mapping[str, Any]
) -> _Window:
    state = m.state(node.input[0])
    extra = (0, 0, 0, 0)
    if isinstance(state, Padded):
        extra = state.sides
        source: int | str = state.layer
    else:
        source = _image(m, node)
    window = _Window(
        source,
        _two(m, node, kernel, "kernel_shape"),
        _two(m, node, attrs.get("strides", [1, 1]), "strides"),
        _two(m, node, attrs.get("dilations", [1, 1]), "dilations"),
        (0, 0, 0, 0),
        isinstance(state, Padded),
    )
    auto_pad = attrs.get("auto_pad", "NOTSET")
    pads = list(attrs.get("pads", [0, 0, 0, 0]))
    if len(pads) != 4:
        raise m.fail(node, f"pads {pads}: a 2-D window has 4")
    sides: tuple[int, int, int, int] | str
    if auto_pad in ("NOTSET", ""):
        sides = (pads[0], pads[1], pads[2], pads[3])
    elif auto_pad == "VALID":
        sides = (0, 0, 0, 0)
    elif auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        sides = _same(m, node, auto_pad, window, extra)
    else:
        raise m.fail(node, f"auto_pad {auto_pad!r} is not one ONNX defines")
    if isinstance(sides, tuple):
        sides = (
            sides[0] + extra[0],
            sides[1] + extra[1],
            sides[2] + extra[2],
            sides[3] + extra[3],
        )
        if min(sides) < 0:
            raise m.fail(node, f"negative padding {list(sides)}: a crop has no layer kind")
    return replace(window, sides=sides)


def _same(
    m: OnnxWalk,
    node: onnx.NodeProto,
    auto_pad: str,
    window: _Window,
    extra: tuple[int, int, int, int],
) -> tuple[int, int, int, int] | str:
    """``SAME_UPPER`` is the spec's ``same``; ``SAME_LOWER`` puts the odd pixel first instead."""
    if auto_pad == "SAME_UPPER" and extra == (0, 0, 0, 0):
        return "same"
    shape = m.shape(node.input[0])
    if shape is None or len(shape) != 4 or shape[2] is None or shape[3] is None:
        raise m.fail(
            node, f"auto_pad {auto_pad} needs the input's size, which shape inference does not give"
        )
    h_pad, w_pad = (
        rules.same_padding(size, rules.effective_kernel(k, d), s)
        for size, k, d, s in zip(
            (shape[2], shape[3]), window.kernel, window.dilations, window.strides, strict=True
        )
    )
    if auto_pad == "SAME_LOWER":
        h_pad, w_pad = (h_pad[1], h_pad[0]), (w_pad[1], w_pad[0])
    return (h_pad[0], w_pad[0], h_pad[1], w_pad[1])


def _conv(m: OnnxWalk, node: onnx.NodeProto) -> None:
    attrs = attributes(node)
    weight = m.weight_shape(node, node.input[1])
    if len(weight) != 4:
        raise m.fail(
            node, f"a weight of shape {list(weight)}; only 2-D convolutions can be imported"
        )
    window = _window(m, node, attrs.get("kernel_shape", weight[2:]), attrs)
    fields: dict[str, Value] = {"out_channels": weight[0], **window.fields(pooling=False)}
    group = int(attrs.get("group", 1))
    if group != 1:
        fields["groups"] = group
    has_bias = len(node.input) > 2 and bool(node.input[2])
    if not has_bias:
        fields["bias"] = False
    weights = [node.input[1], *([node.input[2]] if has_bias else [])]
    _add(m, node, "conv", fields, (window.source,), weights=weights)


def _conv_transpose(m: OnnxWalk, node: onnx.NodeProto) -> None:
    """A transposed convolution: its weight is ``C_in × C_out/group × k_h × k_w``, its ``pads``
    taken off both ends of each axis (the same at both, as PyTorch's and Caffe's are)."""
    attrs = attributes(node)
    source = _image(m, node)
    weight = m.weight_shape(node, node.input[1])
    if len(weight) != 4:
        raise m.fail(
            node,
            f"a weight of shape {list(weight)}; only 2-D transposed convolutions can be imported",
        )
    if "output_shape" in attrs or attrs.get("auto_pad", "NOTSET") not in ("NOTSET", ""):
        raise m.fail(
            node,
            "an output_shape or auto_pad, from which ONNX works out the padding; only pads can "
            "be imported (PyTorch's exporter writes them)",
        )
    pads = [int(p) for p in attrs.get("pads", [0, 0, 0, 0])]
    if len(pads) != 4 or pads[:2] != pads[2:]:
        raise m.fail(
            node,
            f"pads {pads}: a transposed convolution's padding is the same at both ends of an axis",
        )
    group = int(attrs.get("group", 1))
    fields: dict[str, Value] = {
        "out_channels": weight[1] * group,
        "kernel": _pair(_two(m, node, attrs.get("kernel_shape", weight[2:]), "kernel_shape")),
    }
    settings = (
        ("stride", attrs.get("strides", [1, 1]), 1),
        ("padding", pads[:2], 0),
        ("output_padding", attrs.get("output_padding", [0, 0]), 0),
        ("dilation", attrs.get("dilations", [1, 1]), 1),
    )
    for name, values, default in settings:
        value = _pair(_two(m, node, values, name))
        if value != default:
            fields[name] = value
    if group != 1:
        fields["groups"] = group
    has_bias = len(node.input) > 2 and bool(node.input[2])
    if not has_bias:
        fields["bias"] = False
    weights = [node.input[1], *([node.input[2]] if has_bias else [])]
    _add(m, node, "conv_transpose", fields, (source,), weights=weights)


def _pool(m: OnnxWalk, node: onnx.NodeProto) -> None:
    attrs = attributes(node)
    if len(node.output) > 1 and node.output[1] and m.readers.get(node.output[1]):
        raise m.fail(
            node,
            "its second output (the indices of the maxima) is read; the spec has no such output",
        )
    window = _window(m, node, attrs.get("kernel_shape", []), attrs)
    kind = "max_pool" if node.op_type == "MaxPool" else "avg_pool"
    fields = window.fields(pooling=True)
    comment, shape = None, None
    if attrs.get("ceil_mode", 0):
        fields["rounding"] = Rounding.CEIL.value
        comment, shape = _ceil_inference(m, node, window)
    _add(m, node, kind, fields, (window.source,), comment=comment, shape=shape)


def _ceil_inference(
    m: OnnxWalk, node: onnx.NodeProto, window: _Window
) -> tuple[str | None, tuple[int, ...] | None]:
    """Where ONNX's shape inference keeps the window ``ceil_mode`` drops: the size to check."""
    inferred = _one_image(m, node.output[0])
    before = m.shape(node.input[0])
    if window.padded or isinstance(window.sides, str) or inferred is None or len(inferred) != 3:
        return None, None
    if before is None or len(before) != 4 or before[2] is None or before[3] is None:
        return None, None
    sides = window.sides
    sizes = [
        tuple(
            rules.output_size(n, rules.effective_kernel(k, d), s, p0, p1, rounding)
            for rounding in (Rounding.CEIL, Rounding.CEIL_UNCLIPPED)
        )
        for n, k, d, s, p0, p1 in zip(
            (before[2], before[3]),
            window.kernel,
            window.dilations,
            window.strides,
            sides[:2],
            sides[2:],
            strict=True,
        )
    ]
    operator = (inferred[0], sizes[0][0], sizes[1][0])
    unclipped = (inferred[0], sizes[0][1], sizes[1][1])
    if operator == inferred or unclipped != inferred:
        return None, None
    return (
        f"ONNX's shape inference gives {inferred[1]}×{inferred[2]} here: it keeps the last window, "
        "which starts in the padding; the operator (as ONNX's reference implementation and "
        f"PyTorch run it) drops it and gives {operator[1]}×{operator[2]}",
        operator,
    )


def _global_pool(m: OnnxWalk, node: onnx.NodeProto) -> None:
    kind = "adaptive_max_pool" if node.op_type == "GlobalMaxPool" else "adaptive_avg_pool"
    _add(m, node, kind, {"output": 1}, (_image(m, node),))


def _gemm(m: OnnxWalk, node: onnx.NodeProto) -> None:
    attrs = attributes(node)
    source = _image(m, node)
    if attrs.get("transA", 0):
        raise m.fail(node, "transA: a transposed input has no layer kind in the spec format")
    weight = m.weight_shape(node, node.input[1])
    if len(weight) != 2:
        raise m.fail(
            node, f"a weight of shape {list(weight)}; a fully connected layer's has 2 dimensions"
        )
    out = weight[0] if attrs.get("transB", 0) else weight[1]
    has_bias = len(node.input) > 2 and bool(node.input[2])
    fields: dict[str, Value] = {"out_features": out}
    if not has_bias:
        fields["bias"] = False
    weights = [node.input[1], *([node.input[2]] if has_bias else [])]
    _add(m, node, "fc", fields, (source,), weights=weights)


def _matmul(m: OnnxWalk, node: onnx.NodeProto) -> None:
    source = _image(m, node)
    if not isinstance(m.state(node.input[1]), Constant):
        raise m.fail(node, "a product of two images has no layer kind in the spec format")
    weight = m.weight_shape(node, node.input[1])
    if len(weight) != 2:
        raise m.fail(
            node, f"a weight of shape {list(weight)}; a fully connected layer's has 2 dimensions"
        )
    fields: dict[str, Value] = {"out_features": weight[1]}
    bias = _bias_add(m, node, weight[1])
    if bias is None:
        fields["bias"] = False
        _add(m, node, "fc", fields, (source,), weights=[node.input[1]])
        return
    add, vector = bias
    m.folded.add(add.output[0])
    _add(
        m,
        node,
        "fc",
        fields,
        (source,),
        weights=[node.input[1], vector],
        output=add.output[0],
        comment=f"MatMul and the bias Add {add.name or add.output[0]!r} after it, as one fc",
    )
    m.states[node.output[0]] = m.states[add.output[0]]


def _bias_add(m: OnnxWalk, node: onnx.NodeProto, out: int) -> tuple[onnx.NodeProto, str] | None:
    """The ``Add`` of a constant vector of ``out`` values that is the product's only reader, and
    that vector."""
    readers = m.readers.get(node.output[0], [])
    if len(readers) != 1 or readers[0].op_type != "Add":
        return None
    add = readers[0]
    others = [name for name in add.input if m.root(name) != m.root(node.output[0])]
    if len(others) != 1 or not isinstance(m.state(others[0]), Constant):
        return None
    shape = m.shape(others[0])
    if shape is None or any(d is None for d in shape):
        return None
    if math.prod(d for d in shape if d is not None) != out or max(d or 0 for d in shape) != out:
        return None
    return add, others[0]


def _binary_add(m: OnnxWalk, node: onnx.NodeProto) -> None:
    if node.output[0] in m.folded:
        return
    states = [m.state(name) for name in node.input]
    if any(isinstance(s, Constant) for s in states):
        raise m.fail(
            node,
            "adds a constant to the image: only a bias right after a MatMul can be imported",
        )
    _add(m, node, "add", {}, tuple(_image(m, node, i) for i in range(len(node.input))))


def _mul(m: OnnxWalk, node: onnx.NodeProto) -> None:
    """The element-wise product of two layers' outputs (a squeeze-and-excitation scale)."""
    states = [m.state(name) for name in node.input]
    if any(isinstance(s, Constant) for s in states):
        raise m.fail(
            node,
            "multiplies the image by a constant or a weight of its own; only the product of two "
            "layers' outputs (multiply) can be imported",
        )
    _add(m, node, "multiply", {}, tuple(_image(m, node, i) for i in range(len(node.input))))


def _prelu(m: OnnxWalk, node: onnx.NodeProto) -> None:
    """PReLU: its slope a weight of one value (shared) or of one per channel."""
    source = _image(m, node)
    slope = m.weight_shape(node, node.input[1], "slope")
    channels = (m.shape(node.input[0]) or (None, None))[1]
    values = math.prod(slope)
    if values != 1 and values != channels:
        raise m.fail(
            node,
            f"a slope of shape {list(slope)}; one slope, or one per channel ({channels}), can be "
            "imported",
        )
    fields: dict[str, Value] = {"shared": True} if values == 1 and channels != 1 else {}
    _add(m, node, "prelu", fields, (source,), weights=[node.input[1]])


#: ONNX's interpolation modes, as the spec's upsampling names them.
RESIZE_MODES = {"nearest": "nearest", "linear": "bilinear"}


def _resize(m: OnnxWalk, node: onnx.NodeProto) -> None:
    """``Resize`` (and the older ``Upsample``) of height and width by whole factors (``scales``)
    or to a size (``sizes``), nearest or linear: an upsampling."""
    attrs = attributes(node)
    source = _image(m, node)
    mode = str(attrs.get("mode", "nearest"))
    if mode not in RESIZE_MODES:
        raise m.fail(node, f"mode {mode!r}; nearest and linear (bilinear) can be imported")
    fields: dict[str, Value] = {"mode": RESIZE_MODES[mode]} if mode != "nearest" else {}
    scales, sizes = _resize_inputs(m, node, attrs)
    if sizes is not None:
        before = m.shape(node.input[0]) or ()
        if len(sizes) != 4 or tuple(sizes[:2]) != tuple(before[:2]):
            raise m.fail(
                node, f"sizes {sizes}: only the height and width of each image can be resized"
            )
        fields["size"] = _pair(sizes[2:])
    elif len(scales) != 4 or scales[:2] != [1, 1] or any(s < 1 or s % 1 for s in scales[2:]):
        raise m.fail(
            node,
            f"scales {scales}: only whole factors of the height and width can be imported",
        )
    else:
        fields["scale"] = _pair([int(s) for s in scales[2:]])
    _add(m, node, "upsample", fields, (source,))


def _resize_inputs(
    m: OnnxWalk, node: onnx.NodeProto, attrs: Mapping[str, Any]
) -> tuple[list[float], list[int] | None]:
    """The ``scales`` (as numbers) and the ``sizes`` (``None`` when not given) of a resize."""
    if node.op_type == "Upsample" and "scales" in attrs:  # opset 7
        return [float(s) for s in attrs["scales"]], None
    slot = 1 if node.op_type == "Upsample" else 2
    given = list(node.input[slot : slot + 2])
    if len(given) > 1 and given[1]:
        return [], [int(s) for s in m.value(node, given[1], "sizes").reshape(-1)]
    if not given or not given[0]:
        raise m.fail(node, "neither scales nor sizes: the output's size is not said")
    return [float(s) for s in m.value(node, given[0], "scales").reshape(-1)], None


def _concat(m: OnnxWalk, node: onnx.NodeProto) -> None:
    attrs = attributes(node)
    states = [m.state(name) for name in node.input]
    axis = int(attrs.get("axis", 1))
    if states and all(isinstance(s, Stacked) for s in states):
        stacked = [s for s in states if isinstance(s, Stacked)]
        if len({s.axis for s in stacked}) == 1 and stacked[0].axis == axis:
            layers = tuple(layer for s in stacked for layer in s.layers)
            m.states[node.output[0]] = Stacked(layers, axis, node.name or node.output[0])
            return
    shape = m.shape(node.input[0])
    rank = len(shape) if shape is not None else 4
    if axis not in (1, 1 - rank):
        raise m.fail(
            node,
            f"a concatenation along axis {axis}; only along the channels (axis 1) can be imported",
        )
    _add(m, node, "concat", {}, tuple(_image(m, node, i) for i in range(len(node.input))))


def _axes(m: OnnxWalk, node: onnx.NodeProto, attrs: Mapping[str, Any]) -> list[int]:
    if "axes" in attrs:
        return [int(a) for a in attrs["axes"]]
    if len(node.input) > 1 and node.input[1]:
        return [int(a) for a in m.value(node, node.input[1], "axes").reshape(-1)]
    return []


def _unsqueeze(m: OnnxWalk, node: onnx.NodeProto) -> None:
    source = _image(m, node)
    axes = _axes(m, node, attributes(node))
    if axes != [0]:
        raise m.fail(node, f"an Unsqueeze along axes {axes} has no layer kind in the spec format")
    m.states[node.output[0]] = Stacked((source,), 0, node.name or node.output[0])


def _reduce_sum(m: OnnxWalk, node: onnx.NodeProto) -> None:
    state = m.state(node.input[0])
    attrs = attributes(node)
    if not isinstance(state, Stacked):
        raise m.fail(node, "a sum over an axis of the image has no layer kind in the spec format")
    axes = _axes(m, node, attrs)
    if axes != [state.axis] or attrs.get("keepdims", 1):
        raise m.fail(node, "only a sum over the stacked axis, dropping it, is an add")
    _add(m, node, "add", {}, state.layers)


def _sum(m: OnnxWalk, node: onnx.NodeProto) -> None:
    inputs = tuple(_image(m, node, i) for i in range(len(node.input)))
    if len(inputs) == 1:
        m.states[node.output[0]] = Flow(inputs[0])
        return
    _add(m, node, "add", {}, inputs)


def _activation(m: OnnxWalk, node: onnx.NodeProto) -> None:
    _add(m, node, ACTIVATIONS[node.op_type], {}, (_image(m, node),))


def _lrn(m: OnnxWalk, node: onnx.NodeProto) -> None:
    attrs = attributes(node)
    if "size" not in attrs:
        raise m.fail(node, "no size: an LRN says across how many channels it normalises")
    fields: dict[str, Value] = {
        "size": int(attrs["size"]),
        "alpha": _float32(attrs.get("alpha", 1.0e-4)),
        "beta": _float32(attrs.get("beta", 0.75)),
        "k": _float32(attrs.get("bias", 1.0)),
    }
    _add(m, node, "lrn", fields, (_image(m, node),))


def _float32(value: float) -> float:
    """A float attribute as written before it was stored in 32 bits (``1e-4``, not ``9.99…e-05``)."""
    return float(str(np.float32(value)))


def _batch_norm(m: OnnxWalk, node: onnx.NodeProto) -> None:
    if any(output and m.readers.get(output) for output in node.output[1:]):
        raise m.fail(node, "its running statistics outputs are read (training mode)")
    source = _image(m, node)
    if _fixed(m, node.input[1], 1) and _fixed(m, node.input[2], 0):
        # PyTorch's BatchNorm2d(affine=False) is exported with these constants.
        comment = "its scale and shift are constants (1 and 0), not weights: it learns neither"
        _add(m, node, "batch_norm", {"affine": False}, (source,), comment=comment)
        return
    _add(m, node, "batch_norm", {}, (source,), weights=[node.input[1], node.input[2]])


def _fixed(m: OnnxWalk, name: str, value: int) -> bool:
    """Whether ``name`` is a ``Constant`` node's output (no weight) of ``value`` everywhere."""
    producer = m.producers.get(m.root(name))
    if producer is None or producer.op_type != "Constant":
        return False
    found = m.known(name)
    return found is not None and bool(np.all(found == value))


def _flatten(m: OnnxWalk, node: onnx.NodeProto) -> None:
    axis = int(attributes(node).get("axis", 1))
    shape = m.shape(node.input[0])
    rank = len(shape) if shape is not None else 4
    if axis not in (1, 1 - rank):
        raise m.fail(
            node, f"a flatten from axis {axis}; only one vector per image (axis 1) can be imported"
        )
    _add(m, node, "flatten", {}, (_image(m, node),))


def _reshape(m: OnnxWalk, node: onnx.NodeProto) -> None:
    source = _image(m, node)
    before = m.shape(node.input[0])
    after = m.shape(node.output[0])
    if before is None or any(d is None for d in before[1:]):
        raise m.fail(
            node,
            "ONNX's shape inference does not give the shape of its input, which the importer "
            "needs to read a reshape",
        )
    target = [int(d) for d in m.value(node, node.input[1], "target shape").reshape(-1)]
    values = math.prod(d for d in before[1:] if d is not None)
    if target in ([1, -1], [-1, values], [1, values], [0, -1], [0, values]) or (
        after is not None and len(after) == 2 and after[1] == values and len(target) == 2
    ):
        if len(before) == 2:
            m.states[node.output[0]] = Flow(source)
            return
        _add(m, node, "flatten", {}, (source,), shape=(values,))
        return
    if after is not None and tuple(after) == tuple(before):
        m.states[node.output[0]] = Flow(source)
        return
    raise m.fail(
        node,
        f"a reshape to {target}; only a reshape of each image to one vector can be imported",
    )


def _squeeze(m: OnnxWalk, node: onnx.NodeProto) -> None:
    source = _image(m, node)
    before = m.shape(node.input[0])
    axes = _axes(m, node, attributes(node))
    if (
        before is not None
        and len(before) == 4
        and before[2] == before[3] == 1
        and sorted(a % 4 for a in axes) in ([2, 3], [])
    ):
        _add(m, node, "flatten", {}, (source,), shape=(before[1],) if before[1] else None)
        return
    raise m.fail(node, f"a squeeze of axes {axes}; only of a 1×1 map to a vector can be imported")


def _dropout(m: OnnxWalk, node: onnx.NodeProto) -> None:
    attrs = attributes(node)
    ratio = float(attrs.get("ratio", 0.5))
    if len(node.input) > 1 and node.input[1]:
        ratio = float(m.value(node, node.input[1], "ratio").reshape(-1)[0])
    if len(node.output) > 1 and node.output[1] and m.readers.get(node.output[1]):
        raise m.fail(node, "its mask output is read; the spec has no such output")
    _add(m, node, "dropout", {"p": _float32(ratio)}, (_image(m, node),))


def _softmax(m: OnnxWalk, node: onnx.NodeProto) -> None:
    _add(m, node, "softmax", {}, (_image(m, node),))


def _pad(m: OnnxWalk, node: onnx.NodeProto) -> None:
    """A zero padding of height and width, for the convolution or pooling that reads it."""
    source = _image(m, node)
    attrs = attributes(node)
    if attrs.get("mode", "constant") != "constant":
        raise m.fail(node, f"a {attrs['mode']!r} padding; only zeros can be imported")
    if "pads" in attrs:
        pads = [int(p) for p in attrs["pads"]]
    else:
        pads = [int(p) for p in m.value(node, node.input[1], "pads").reshape(-1)]
    value = float(attrs.get("value", 0.0))
    if len(node.input) > 2 and node.input[2]:
        value = float(m.value(node, node.input[2], "padding value").reshape(-1)[0])
    if len(node.input) > 3 and node.input[3]:
        raise m.fail(node, "a padding of chosen axes (the axes input) is not read by the importer")
    readers = m.readers.get(node.output[0], [])
    if (
        len(pads) != 8
        or any(pads[i] for i in (0, 1, 4, 5))
        or value != 0
        or len(readers) != 1
        or readers[0].op_type not in ("Conv", "MaxPool", "AveragePool")
    ):
        raise m.fail(
            node,
            "only a zero padding of height and width read by one convolution or pooling can be "
            f"imported (pads {pads}, value {value:g})",
        )
    m.states[node.output[0]] = Padded(
        source, (pads[2], pads[3], pads[6], pads[7]), node.name or node.output[0]
    )


#: Each operator on the image the spec format can express, and how.
HANDLERS: Mapping[str, Callable[[OnnxWalk, onnx.NodeProto], None]] = {
    "Conv": _conv,
    "ConvTranspose": _conv_transpose,
    "MaxPool": _pool,
    "AveragePool": _pool,
    "GlobalAveragePool": _global_pool,
    "GlobalMaxPool": _global_pool,
    "Gemm": _gemm,
    "MatMul": _matmul,
    "Add": _binary_add,
    "Sum": _sum,
    "Concat": _concat,
    "Unsqueeze": _unsqueeze,
    "ReduceSum": _reduce_sum,
    **dict.fromkeys(ACTIVATIONS, _activation),
    "LRN": _lrn,
    "BatchNormalization": _batch_norm,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "Squeeze": _squeeze,
    "Dropout": _dropout,
    "Softmax": _softmax,
    "Pad": _pad,
    "Mul": _mul,
    "PRelu": _prelu,
    "Resize": _resize,
    "Upsample": _resize,
}
