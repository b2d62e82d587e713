"""An ONNX model as the importer's walk over it sees it: what each tensor is, and the values of
constants.

The walk (:mod:`generator.load.importers.onnx_model`) follows the tensors that carry the image from the
graph's input: each is a :class:`Flow` (a layer's output), or one of two values that wait for the
node that completes them (a :class:`Padded` flow before a convolution, :class:`Stacked` flows
before a sum). Every other tensor is :data:`CONSTANT`: a weight, or a value computed from weights
and fixed shapes alone, worked out with ONNX's reference evaluator when an operator needs it (the
target shape of a ``Reshape``, the ``pads`` of a ``Pad``). A node that could not be imported
leaves :data:`BROKEN` outputs, whose readers are not reported again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper
from onnx.reference import ReferenceEvaluator

from generator.load.importers.draft import Expected, Value
from generator.load.importers.errors import at_node


class Skip(Exception):
    """Raised while converting one node: it was reported, and its outputs are not followed."""


# --- what a tensor is, as the walk sees it ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Flow:
    """A tensor carrying the image: the output of layer ``layer`` (an index, or ``input``)."""

    layer: int | str


@dataclass(frozen=True, slots=True)
class Padded:
    """A flow zero-padded by a ``Pad`` node, waiting for the convolution or pooling that reads it."""

    layer: int | str
    sides: tuple[int, int, int, int]
    """``(top, left, bottom, right)``."""
    node: str


@dataclass(frozen=True, slots=True)
class Stacked:
    """Flows stacked along a new axis (``Unsqueeze``, then ``Concat``), waiting for a sum."""

    layers: tuple[int | str, ...]
    axis: int
    node: str


class Constant:
    """A weight, a constant, or a value computed from them and from shapes."""


class Broken:
    """The output of a node that could not be imported: its readers are not reported again."""


CONSTANT = Constant()
BROKEN = Broken()
State = Flow | Padded | Stacked | Constant | Broken


@dataclass(slots=True)
class PendingLayer:
    """A layer being built; its name is chosen once every layer is known."""

    node: onnx.NodeProto
    kind: str
    fields: dict[str, Value]
    inputs: tuple[int | str, ...]
    expected: Expected
    comment: str | None = None


# --- the model as the walk reads it -----------------------------------------------------------


@dataclass(slots=True)
class OnnxWalk:
    """The model, what the walk has found so far, and the problems it met."""

    path: str
    model: onnx.ModelProto
    shapes: dict[str, tuple[int | None, ...]]
    """Each tensor's shape by ONNX's shape inference (``None`` for an unknown dimension)."""
    initializers: dict[str, onnx.TensorProto]
    producers: dict[str, onnx.NodeProto]
    readers: dict[str, list[onnx.NodeProto]]
    aliases: dict[str, str]
    """``Identity`` outputs, by the tensor they copy (followed to the first that is no copy)."""
    opsets: dict[str, int]
    states: dict[str, State] = field(default_factory=dict)
    layers: list[PendingLayer] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    values: dict[str, np.ndarray[Any, Any]] = field(default_factory=dict)
    handled: dict[str, int] = field(default_factory=dict)
    """How many nodes of each operator on the image's path were imported."""
    folded: set[str] = field(default_factory=set)
    """Outputs of nodes already taken into a layer made from an earlier node (a bias ``Add``)."""
    modules: Mapping[str, str] = field(default_factory=dict)
    """A PyTorch module's submodules' classes by their paths (``features.0`` → ``nn.Conv2d``),
    to name the module that made a node; empty for an ONNX file."""

    def label(self, node: onnx.NodeProto) -> str:
        """``node 'name' (Op)``, and the module that made it where it is known."""
        module = module_of(node, self.modules)
        return f"{label(node)}, {module}" if module else label(node)

    def root(self, name: str) -> str:
        return self.aliases.get(name, name)

    def fail(self, node: onnx.NodeProto, what: str) -> Skip:
        self.problems.append(at_node(self.path, self.label(node), what))
        return Skip()

    def state(self, name: str) -> State:
        return self.states.get(self.root(name), CONSTANT)

    def shape(self, name: str) -> tuple[int | None, ...] | None:
        name = self.root(name)
        if name in self.initializers:
            return tuple(self.initializers[name].dims)
        return self.shapes.get(name)

    def weight_shape(
        self, node: onnx.NodeProto, name: str, what: str = "weight"
    ) -> tuple[int, ...]:
        """The shape of a weight the node reads, which must be fixed."""
        shape = self.shape(name)
        if shape is None or any(d is None for d in shape):
            raise self.fail(node, f"the shape of its {what} {name!r} is not fixed in the model")
        return tuple(d for d in shape if d is not None)

    def known(self, name: str) -> np.ndarray[Any, Any] | None:
        """A constant's value, worked out from the nodes that compute it; ``None`` if it cannot be."""
        return self._value(self.root(name), depth=0)

    def value(self, node: onnx.NodeProto, name: str, what: str) -> np.ndarray[Any, Any]:
        """A constant's value, worked out from the nodes that compute it; else the node fails."""
        found = self._value(self.root(name), depth=0)
        if found is None:
            raise self.fail(
                node, f"its {what} ({name!r}) is not a constant the importer can work out"
            )
        return found

    def _value(self, name: str, depth: int) -> np.ndarray[Any, Any] | None:
        if name in self.values:
            return self.values[name]
        if name in self.initializers:
            found = _array(self.initializers[name])
        elif name in self.producers and depth < 200:
            found = self._evaluate(self.producers[name], name, depth)
        else:
            found = None
        if found is not None:
            self.values[name] = found
        return found

    def _evaluate(self, node: onnx.NodeProto, name: str, depth: int) -> np.ndarray[Any, Any] | None:
        if node.op_type == "Shape":
            shape = self.shape(node.input[0])
            if shape is None or any(d is None for d in shape):
                return None
            attrs = attributes(node)
            start, end = attrs.get("start", 0), attrs.get("end", len(shape))
            return np.array(shape[start:end], dtype=np.int64)
        inputs = {}
        for given in node.input:
            if given:
                found = self._value(self.root(given), depth + 1)
                if found is None:
                    return None
                inputs[given] = found
        try:
            graph = helper.make_graph(
                [node],
                "constant",
                [helper.make_empty_tensor_value_info(n) for n in inputs],
                [helper.make_empty_tensor_value_info(o) for o in node.output],
            )
            outputs = ReferenceEvaluator(graph, opsets=self.opsets).run(None, inputs)
        except Exception:  # whatever stops the evaluator, the value is not one to work out
            return None
        for output, result in zip(node.output, outputs, strict=False):
            self.values[output] = np.asarray(result)
        return self.values.get(name)


def _array(tensor: onnx.TensorProto) -> np.ndarray[Any, Any] | None:
    try:
        return numpy_helper.to_array(tensor)
    except Exception:  # external or malformed data: no value the importer can read
        return None


def label(node: onnx.NodeProto) -> str:
    name = node.name or (node.output[0] if node.output else "")
    return f"node {name!r} ({node.op_type})"


def scope(node: onnx.NodeProto) -> tuple[str, str | None]:
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


def module_of(node: onnx.NodeProto, modules: Mapping[str, str]) -> str | None:
    """The PyTorch module that made a node, from its scoped name: ``module 'features.3'
    (nn.Conv2d)``; ``None`` where it names no module of ``modules``."""
    if not modules:
        return None
    parts = [p for p in node.name.split("/") if p]
    path = scope(node)[0] if len(parts) > 1 else ""
    # A module called twice names its second node ``relu_1``.
    for candidate in (path, re.sub(r"_\d+$", "", path)):
        if candidate in modules:
            kind = modules[candidate]
            if not candidate:
                return f"in the forward of the top module ({kind})"
            return f"module {candidate!r} ({kind})"
    return None


def attributes(node: onnx.NodeProto) -> dict[str, Any]:
    found = {}
    for attribute in node.attribute:
        value = helper.get_attribute_value(attribute)
        found[attribute.name] = (
            value.decode(errors="replace") if isinstance(value, bytes) else value
        )
    return found
