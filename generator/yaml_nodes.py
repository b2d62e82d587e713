"""YAML parsed into a tree that remembers the line of every value.

PyYAML's plain loaders forget where a value was written; error messages need ``path:line``. The
tree is built from ``yaml.compose`` (safe: no Python objects are ever constructed), and plain
values are produced from it only after extends/overrides have been merged, so a merged value still
points at the file that wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import Location, Problem, SpecError

# Aliases let a tiny file expand into an enormous tree ("billion laughs"); a spec never needs that.
MAX_NODES = 50_000


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value: a ``dict[str, Node]``, a ``list[Node]`` or a scalar, with its location."""

    value: Any
    location: Location


def parse(text: str, path: str) -> Node:
    """Parse YAML text into a located tree; every syntax problem becomes a :class:`SpecError`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = " ".join(str(p) for p in (error.context, error.problem) if p)
        raise SpecError([Problem(Location(path, line), f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as error:
        raise SpecError([Problem(Location(path), f"YAML error: {error}")]) from None
    if root is None:
        raise SpecError([Problem(Location(path, 1), "the file is empty; a spec is a YAML mapping")])
    builder = _Builder(path)
    tree = builder.build(root, Location(path, root.start_mark.line + 1))
    if builder.problems:
        raise SpecError(builder.problems)
    return tree


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.count = 0
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, location: Location) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise SpecError(
                [
                    Problem(
                        location, f"the file expands to more than {MAX_NODES:,} values (aliases?)"
                    )
                ]
            )
        if isinstance(node, yaml.MappingNode):
            entries: dict[str, Node] = {}
            for key_node, value_node in node.value:
                key_location = Location(self.path, key_node.start_mark.line + 1)
                key = self.constructor.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    self.problems.append(Problem(key_location, f"keys must be text, got {key!r}"))
                    continue
                if key in entries:
                    self.problems.append(Problem(key_location, f"key {key!r} is given twice"))
                    continue
                entries[key] = self.build(value_node, key_location)
            return Node(entries, location)
        if isinstance(node, yaml.SequenceNode):
            items = [
                self.build(item, Location(self.path, item.start_mark.line + 1))
                for item in node.value
            ]
            return Node(items, location)
        return Node(self.constructor.construct_object(node, deep=True), location)


def to_plain(node: Node) -> Any:
    """The tree as plain dicts, lists and scalars, ready for validation."""
    if isinstance(node.value, dict):
        return {key: to_plain(child) for key, child in node.value.items()}
    if isinstance(node.value, list):
        return [to_plain(child) for child in node.value]
    return node.value


def locate(node: Node, path: Sequence[str | int]) -> Location:
    """The location of the deepest value along ``path``; steps that name no value are skipped.

    Validation libraries add steps of their own to error paths (a union's tag, say); skipping what
    does not exist keeps the nearest real place.
    """
    for step in path:
        node = _child(node, step) or node
    return node.location


def _child(node: Node, step: str | int) -> Node | None:
    value = node.value
    if isinstance(value, dict) and isinstance(step, str):
        child: Node | None = value.get(step)
        return child
    if isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
        item: Node = value[step]
        return item
    return None
