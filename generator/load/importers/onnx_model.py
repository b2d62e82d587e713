"""ONNX models as drafts of specs, checked against ONNX's own shape inference.

An ONNX graph is a list of nodes in an order that computes it; each node reads tensors by name
and writes others. The importer walks the nodes once, following the tensors that carry the image
(the *flow*) from the graph's one image input (:mod:`generator.load.importers.onnx_graph`). Every
other tensor is a weight (an initializer, or a graph input read only where an operator takes
weights) or is computed from weights and fixed shapes alone (the ``Shape → Gather → Concat``
chains exporters write for a reshape or a padding): those nodes make no layer. A node on the flow
becomes a layer through :data:`~generator.load.importers.onnx_operators.HANDLERS`, one function per
operator; a node none handles is reported with its name, and the walk goes on so that all of a
model's unsupported operators are reported together.

Layers are named by their nodes: PyTorch's exporter names a node by the modules that made it
(``/features/features.0/Conv``), which becomes ``features.0``. What the model says about each
layer is kept to check the engine against: the output shape ONNX's shape inference gives (one
image, the batch dimension dropped) and the values of the weight tensors the node reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import onnx

from generator.core.engine import INPUT
from generator.load.importers.draft import Draft, DraftLayer
from generator.load.importers.errors import ModelError
from generator.load.importers.names import Namer, sanitise
from generator.load.importers.onnx_graph import (
    BROKEN,
    CONSTANT,
    Broken,
    Constant,
    Flow,
    Model,
    PendingLayer,
    Skip,
    State,
    label,
)
from generator.load.importers.onnx_operators import HANDLERS

FORMAT = "ONNX"

#: The inputs of an operator that hold weights, by position: a graph input read only there is a
#: weight (a model exported without its weights lists them as inputs), not a second image.
WEIGHT_SLOTS: Mapping[str, frozenset[int]] = {
    "Conv": frozenset({1, 2}),
    "Gemm": frozenset({1, 2}),
    "MatMul": frozenset({1}),
    "BatchNormalization": frozenset({1, 2, 3, 4}),
}
#: Operators whose output is a value computed from shapes, never an image.
SHAPE_OPERATORS = frozenset({"Shape", "Size"})


# --- reading the file -------------------------------------------------------------------------


def _parse(data: bytes, path: str) -> onnx.ModelProto:
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except Exception as error:  # protobuf's DecodeError and its relatives
        raise ModelError(
            [f"{path}: not an ONNX model, or a truncated or corrupt one ({error})"]
        ) from None
    if not model.graph.node:
        raise ModelError([f"{path}: not an ONNX model, or an empty one: it holds no graph nodes"])
    for name in _names_in(model):
        if not isinstance(name, str):
            # protobuf hands out a string field that is not UTF-8 as bytes.
            raise ModelError(
                [f"{path}: not a valid ONNX model: a name is not UTF-8 text ({name!r})"]
            )
    try:
        onnx.checker.check_model(model)
    except Exception as error:  # the checker's ValidationError, or protobuf's own errors
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ModelError([f"{path}: not a valid ONNX model: {first}"]) from None
    return model


def _names_in(model: onnx.ModelProto) -> Iterator[str | bytes]:
    """Every text the importer reads: names of the graph, its nodes, inputs, outputs, weights."""
    graph = model.graph
    yield from (model.producer_name, model.producer_version, graph.name)
    yield from (opset.domain for opset in model.opset_import)
    for node in graph.node:
        yield from (node.name, node.op_type, node.domain, *node.input, *node.output)
        yield from (a.name for a in node.attribute)
    for info in (*graph.input, *graph.output, *graph.value_info):
        yield info.name
    for tensor in graph.initializer:
        yield tensor.name


def _shapes(model: onnx.ModelProto, path: str) -> dict[str, tuple[int | None, ...]]:
    try:
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
    except Exception as error:  # inference that fails is a property of the model
        raise ModelError([f"{path}: ONNX shape inference failed: {error}"]) from None
    found: dict[str, tuple[int | None, ...]] = {}
    graph = inferred.graph
    for info in (*graph.input, *graph.value_info, *graph.output):
        kind = info.type.WhichOneof("value")
        if kind != "tensor_type" or not info.type.tensor_type.HasField("shape"):
            continue
        found[info.name] = tuple(
            d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None
            for d in info.type.tensor_type.shape.dim
        )
    return found


def _aliases(graph: onnx.GraphProto) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for node in graph.node:
        if node.op_type == "Identity" and node.input and node.output:
            source = node.input[0]
            aliases[node.output[0]] = aliases.get(source, source)
    return aliases


def _image_input(m: Model) -> onnx.ValueInfoProto:
    """The one graph input that is not a weight: read somewhere other than a weight slot."""
    images: list[onnx.ValueInfoProto] = []
    for declared in m.model.graph.input:
        if declared.name in m.initializers:
            continue
        uses = [
            (node.op_type, index)
            for node in m.model.graph.node
            if node.op_type != "Identity"
            for index, name in enumerate(node.input)
            if m.root(name) == declared.name
        ]
        if any(index not in WEIGHT_SLOTS.get(op, frozenset()) for op, index in uses):
            images.append(declared)
    if len(images) != 1:
        names = ", ".join(repr(i.name) for i in images) or "none"
        raise ModelError(
            [f"{m.path}: the spec format has one input image; the model's image inputs: {names}"]
        )
    return images[0]


def _input_shape(
    m: Model, declared: onnx.ValueInfoProto, given: tuple[int, int, int] | None
) -> tuple[int, int, int]:
    dims = m.shapes.get(declared.name, ())
    if given is not None:
        return given
    if len(dims) != 4 or any(d is None for d in dims[1:]):
        shown = "×".join("?" if d is None else str(d) for d in dims) or "unknown"
        raise ModelError(
            [
                f"{m.path}: input {declared.name!r}: its shape is {shown}; the importer needs a "
                "batch × channels × height × width image of a fixed size: give it with "
                "--input CxHxW"
            ]
        )
    c, h, w = dims[1:]
    assert c is not None and h is not None and w is not None
    return c, h, w


def _fix_input(model: onnx.ModelProto, name: str, shape: tuple[int, int, int]) -> onnx.ModelProto:
    """The model with its image input declared as ``1 × shape``, for shape inference to use."""
    fixed = onnx.ModelProto()
    fixed.CopyFrom(model)
    for declared in fixed.graph.input:
        if declared.name == name:
            dims = declared.type.tensor_type.shape.dim
            del dims[:]
            for size in (1, *shape):
                dims.add().dim_value = size
    return fixed


# --- the walk and the names -------------------------------------------------------------------


def _walk(m: Model) -> None:
    for node in m.model.graph.node:
        if node.op_type == "Identity":
            continue
        states = [m.state(name) for name in node.input if name]
        if any(isinstance(s, Broken) for s in states):
            _outputs(m, node, BROKEN)
            continue
        if node.op_type in SHAPE_OPERATORS or all(isinstance(s, Constant) for s in states):
            _outputs(m, node, CONSTANT)
            continue
        handler = HANDLERS.get(node.op_type)
        try:
            if handler is None or node.domain not in ("", "ai.onnx"):
                raise m.fail(
                    node,
                    f"operator {node.op_type} has no layer kind in the spec format; the importer "
                    f"reads {', '.join(sorted(HANDLERS))} (and Identity, Constant, Shape)",
                )
            handler(m, node)
            m.handled[node.op_type] = m.handled.get(node.op_type, 0) + 1
        except Skip:
            _outputs(m, node, BROKEN)


def _outputs(m: Model, node: onnx.NodeProto, state: State) -> None:
    for output in node.output:
        if output:
            m.states[output] = state


def _scoped(node: onnx.NodeProto) -> tuple[str, str | None]:
    """A node's name as its scope and, apart, an operator part (``/layers.0/Conv`` → layers.0, Conv).

    PyTorch's exporter names a node by the path of modules that made it, each step repeating the
    one before (``/features/features.0/Conv``): a step that the next extends is dropped.
    """
    text = node.name or (node.output[0] if node.output else node.op_type)
    parts = [p for p in text.split("/") if p]
    kept = [
        p
        for i, p in enumerate(parts)
        if not (i + 1 < len(parts) and parts[i + 1].startswith(p + "."))
    ]
    if not kept:
        return node.op_type, None
    if len(kept) > 1 and re.fullmatch(rf"{re.escape(node.op_type)}(_\d+)?", kept[-1]):
        return ".".join(kept[:-1]), kept[-1]
    return ".".join(kept), None


def _names(layers: list[PendingLayer]) -> list[str]:
    """Each layer's name: its node's scope, with the operator where a scope made several layers."""
    scoped = [_scoped(layer.node) for layer in layers]
    counts: dict[str, int] = {}
    for scope, _ in scoped:
        counts[scope] = counts.get(scope, 0) + 1
    namer = Namer()
    names = []
    for layer, (scope, operator) in zip(layers, scoped, strict=True):
        text = f"{scope}.{operator}" if counts[scope] > 1 and operator else scope
        names.append(namer.unique(sanitise(text, layer.node.op_type.lower())))
    return names


def _draft_layers(m: Model) -> tuple[DraftLayer, ...]:
    names = _names(m.layers)

    def name(layer: int | str) -> str:
        return names[layer] if isinstance(layer, int) else INPUT

    return tuple(
        DraftLayer(
            names[index],
            layer.kind,
            layer.fields,
            tuple(name(i) for i in layer.inputs),
            f"{m.path}: {label(layer.node)}",
            layer.comment,
            layer.expected,
        )
        for index, layer in enumerate(m.layers)
    )


def _states(m: Model, shape: tuple[int, int, int]) -> str:
    model = m.model
    producer = " ".join(p for p in (model.producer_name, model.producer_version) if p)
    listed = ", ".join(f"{n} {op}" for op, n in m.handled.items())
    return (
        f"The model's graph{f' (written by {producer})' if producer else ''}, opset "
        f"{m.opsets.get('', 0)}: a {'×'.join(str(s) for s in shape)} input; on its path, "
        f"{listed} nodes."
    )


def to_draft(
    data: bytes,
    path: Path,
    *,
    shown: str,
    input_shape: tuple[int, int, int] | None = None,
    source: str | None = None,
    format: str = FORMAT,
    citation: str | None = None,
) -> Draft:
    """The draft of an ONNX model's network; ``shown`` is how messages name the file."""
    model = _parse(data, shown)
    initializers = {t.name: t for t in model.graph.initializer}
    m = _model(model, shown, initializers)
    image = _image_input(m)
    shape = _input_shape(m, image, input_shape)
    if input_shape is not None:
        m = _model(_fix_input(model, image.name, shape), shown, initializers)
    m.states[image.name] = Flow(INPUT)
    _walk(m)
    if m.problems:
        raise ModelError(m.problems)
    if not m.layers:
        raise ModelError([f"{shown}: no layers: no node reads the input {image.name!r}"])
    title = model.graph.name or path.stem
    return Draft(
        title=title,
        input=shape,
        layers=_draft_layers(m),
        format=format,
        source=source or path.name,
        citation=citation
        or f"TODO: who published it, where, which revision. {path.name}, graph {title!r}.",
        states=_states(m, shape),
        notes=(
            "Each layer's output shape was checked against ONNX's shape inference, and its "
            "parameters against the model's weight tensors.",
        ),
    )


def _model(model: onnx.ModelProto, shown: str, initializers: dict[str, onnx.TensorProto]) -> Model:
    graph = model.graph
    producers = {o: node for node in graph.node for o in node.output if o}
    readers: dict[str, list[onnx.NodeProto]] = {}
    aliases = _aliases(graph)
    for node in graph.node:
        # A copy is no reader: whoever reads the copy reads the tensor it copies.
        if node.op_type == "Identity":
            continue
        for name in node.input:
            if name:
                readers.setdefault(aliases.get(name, name), []).append(node)
    opsets = {o.domain or "": o.version for o in model.opset_import}
    return Model(
        path=shown,
        model=model,
        shapes=_shapes(model, shown),
        initializers=initializers,
        producers=producers,
        readers=readers,
        aliases=aliases,
        opsets=opsets,
    )
