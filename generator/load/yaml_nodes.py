"""YAML parsed into a tree that remembers the line of every value.

PyYAML's plain loaders forget where a value was written; error messages need ``path:line``. The
tree is built from ``yaml.compose`` (safe: no Python objects are ever constructed), and plain
values are produced from it only after extends/overrides have been merged, so a merged value still
points at the file that wrote it.

Whatever the file holds, reading it ends in a tree or a located :class:`SpecError`: explicit tags
(``!!python/...``, ``!custom``), merge keys, control characters, deep nesting and alias bombs are
refused with the line they are on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from generator.spec.errors import Location, Problem, SpecError

#: Values an alias (``*name``) may add by repeating its anchor's value, over the whole file. An
#: alias of a list of aliases multiplies ("billion laughs": a few lines, billions of values); a spec
#: never needs more than a few repeated paddings or sources. The size of a file itself is limited
#: by the loader (:data:`generator.load.loader.MAX_BYTES`).
MAX_ALIAS_VALUES = 100_000
#: A spec nests four levels deep; far deeper nesting (or an anchor used inside itself) would
#: exhaust the stack of PyYAML's recursive composer and of this module.
MAX_DEPTH = 32
#: Numbers beyond this many bits are no size of anything (and Python refuses to print them).
MAX_INT_BITS = 256
_CORE = "tag:yaml.org,2002:"
#: Plain YAML values. Explicit tags for anything else (``!!python/object``, ``!!binary``,
#: ``!custom``) are refused: a spec holds text, numbers, true/false, lists and mappings.
_SCALAR_TAGS = frozenset(_CORE + t for t in ("null", "bool", "int", "float", "str", "timestamp"))
_COLLECTION_TAGS = frozenset((_CORE + "map", _CORE + "seq"))
_MERGE_TAG = _CORE + "merge"
# What YAML counts as a line break, so that lines counted here agree with PyYAML's marks.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value: a ``dict[str, Node]``, a ``list[Node]`` or a scalar, with its location."""

    value: Any
    location: Location


def parse(text: str, path: str) -> Node:
    """Parse YAML text into a located tree; every syntax problem becomes a :class:`SpecError`."""
    try:
        try:
            root = _compose(text)
        except RecursionError:
            # PyYAML's composer recurses once per level of nesting; find the line that went deep.
            _check_depth(text, path)
            raise SpecError(
                [Problem(Location(path, 1), "values nest too deeply to be read")]
            ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(str(p) for p in (error.context, error.problem) if p)
        raise SpecError(
            [Problem(Location(path, line), f"YAML syntax error: {_one_line(what)}")]
        ) from None
    except yaml.reader.ReaderError as error:
        # Control characters (NUL, BEL, ...) that YAML does not allow anywhere in a file.
        line = line_of(text, error.position)
        character = error.character if isinstance(error.character, int) else 0
        raise SpecError(
            [
                Problem(
                    Location(path, line), f"the character U+{character:04X} is not allowed in YAML"
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise SpecError(
            [Problem(Location(path, 1), f"YAML error: {_one_line(str(error))}")]
        ) from None
    if root is None or (
        isinstance(root, yaml.ScalarNode) and root.tag == _CORE + "null" and not root.value
    ):
        # No document, or one with nothing in it (``---`` alone).
        raise SpecError([Problem(Location(path, 1), "the file is empty; a spec is a YAML mapping")])
    builder = _Builder(path)
    try:
        tree = builder.build(root, Location(path, root.start_mark.line + 1), 0)
    except _TooDeep as error:
        _check_depth(text, path)  # nested so deep in the text itself, or through aliases:
        raise SpecError(
            [
                Problem(
                    error.location,
                    f"aliases nest values more than {MAX_DEPTH} levels deep "
                    "(is an anchor used inside itself?)",
                )
            ]
        ) from None
    if builder.problems:
        raise SpecError(builder.problems)
    return tree


#: libyaml's composer, where PyYAML was built with it: about six times faster than PyYAML's own,
#: which is a good part of a small build. The pure-Python one still reads every file libyaml
#: refuses, so that an error message is the same on every machine.
_LIBYAML: type[Any] | None = getattr(yaml, "CSafeLoader", None)


def _compose(text: str) -> yaml.Node | None:
    """The YAML node tree of ``text`` (None for an empty document)."""
    if _LIBYAML is not None:
        try:
            # libyaml's composer recurses in C, where nothing stops a stack overflow: only text
            # whose nesting is within bounds goes to it (its event parser does not recurse).
            if _nesting(yaml.parse(text, Loader=_LIBYAML)) <= MAX_DEPTH:
                node: yaml.Node | None = yaml.compose(text, Loader=_LIBYAML)
                return node
        except yaml.YAMLError:
            pass  # PyYAML's parser below says where and what, in its words
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _nesting(events: Any) -> int:
    """How deep the collections of a YAML event stream nest."""
    depth = deepest = 0
    for event in events:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


def line_of(text: str, index: int) -> int:
    """The 1-based line of ``text[index]``, counting line breaks as YAML does."""
    return len(_LINE_BREAK.findall(text, 0, max(index, 0))) + 1


def _check_depth(text: str, path: str) -> None:
    """Where nesting goes deeper than :data:`MAX_DEPTH`, found with PyYAML's iterative parser."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 1
                raise SpecError(
                    [
                        Problem(
                            Location(path, line), f"values nest more than {MAX_DEPTH} levels deep"
                        )
                    ]
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tag(tag: str) -> str:
    """A tag as it is written in a file: ``!!python/object`` rather than its expanded form."""
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


class _TooDeep(Exception):
    def __init__(self, location: Location) -> None:
        super().__init__(str(location))
        self.location = location


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.repeated = 0
        """Values built again because an alias repeats them."""
        self.built: set[int] = set()
        """The YAML nodes built so far: an alias is the node of its anchor, met again."""
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, location: Location, depth: int, alias: bool = False) -> Node:
        alias = alias or id(node) in self.built
        self.built.add(id(node))
        if alias:
            self.repeated += 1
            if self.repeated > MAX_ALIAS_VALUES:
                raise SpecError(
                    [
                        Problem(
                            location,
                            f"aliases repeat more than {MAX_ALIAS_VALUES:,} values (an alias of a "
                            "list of aliases multiplies them): write the values out instead",
                        )
                    ]
                )
        if depth > MAX_DEPTH:
            raise _TooDeep(location)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _COLLECTION_TAGS:
            self.problems.append(self._unsupported(node, location))
            return Node(None, location)
        if isinstance(node, yaml.MappingNode):
            entries: dict[str, Node] = {}
            for key_node, value_node in node.value:
                key_location = Location(self.path, key_node.start_mark.line + 1)
                if key_node.tag == _MERGE_TAG:
                    self.problems.append(
                        Problem(
                            key_location,
                            "YAML merge keys ('<<') are not supported: write the fields out",
                        )
                    )
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    what = "a mapping" if isinstance(key_node, yaml.MappingNode) else "a list"
                    self.problems.append(Problem(key_location, f"keys must be text, got {what}"))
                    continue
                key = self.scalar(key_node, key_location)
                if key is _UNREADABLE:
                    continue
                if not isinstance(key, str):
                    self.problems.append(
                        Problem(key_location, f"keys must be text, got {_short(str(key))}")
                    )
                    continue
                if key in entries:
                    self.problems.append(Problem(key_location, f"key {_short(key)} is given twice"))
                    continue
                entries[key] = self.build(value_node, key_location, depth + 1, alias)
            return Node(entries, location)
        if isinstance(node, yaml.SequenceNode):
            items = [
                self.build(item, Location(self.path, item.start_mark.line + 1), depth + 1, alias)
                for item in node.value
            ]
            return Node(items, location)
        value = self.scalar(node, location)
        return Node(None if value is _UNREADABLE else value, location)

    def scalar(self, node: yaml.Node, location: Location) -> Any:
        """The value of a scalar, or ``_UNREADABLE`` after recording why it cannot be read."""
        if node.tag not in _SCALAR_TAGS:
            self.problems.append(self._unsupported(node, location))
            return _UNREADABLE
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
            # Forget the failed attempt, or an alias to this value would report a recursion.
            self.constructor.recursive_objects.pop(node, None)
            self.problems.append(Problem(location, _unreadable(node, error)))
            return _UNREADABLE
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            self.problems.append(
                Problem(location, f"the number {_short(str(node.value))} is far too large")
            )
            return _UNREADABLE
        return value

    @staticmethod
    def _unsupported(node: yaml.Node, location: Location) -> Problem:
        return Problem(
            location,
            f"the YAML tag {_tag(node.tag)!r} is not allowed: a spec holds text, numbers, "
            "true/false, lists and mappings",
        )


_UNREADABLE = object()


def _unreadable(node: yaml.Node, error: Exception) -> str:
    text = str(node.value)
    if node.tag == _CORE + "int":
        if len(text) > 100:
            return f"the number {_short(text)} is far too large"
        return f"cannot read {_short(text)} as a whole number"
    if node.tag == _CORE + "float":
        return f"cannot read {_short(text)} as a number"
    if node.tag == _CORE + "timestamp":
        return (
            f"{_short(text)} is not a valid date ({_one_line(str(error))}); quote it to write text"
        )
    return f"cannot read {_short(text)}: {_one_line(str(error))}"


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
