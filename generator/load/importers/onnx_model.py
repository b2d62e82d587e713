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

import math
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
    OnnxWalk,
    PendingLayer,
    Skip,
    State,
    scope,
)
from generator.load.importers.onnx_operators import HANDLERS

FORMAT = "ONNX"

#: The inputs of an operator that hold weights, by position: a graph input read only there is a
#: weight (a model exported without its weights lists them as inputs), not a second image.
WEIGHT_SLOTS: Mapping[str, frozenset[int]] = {
    "Conv": frozenset({1, 2}),
    "ConvTranspose": frozenset({1, 2}),
    "Gemm": frozenset({1, 2}),
    "MatMul": frozenset({1}),
    "BatchNormalization": frozenset({1, 2, 3, 4}),
    "InstanceNormalization": frozenset({1, 2}),
    "LayerNormalization": frozenset({1, 2}),
    "GroupNormalization": frozenset({1, 2}),
    "PRelu": frozenset({1}),
    # A scale (PyTorch's ``x * self.scale``); a product of two layers reads no graph input there.
    "Mul": frozenset({1}),
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


def _image_input(m: OnnxWalk, named: str | None) -> onnx.ValueInfoProto:
    """The one graph input that is the image: ``named``, or the one read somewhere other than a
    weight slot."""
    declared: list[onnx.ValueInfoProto] = [
        d for d in m.model.graph.input if d.name not in m.initializers
    ]
    if named is not None:
        found = [d for d in declared if d.name == named]
        if not found:
            raise ModelError([f"{m.path}: the model has no input {named!r}"])
        return found[0]
    uses = {d.name: _uses(m, d.name) for d in declared}
    images = [
        d
        for d in declared
        if any(index not in WEIGHT_SLOTS.get(n.op_type, frozenset()) for n, index in uses[d.name])
    ]
    if len(images) > 1:
        # A weight of an operator the importer does not read (a PyTorch module exported without
        # its weights lists them as inputs) looks like a second image: what only such operators
        # read, and never as their first input, is taken for a weight, and the operator is
        # reported where the walk meets it.
        images = [
            d
            for d in images
            if any(n.op_type in HANDLERS or index == 0 for n, index in uses[d.name])
        ] or images
    if len(images) != 1:
        names = ", ".join(f"{i.name!r} ({_readers(m, uses[i.name])})" for i in images) or "none"
        raise ModelError(
            [f"{m.path}: the spec format has one input image; the model's image inputs: {names}"]
        )
    return images[0]


def _uses(m: OnnxWalk, name: str) -> list[tuple[onnx.NodeProto, int]]:
    """Every node that reads ``name`` (or a copy of it), and at which of its inputs."""
    return [
        (node, index)
        for node in m.model.graph.node
        if node.op_type != "Identity"
        for index, read in enumerate(node.input)
        if m.root(read) == name
    ]


def _readers(m: OnnxWalk, uses: list[tuple[onnx.NodeProto, int]], shown: int = 2) -> str:
    nodes = list(dict.fromkeys(m.label(node) for node, _ in uses))
    more = f" and {len(nodes) - shown} more" if len(nodes) > shown else ""
    return "read by " + ", ".join(nodes[:shown]) + more if nodes else "read by no node"


def _input_shape(
    m: OnnxWalk, declared: onnx.ValueInfoProto, given: tuple[int, int, int] | None
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


def _walk(m: OnnxWalk) -> None:
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
                domain = f" (domain {node.domain!r})" if node.domain not in ("", "ai.onnx") else ""
                raise m.fail(
                    node,
                    f"operator {node.op_type}{domain} has no layer kind in the spec format; it "
                    f"reads {_reads(m, node)}. The importer reads {', '.join(sorted(HANDLERS))} "
                    "(and Identity, Constant, Shape)",
                )
            handler(m, node)
            m.handled[node.op_type] = m.handled.get(node.op_type, 0) + 1
        except Skip:
            _outputs(m, node, BROKEN)


def _reads(m: OnnxWalk, node: onnx.NodeProto) -> str:
    """Where in the model a node is: the outputs of the nodes it reads on the image's path."""
    found = []
    for name in node.input:
        state = m.state(name) if name else CONSTANT
        if isinstance(state, Constant | Broken):
            continue
        producer = m.producers.get(m.root(name))
        found.append(f"the output of {m.label(producer)}" if producer else "the model's input")
    return " and ".join(dict.fromkeys(found)) or "constants only"


def _outputs(m: OnnxWalk, node: onnx.NodeProto, state: State) -> None:
    for output in node.output:
        if output:
            m.states[output] = state


def _names(layers: list[PendingLayer]) -> list[str]:
    """Each layer's name: its node's scope, with the operator where a scope made several layers."""
    scoped = [scope(layer.node) for layer in layers]
    counts: dict[str, int] = {}
    for path, _ in scoped:
        counts[path] = counts.get(path, 0) + 1
    namer = Namer()
    names = []
    for layer, (path, operator) in zip(layers, scoped, strict=True):
        text = f"{path}.{operator}" if counts[path] > 1 and operator else path
        names.append(namer.unique(sanitise(text, layer.node.op_type.lower())))
    return names


def _draft_layers(m: OnnxWalk) -> tuple[DraftLayer, ...]:
    names = _names(m.layers)

    def name(layer: int | str) -> str:
        return names[layer] if isinstance(layer, int) else INPUT

    return tuple(
        DraftLayer(
            names[index],
            layer.kind,
            layer.fields,
            tuple(name(i) for i in layer.inputs),
            f"{m.path}: {m.label(layer.node)}",
            layer.comment,
            layer.expected,
        )
        for index, layer in enumerate(m.layers)
    )


def _states(m: OnnxWalk, shape: tuple[int, int, int]) -> str:
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
    image: str | None = None,
    modules: Mapping[str, str] | None = None,
) -> Draft:
    """The draft of an ONNX model's network; ``shown`` is how messages name the file.

    ``image`` names the graph input that is the image, where the caller knows it (every other
    input is then a weight); ``modules`` gives a PyTorch module's submodules' classes by their
    paths, for messages to name the module that made a node.
    """
    model = _parse(data, shown)
    initializers = {t.name: t for t in model.graph.initializer}
    found = _model(model, shown, initializers, modules)
    declared = _image_input(found, image)
    shape = _input_shape(found, declared, input_shape)
    if input_shape is not None:
        model = _fix_input(model, declared.name, shape)
        found = _model(model, shown, initializers, modules)
    m = _with_constants(found, declared.name)
    m.states[declared.name] = Flow(INPUT)
    _walk(m)
    if m.problems:
        raise ModelError(m.problems)
    if not m.layers:
        raise ModelError([f"{shown}: no layers: no node reads the input {declared.name!r}"])
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


# --- values worked out ahead, for shape inference ---------------------------------------------


def _with_constants(m: OnnxWalk, image: str) -> OnnxWalk:
    """The model with the small values computed from constants and known shapes written as
    ``Constant`` nodes, and its shapes inferred again, until no more can be worked out.

    Exporters compute a padding or a reshape's target from the image's shape (PyTorch's
    asymmetric ``ZeroPad2d``: ``Shape → … → ConstantOfShape → Concat → Reshape → Slice →
    Transpose → Cast → Pad``). ONNX's shape inference propagates values through a few operators
    only; where it stops, every shape after it is unknown, and a later ``Reshape`` cannot be read.
    The importer's evaluator (:meth:`OnnxWalk.known`) works those values out; written into the model,
    they let the inference go on.
    """
    for _ in range(FOLD_ROUNDS):
        flow = _on_flow(m, image)
        values: dict[str, onnx.TensorProto] = {}
        for node in m.model.graph.node:
            if not _foldable(m, node, flow):
                continue
            found = [m.known(output) for output in node.output]
            if all(v is not None and v.size <= FOLD_LIMIT for v in found):
                for output, value in zip(node.output, found, strict=True):
                    assert value is not None
                    values[output] = onnx.numpy_helper.from_array(value, output)
        if not values:
            return m
        m = _model(_constants(m.model, values), m.path, m.initializers, m.modules)
    return m


#: A value of more elements is never worked out ahead: shapes and paddings are a few numbers, and
#: a weight (a transposed one, say) needs no inference.
FOLD_LIMIT = 4096
#: Each round may make more shapes known, and with them more values; real graphs need two or three.
FOLD_ROUNDS = 8


def _on_flow(m: OnnxWalk, image: str) -> set[str]:
    """The tensors computed from the image (not from its shape alone)."""
    flow = {image}
    for node in m.model.graph.node:
        if node.op_type not in SHAPE_OPERATORS and any(m.root(i) in flow for i in node.input if i):
            flow.update(node.output)
    return flow


def _foldable(m: OnnxWalk, node: onnx.NodeProto, flow: set[str]) -> bool:
    """Whether a node's outputs are values to work out: not on the image's path, not already
    constants, and computed from small constants or from shapes."""
    if (
        node.op_type in ("Constant", "Identity")
        or not node.output
        or node.domain not in ("", "ai.onnx")
    ):
        return False
    if node.op_type in SHAPE_OPERATORS:
        return True
    for name in node.input:
        root = m.root(name) if name else ""
        if not root:
            continue
        if root in flow or (root not in m.initializers and root not in m.producers):
            return False  # the image, or a weight given as an input, without its values
        weight = m.initializers.get(root)
        if weight is not None and math.prod(weight.dims) > FOLD_LIMIT:
            return False
    return True


def _constants(model: onnx.ModelProto, values: Mapping[str, onnx.TensorProto]) -> onnx.ModelProto:
    """``model`` with each node whose outputs are all in ``values`` replaced by ``Constant``s."""
    folded = onnx.ModelProto()
    folded.CopyFrom(model)
    nodes = []
    for node in model.graph.node:
        if node.output and all(o in values for o in node.output if o):
            for index, output in enumerate(o for o in node.output if o):
                name = node.name if index == 0 else f"{node.name}_{index}"
                nodes.append(
                    onnx.helper.make_node("Constant", [], [output], name=name, value=values[output])
                )
        else:
            nodes.append(node)
    del folded.graph.node[:]
    folded.graph.node.extend(nodes)
    return folded


def _model(
    model: onnx.ModelProto,
    shown: str,
    initializers: dict[str, onnx.TensorProto],
    modules: Mapping[str, str] | None,
) -> OnnxWalk:
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
    return OnnxWalk(
        path=shown,
        model=model,
        shapes=_shapes(model, shown),
        initializers=initializers,
        producers=producers,
        readers=readers,
        aliases=aliases,
        opsets=opsets,
        modules=modules or {},
    )
