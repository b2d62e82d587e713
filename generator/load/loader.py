"""Reads spec files, or spec text held in memory: the only place that parses them. Every mistake
becomes a located Problem.

Loading is three steps: parse YAML into a located tree, resolve ``extends`` by merging trees (so
an inherited value keeps pointing at the file that wrote it), then validate the plain data against
:mod:`generator.spec.models` and place each validation error as ``path:line: layer: field: message``.
The rules of the models word their own messages; this module words only pydantic's own errors
(a missing or unknown field, a value of the wrong type), by their type.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.core import engine
from generator.core.kinds import ENTRIES, kind_of
from generator.core.results import Analysis
from generator.load.yaml_nodes import Node, locate, parse, to_plain
from generator.spec.errors import (
    Location,
    Problem,
    SpecError,
    article,
    describe,
    label,
    quote,
    suggest,
)
from generator.spec.models import (
    LAYER_MODELS,
    OVERRIDE_KEYS,
    SPEC_NAME,
    Layer,
    Source,
    Spec,
    Stated,
)

SUFFIX = ".yml"
#: The size limit of a spec file, in bytes and in layers (README, "Add an architecture"): room
#: for the largest real networks several times over. The largest shipped specs have 24 kB and 197
#: layers; an imported ResNet-1202 would have about 4,200 layers in some 300 kB, a DenseNet-264
#: about 930. A file past either is refused before it is parsed or published (50 MB of comments
#: would otherwise be copied into the site), and 10,000 layers load and analyse in two seconds.
MAX_BYTES = 1_000_000
MAX_LAYERS = 10_000
LIMITS = f"a spec file may have at most {MAX_BYTES:,} bytes (1 MB) and {MAX_LAYERS:,} layers"
_MERGES = [name for entry in ENTRIES if entry.merge is not None for name in entry.names]
#: The kinds that read several layers, as messages list them ("add, concat and crop").
MERGING = " and ".join([", ".join(_MERGES[:-1]), _MERGES[-1]] if len(_MERGES) > 1 else _MERGES)
#: Every field name the format knows, for "did you mean" suggestions.
KNOWN_FIELDS = sorted(
    {
        *Spec.model_fields,
        *OVERRIDE_KEYS,
        *Source.model_fields,
        *Stated.model_fields,
        *(name for model in LAYER_MODELS for name in model.model_fields),
    }
)


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    """A validated spec with the located tree it came from, to point errors at lines."""

    name: str
    path: Path
    spec: Spec
    tree: Node
    warnings: tuple[Problem, ...] = ()
    """What is allowed but probably unmeant: a layer whose output nothing reads."""

    def locate(self, layer: str | None, field: str | None) -> Location:
        """Where ``field`` of ``layer`` (or of the spec, when ``layer`` is None) was written."""
        path: list[str | int] = []
        if layer is not None:
            path = [
                "layers",
                next(i for i, item in enumerate(self.spec.layers) if item.name == layer),
            ]
        if field is not None:
            path.append(field)
        return locate(self.tree, path)


def spec_paths(folder: Path) -> list[Path]:
    """The spec files of a folder, in name order (one architecture per file)."""
    return sorted(p for p in folder.glob(f"*{SUFFIX}") if p.is_file())


def load(path: Path) -> LoadedSpec:
    """Load and validate one spec file; raises :class:`SpecError` listing all its problems."""
    return _load(path, _Files())


def load_text(
    path: Path,
    text: str,
    *,
    siblings: Mapping[str, str] | None = None,
    draft: bool = False,
) -> LoadedSpec:
    """Load spec ``text`` held in memory as if it were the file at ``path``; no file is read.

    Messages name ``path``, so a page can show the loader's own report for a spec it never
    wrote to disk. ``siblings`` maps the names of other specs of the same folder (those that
    ``extends`` may name) to their text. A ``draft`` (what ``generator import`` writes, before
    its reader fills in the sources) may still hold placeholders (:func:`_placeholders`).
    """
    texts = {path: text}
    texts.update(
        (path.with_name(f"{name}{SUFFIX}"), other) for name, other in (siblings or {}).items()
    )
    return _load(path, _InMemory(texts), draft=draft)


def _load(path: Path, texts: Texts, *, draft: bool = False) -> LoadedSpec:
    name = path.name.removesuffix(SUFFIX)
    if not SPEC_NAME.follows(name):
        raise SpecError(
            [
                Problem(
                    Location(str(path)),
                    f"the file name is the spec's name: {SPEC_NAME.message(name)}",
                )
            ]
        )
    tree = _resolve(path, (), texts)
    _check_layer_count(tree)
    data = to_plain(tree)
    try:
        spec = Spec.model_validate(data)
    except ValidationError as error:
        raise SpecError(_validation_problems(error, data, tree)) from None
    loaded = LoadedSpec(name, path, spec, tree)
    problems = [
        *_cross_checks(loaded),
        *_graph_checks(loaded),
        *_compared_checks(loaded, texts),
        *(() if draft else _placeholders(loaded.tree)),
    ]
    if problems:
        raise SpecError(problems)
    warnings = (*_unread(loaded), *_forgotten_inputs(loaded))
    return dataclasses.replace(
        loaded, warnings=tuple(sorted(warnings, key=lambda w: (w.location.path, w.location.line)))
    )


def _check_size(path: Path, size: int) -> None:
    """Refuse a file of more than :data:`MAX_BYTES` bytes, before it is parsed."""
    if size > MAX_BYTES:
        raise SpecError(
            [Problem(Location(str(path)), f"the file has {size:,} bytes, too many: {LIMITS}")]
        )


def _check_layer_count(tree: Node) -> None:
    """Refuse a spec of more than :data:`MAX_LAYERS` layers (counted after ``extends``)."""
    layers = tree.value.get("layers") if isinstance(tree.value, dict) else None
    if layers is not None and isinstance(layers.value, list) and len(layers.value) > MAX_LAYERS:
        raise SpecError(
            [
                Problem(
                    layers.location,
                    f"the spec has {len(layers.value):,} layers, too many: {LIMITS}",
                    field="layers",
                )
            ]
        )


def analyse(loaded: LoadedSpec) -> Analysis:
    """Run the engine, turning impossible geometry into a located :class:`SpecError`."""
    try:
        return engine.analyse(loaded.name, loaded.spec)
    except engine.GeometryError as error:
        where = loaded.locate(error.layer, error.field)
        raise SpecError([Problem(where, error.message, error.layer, error.field)]) from None


@dataclass(frozen=True, slots=True)
class Analysed:
    """One spec of a folder, loaded and analysed, with what it was read from."""

    analysis: Analysis
    warnings: tuple[Problem, ...]
    parents: tuple[Path, ...]
    """The files it extends, nearest first: besides its own, the texts its analysis depends on."""


def load_analysed(path: Path, texts: Texts) -> Analysed:
    """Load, validate and analyse the spec at ``path``; raises :class:`SpecError`."""
    loaded = _load(path, texts)
    return Analysed(analyse(loaded), loaded.warnings, _parents(path, texts))


def _parents(path: Path, texts: Texts) -> tuple[Path, ...]:
    """The files the spec at ``path`` extends, nearest first (its chain, checked by the load)."""
    found: list[Path] = []
    node = _read(path, texts)
    while (parent := node.value.get("extends")) is not None:
        found.append(path.with_name(f"{parent.value}{SUFFIX}"))
        node = _read(found[-1], texts)
    return tuple(found)


def load_folder(folder: Path) -> list[Analysis]:
    """Load and analyse every spec of a folder, reporting the problems of all files together."""
    found = load_folder_partially(folder)
    if found.problems:
        raise SpecError(found.problems)
    return found.analyses


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder of specs as far as it loads."""

    analyses: list[Analysis]
    """The specs that load, analysed."""
    problems: list[Problem]
    """Why the others do not."""
    warnings: list[Problem]
    """What the loaded ones allow but probably do not mean (a layer whose output nothing reads)."""


def load_folder_partially(
    folder: Path, load: Callable[[Path, Texts], Analysed] = load_analysed
) -> Folder:
    """The specs of a folder that load, the problems of those that do not, and warnings.

    ``mkdocs serve`` uses this to keep serving the good pages while a contributor fixes a spec.
    ``load`` loads one spec (:func:`load_analysed`): the MkDocs plugin passes one that keeps its
    results between builds (:mod:`generator.edges.cache`).
    """
    if not folder.is_dir():
        return Folder([], [Problem(Location(str(folder)), "the spec folder does not exist")], [])
    found = Folder([], [], [])
    paths = spec_paths(folder)
    # One listing and one parse per file for the whole folder: a parent is read once, not once
    # per spec that extends it, and "did you mean" never lists the folder again.
    texts = FolderFiles(folder, tuple(p.name.removesuffix(SUFFIX) for p in paths))
    for path in paths:
        try:
            analysed = load(path, texts)
            found.analyses.append(analysed.analysis)
            found.warnings.extend(analysed.warnings)
        except SpecError as error:
            found.problems.extend(error.problems)
    return found


# --- extends ---------------------------------------------------------------------------------


class Texts(Protocol):
    """Where spec texts come from: files in a folder, or texts held in memory."""

    def read(self, path: Path) -> str:
        """The text of the spec at ``path``; a :class:`SpecError` when it cannot be read."""
        ...

    def exists(self, path: Path) -> bool:
        """Whether there is a spec at ``path``."""
        ...

    def names(self, folder: Path) -> list[str]:
        """The names of the specs of ``folder``, for "did you mean" suggestions."""
        ...


@dataclass(frozen=True, slots=True)
class _Files:
    """Spec texts read from files."""

    def read(self, path: Path) -> str:
        try:
            _check_size(path, path.stat().st_size)
            raw = path.read_bytes()
        except OSError as error:
            raise SpecError(
                [Problem(Location(str(path)), f"cannot read the file: {error.strerror or error}")]
            ) from None
        _check_size(path, len(raw))  # it may have grown since
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw.count(b"\n", 0, error.start) + 1
            raise SpecError(
                [
                    Problem(
                        Location(str(path), line),
                        f"the file is not UTF-8 text: byte 0x{raw[error.start]:02X} cannot be read "
                        "(save the file as UTF-8)",
                    )
                ]
            ) from None

    def exists(self, path: Path) -> bool:
        return path.is_file()

    def names(self, folder: Path) -> list[str]:
        return [p.name.removesuffix(SUFFIX) for p in spec_paths(folder)]


class FolderFiles:
    """The spec files of one folder, listed once, each read and parsed at most once
    (:func:`_read`)."""

    def __init__(self, folder: Path, names: tuple[str, ...]) -> None:
        self.folder = folder
        self.listed = names
        self.known = frozenset(names)
        self.trees: dict[Path, Node] = {}
        self._texts: dict[Path, str] = {}
        self._files = _Files()

    def read(self, path: Path) -> str:
        if path not in self._texts:
            self._texts[path] = self._files.read(path)
        return self._texts[path]

    def exists(self, path: Path) -> bool:
        if path.parent == self.folder:
            return path.name.removesuffix(SUFFIX) in self.known
        return self._files.exists(path)

    def names(self, folder: Path) -> list[str]:
        return list(self.listed) if folder == self.folder else self._files.names(folder)


@dataclass(frozen=True, slots=True)
class _InMemory:
    """Spec texts held in memory, each under the path its messages name."""

    texts: Mapping[Path, str]

    def read(self, path: Path) -> str:
        text = self.texts[path]
        if len(text) > MAX_BYTES // 4:  # at most 4 bytes a character: only then count them
            _check_size(path, len(text.encode("utf-8", "surrogatepass")))
        return text

    def exists(self, path: Path) -> bool:
        return path in self.texts

    def names(self, folder: Path) -> list[str]:
        return sorted(p.name.removesuffix(SUFFIX) for p in self.texts if p.parent == folder)


def _read(path: Path, texts: Texts) -> Node:
    cache = texts.trees if isinstance(texts, FolderFiles) else None
    if cache is not None and path in cache:
        return cache[path]
    tree = parse(texts.read(path), str(path))
    if not isinstance(tree.value, dict):
        raise SpecError([Problem(tree.location, "a spec must be a YAML mapping of fields")])
    if cache is not None:
        cache[path] = tree  # never changed: merging builds new nodes
    return tree


def _resolve(path: Path, chain: tuple[Path, ...], texts: Texts) -> Node:
    """The file's tree with its ``extends`` chain merged in."""
    tree = _read(path, texts)
    fields: dict[str, Node] = tree.value
    parent_node = fields.get("extends")
    if parent_node is None:
        stray = [fields[key] for key in OVERRIDE_KEYS if key in fields]
        if stray:
            raise SpecError(
                [
                    Problem(
                        node.location,
                        "only a spec that 'extends' another can change its layers",
                        field=key,
                    )
                    for key, node in fields.items()
                    if node in stray
                ]
            )
        return tree
    parent = _parent_path(path, parent_node, chain, texts)
    return _merge(_resolve(parent, (*chain, path), texts), tree)


def _parent_path(path: Path, node: Node, chain: tuple[Path, ...], texts: Texts) -> Path:
    name = node.value
    if not SPEC_NAME.follows(name):
        raise SpecError([Problem(node.location, SPEC_NAME.message(name), field="extends")])
    parent = path.with_name(f"{name}{SUFFIX}")
    if not texts.exists(parent):
        others = texts.names(path.parent)
        raise SpecError(
            [
                Problem(
                    node.location,
                    f"no spec named {name!r} in {path.parent}{suggest(name, others)}",
                    field="extends",
                )
            ]
        )
    if parent == path or parent in chain:
        cycle = " → ".join(p.name for p in (*chain, path, parent))
        raise SpecError(
            [Problem(node.location, f"'extends' goes round in a circle: {cycle}", field="extends")]
        )
    return parent


def _merge(parent: Node, child: Node) -> Node:
    """The child's fields over the parent's; ``sources`` merge; ``stated`` and ``compared`` are
    never inherited.

    Stated numbers belong to the network a source describes, so a variant starts with none.
    """
    merged: dict[str, Node] = {
        k: v for k, v in parent.value.items() if k not in ("stated", "compared")
    }
    fields: dict[str, Node] = child.value
    for key, node in fields.items():
        if key in OVERRIDE_KEYS:
            continue
        if (
            key == "sources"
            and isinstance(node.value, dict)
            and isinstance(merged.get(key, node).value, dict)
        ):
            merged[key] = (
                Node({**merged[key].value, **node.value}, node.location) if key in merged else node
            )
        else:
            merged[key] = node
    if "layers" in merged:
        merged["layers"] = _change_layers(merged["layers"], fields)
    return Node(merged, child.location)


def _change_layers(layers: Node, fields: dict[str, Node]) -> Node:
    items: list[Node] = list(layers.value) if isinstance(layers.value, list) else []
    problems: list[Problem] = []

    def find(name_node: Node, field: str) -> int | None:
        for i, item in enumerate(items):
            if isinstance(item.value, dict) and _name_of(item) == name_node.value:
                return i
        names = [n for n in (_name_of(i) for i in items) if n]
        problems.append(
            Problem(
                name_node.location,
                f"the parent has no layer named {quote(name_node.value)}"
                f"{suggest(str(name_node.value), names)}",
                field=field,
            )
        )
        return None

    for name_node in _list(fields.get("remove"), "remove", problems):
        index = find(name_node, "remove")
        if index is not None:
            del items[index]
    change = fields.get("change")
    if change is not None:
        if not isinstance(change.value, dict):
            problems.append(
                Problem(
                    change.location,
                    "expected a mapping of layer name to changed fields",
                    field="change",
                )
            )
        else:
            for name, patch in change.value.items():
                index = find(Node(name, patch.location), "change")
                if index is None:
                    continue
                if not isinstance(patch.value, dict):
                    problems.append(
                        Problem(
                            patch.location, "expected a mapping of fields", label(name), "change"
                        )
                    )
                    continue
                items[index] = Node({**items[index].value, **patch.value}, items[index].location)
    for entry in _list(fields.get("insert"), "insert", problems):
        _insert(entry, items, find, problems)
    if problems:
        raise SpecError(problems)
    return Node(items, layers.location)


def _insert(entry: Node, items: list[Node], find: Any, problems: list[Problem]) -> None:
    spec = entry.value if isinstance(entry.value, dict) else {}
    anchors = [key for key in ("after", "before") if key in spec]
    extra = set(spec) - {"after", "before", "layers"}
    if (
        len(anchors) != 1
        or "layers" not in spec
        or extra
        or not isinstance(spec["layers"].value, list)
    ):
        problems.append(
            Problem(
                entry.location,
                "each insert is {after: LAYER, layers: [...]} or {before: LAYER, layers: [...]}",
                field="insert",
            )
        )
        return
    anchor = anchors[0]
    index = find(spec[anchor], "insert")
    if index is not None:
        at = index + 1 if anchor == "after" else index
        items[at:at] = spec["layers"].value


def _list(node: Node | None, field: str, problems: list[Problem]) -> list[Node]:
    if node is None:
        return []
    if not isinstance(node.value, list):
        problems.append(Problem(node.location, "expected a list", field=field))
        return []
    return list(node.value)


def _name_of(item: Node) -> str | None:
    if isinstance(item.value, dict) and "name" in item.value:
        name = item.value["name"].value
        return name if isinstance(name, str) else None
    return None


# --- validation errors ----------------------------------------------------------------------


def _validation_problems(error: ValidationError, data: Any, tree: Node) -> list[Problem]:
    errors = error.errors(include_url=False)
    locs = [tuple(e["loc"]) for e in errors]
    problems: list[Problem] = []
    seen: set[tuple[Location, str | None, str | None, str]] = set()
    for e, loc in zip(errors, locs, strict=True):
        # A container reports "too short" after its items failed; the items' errors say more.
        if any(other[: len(loc)] == loc and other != loc for other in locs):
            continue
        layer, field = _layer_and_field(loc, data, e["type"] == "missing")
        problem = Problem(locate(tree, loc), _message(e, field), layer, field)
        key = (problem.location, layer, field, problem.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return problems


def _real_steps(loc: Sequence[Any], data: Any, missing: bool = False) -> list[str | int]:
    """The steps of an error path that name values or fields, without the library's own steps.

    pydantic adds a union member's name (``constrained-int``) or a layer's ``kind`` tag to paths;
    those are not fields. A name the data does not have is a field only as the last step of a
    ``missing`` error: the field the file leaves out.
    """
    steps: list[str | int] = []
    node = data
    for index, step in enumerate(loc):
        if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            steps.append(step)
            node = node[step]
        elif isinstance(node, dict) and isinstance(step, str) and step != node.get("kind"):
            if step not in node and not (missing and index == len(loc) - 1):
                continue
            steps.append(step)
            node = node.get(step)
    return steps


def _layer_and_field(
    loc: Sequence[Any], data: Any, missing: bool = False
) -> tuple[str | None, str | None]:
    steps = _real_steps(loc, data, missing)
    if len(steps) >= 2 and steps[0] == "layers" and isinstance(steps[1], int):
        item = data["layers"][steps[1]]
        name = item.get("name") if isinstance(item, dict) else None
        layer = label(name) if isinstance(name, str) and name else f"#{steps[1] + 1}"
        fields = [label(step) for step in steps[2:] if isinstance(step, str)]
        return layer, fields[0] if fields else "kind"
    parts: list[str] = []
    for step in steps:
        if isinstance(step, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{step + 1}]"]
        else:
            parts.append(label(step))
    return None, ".".join(parts) or None


# pydantic's own errors, by type: the only messages not worded by a rule of the models. Each is
# filled in from the error's context, and only for an error that occurred.

#: A value of the wrong type: what the field takes instead ("expected …, got …").
_EXPECTED = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "enum": "one of {expected}",
    "literal_error": "{expected}",
}
#: A value that is missing, or has too few or too many characters or items.
_SIZES = {
    "string_too_short": "must not be empty",
    "string_too_long": "is too long ({length} characters, at most {max_length})",
    "too_short": "expected at least {min_length} item(s), got {actual_length}",
    "too_long": "expected at most {max_length} items, got {actual_length}",
}
#: pydantic writes an enumeration's member in a ``Literal`` as ``<Quantity.PARAMS: 'params'>``.
_MEMBER = re.compile(r"<\w+\.\w+: ('[^']*')>")


def _message(error: ErrorDetails, field: str | None) -> str:
    """What went wrong, in the words of the rule the value broke, or for pydantic's own errors
    (a missing or unknown field, a value of the wrong type) in words for the error's type."""
    kind = error["type"]
    context = error.get("ctx") or {}
    found = error.get("input")
    if kind in _EXPECTED:
        expected = _MEMBER.sub(r"\1", _EXPECTED[kind].format(**context))
        return f"expected {expected}, got {describe(found)}"
    if kind in _SIZES:
        length = len(found) if isinstance(found, str) else "?"
        return _SIZES[kind].format(length=length, **context)
    if kind == "missing":
        step = error["loc"][-1] if error["loc"] else None
        return f"item {step + 1} is missing" if isinstance(step, int) else "is required"
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        named = "" if label(key) == (field or "").rsplit(".", 1)[-1] else f" {quote(key)}"
        return f"unknown field{named}{suggest(key, _fields_near(error['loc']))}"
    return error["msg"]  # a rule of the models, in its own words


def _fields_near(loc: Sequence[Any]) -> list[str]:
    """The fields an unknown key at the end of ``loc`` was probably meant to be: those of the
    models that can hold it (any layer kind's, for a key in a layer)."""
    models: list[type[BaseModel]] = [Spec]
    for step in loc[:-1]:
        held = [m.model_fields[step].annotation for m in models if step in m.model_fields]
        if held:  # otherwise an index, a mapping's key or a union's tag: the same models
            models = [model for annotation in held for model in _models_in(annotation)]
    return sorted({name for model in models for name in model.model_fields}) or KNOWN_FIELDS


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in typing.get_args(annotation) for model in _models_in(argument)]


def _group_problems(
    first: str, last: str | None, position: dict[str, int], loaded: LoadedSpec, index: int
) -> Iterable[Problem]:
    """A stated group of layers runs from an existing ``first`` to a ``layer`` written after it."""
    where = locate(loaded.tree, ["stated", index, "first"])
    field = f"stated[{index + 1}].first"
    if first not in position:
        yield Problem(where, f"no layer named {first!r}{suggest(first, position)}", field=field)
    elif last is None or last not in position:
        yield Problem(where, "a group of layers also needs its last one in 'layer'", field=field)
    elif position[first] > position[last]:
        yield Problem(where, f"{first!r} comes after {last!r}: a group runs forward", field=field)


def _graph_checks(loaded: LoadedSpec) -> Iterable[Problem]:
    """Each layer reads layers written before it, as many as its kind takes; ``outputs`` exist."""
    layers = loaded.spec.layers
    position = {layer.name: index for index, layer in enumerate(layers)}
    for index, layer in enumerate(layers):
        if layer.inputs is None:
            continue
        place: list[str | int] = ["layers", index, "inputs"]
        for name in layer.inputs:
            if name == engine.INPUT or position.get(name, index) < index:
                continue
            if name == layer.name:
                what = "itself"
            elif name in position:
                what = f"{name!r}, which comes after it"
            else:
                what = f"{name!r}, which does not exist"
            hint = suggest(name, list(position)[:index]) if name not in position else ""
            yield Problem(
                locate(loaded.tree, place),
                f"it reads {what}: a layer reads 'input' or layers written before it{hint}",
                layer.name,
                "inputs",
            )
        merges = kind_of(layer).merge is not None
        if merges and len(layer.inputs) < 2:
            yield Problem(
                locate(loaded.tree, place),
                f"{article(layer.kind)} {layer.kind} reads two or more layers, "
                f"got {len(layer.inputs)}",
                layer.name,
                "inputs",
            )
        if not merges and len(layer.inputs) != 1:
            yield Problem(
                locate(loaded.tree, place),
                f"{article(layer.kind)} {layer.kind} layer reads one layer, got "
                f"{len(layer.inputs)}: only {MERGING} read several",
                layer.name,
                "inputs",
            )
    for index, name in enumerate(loaded.spec.outputs):
        if name not in position:
            yield Problem(
                locate(loaded.tree, ["outputs", index]),
                f"no layer named {name!r}{suggest(name, position)}",
                field="outputs",
            )


def _unread(loaded: LoadedSpec) -> Iterable[Problem]:
    """Layers whose output no layer reads, besides the last one and the declared ``outputs``."""
    layers = loaded.spec.layers
    read = {name for index in range(len(layers)) for name in engine.sources(layers, index)}
    results = {layers[-1].name, *loaded.spec.outputs}
    for layer in layers:
        if layer.name not in read and layer.name not in results:
            yield Problem(
                loaded.locate(layer.name, "name"),
                "no layer reads its output: name it in a later layer's 'inputs', or in "
                "'outputs' if it is a result of the network",
                layer.name,
            )


class _Wiring:
    """Who reads whom in a spec's layers, by index (``-1`` is the network's input)."""

    def __init__(self, layers: tuple[Layer, ...]) -> None:
        self.layers = layers
        position = {layer.name: index for index, layer in enumerate(layers)}
        position[engine.INPUT] = -1
        self.sources = [
            tuple(position[name] for name in engine.sources(layers, index))
            for index in range(len(layers))
        ]
        self.readers: dict[int, list[int]] = {}
        for index, sources in enumerate(self.sources):
            for source in dict.fromkeys(sources):
                self.readers.setdefault(source, []).append(index)

    def name(self, index: int) -> str:
        return self.layers[index].name if index >= 0 else engine.INPUT

    def merges(self, index: int) -> bool:
        return index >= 0 and kind_of(self.layers[index]).merge is not None

    def weighted(self, indices: Iterable[int]) -> int:
        """How many of the layers make outputs of their own with weights (convolutions, fc)."""
        return sum(1 for i in indices if i >= 0 and kind_of(self.layers[i]).width is not None)

    def starts_blocks(self, index: int) -> bool:
        """Whether a layer's output is where blocks start: the input, a merge or a pooling, or
        the activations and normalisations right after one (a residual block's skip, a dense
        block's input, a stem's end)."""
        while index >= 0:
            kind = kind_of(self.layers[index])
            if kind.merge is not None or kind.pooling:
                return True
            if not kind.passthrough:
                return False
            index = self.sources[index][0]
        return True

    def below(self, start: int, end: int) -> set[int]:
        """``start`` and the layers before ``end`` that read it, directly or not."""
        found = {start}
        for index in range(start + 1, end):
            if any(source in found for source in self.sources[index]):
                found.add(index)
        return found

    def above(self, start: int, floor: int) -> set[int]:
        """``start`` and the layers it reads, directly or not, from ``floor`` on."""
        found, todo = {start}, [start]
        while todo:
            for source in self.sources[todo.pop()]:
                if source >= floor and source not in found:
                    found.add(source)
                    todo.append(source)
        return found

    def branch(self, end: int) -> tuple[list[int], int]:
        """The branch that ends at ``end``, back to where it starts, and the layer it reads there.

        It runs back through layers read by no other, and stops at a layer that names its
        ``inputs`` (a branch marked as such), or before a layer where blocks start
        (:meth:`starts_blocks`) or that several layers read (a fork).
        """
        layers = [end]
        while True:
            index = layers[-1]
            source = self.sources[index][0]
            if (
                self.layers[index].inputs is not None
                or source < 0
                or self.starts_blocks(source)
                or len(self.readers[source]) > 1
            ):
                return layers, source
            layers.append(source)


def _forgotten_inputs(loaded: LoadedSpec) -> Iterable[Problem]:
    """Layers whose implicit input looks like a forgotten ``inputs`` (a located warning each).

    A layer without ``inputs`` reads the layer written before it, P. When a layer that reads
    several (M: an ``add``, a ``concat``) also reads P, and reads this layer's output too
    (directly or through more layers), this layer starts a branch off P. That is how a residual or dense block is written
    when P is where blocks start (a merge, a pooling, their activation; the input). It is
    probably a forgotten ``inputs`` when P is instead the end of another branch:

    - M also merges a branch that neither leads to P nor comes from it (an inception module
      whose third branch reads the second's end);
    - or the branch through this layer is a single convolution (a projection shortcut) while the
      branch ending in P holds more (ResNet's ``res2a_branch1`` reading ``bn2a_branch2c``);
    - or the branch ending in P starts by naming its ``inputs``, and no other layer reads
      that one (the second branch of a block forgot it).

    Naming the input, even the layer before, says it is meant and ends the warning.
    """
    layers = loaded.spec.layers
    wiring = _Wiring(layers)
    for index in range(1, len(layers)):
        if layers[index].inputs is not None:
            continue
        prior = index - 1
        for merge in wiring.readers[prior]:
            if merge <= index or not wiring.merges(merge):
                continue
            below = wiring.below(index, merge)
            others = [s for s in wiring.sources[merge] if s != prior]
            if not any(source in below for source in others):
                continue
            if _looks_forgotten(wiring, index, prior, merge, below):
                yield _forgotten(loaded, wiring, index, prior, merge)
                break


def _looks_forgotten(wiring: _Wiring, index: int, prior: int, merge: int, below: set[int]) -> bool:
    """Whether the branch that starts at layer ``index`` (``below``: it and what reads it) off
    ``prior``, into ``merge``, looks like a mistake (the three signs of
    :func:`_forgotten_inputs`)."""
    others = [source for source in wiring.sources[merge] if source != prior]
    after = wiring.below(prior, merge)
    before = wiring.above(prior, max(min(others), 0))
    if any(other >= 0 and other not in after and other not in before for other in others):
        return True  # a parallel branch: prior is one branch's end among others
    if wiring.starts_blocks(prior):
        return False
    branch, start = wiring.branch(prior)
    own = wiring.weighted(below & wiring.above(merge, index))
    theirs = wiring.weighted(branch)
    if own <= 1 and theirs > max(own, 1):
        return True  # a lone convolution beside a longer branch: a projection shortcut
    marked = wiring.layers[branch[-1]].inputs is not None
    return marked and branch[-1] > 0 and len(wiring.readers[start]) == 1


def _forgotten(loaded: LoadedSpec, wiring: _Wiring, index: int, prior: int, merge: int) -> Problem:
    """The warning for layer ``index``, with the ``inputs`` it probably meant: the layer the
    branch ending in ``prior`` starts from."""
    name, read, merged = wiring.name(index), wiring.name(prior), wiring.name(merge)
    where = label(wiring.name(wiring.branch(prior)[1]))
    return Problem(
        loaded.locate(name, "name"),
        f"it has no 'inputs', so it reads the layer before it, {read!r}, which {merged!r} also "
        f"reads: a forgotten 'inputs'? If this layer starts a branch of its own, name what it "
        f"reads, as `inputs: [{where}]` if it starts where the branch ending in {read!r} does; "
        f"to read {read!r}, write `inputs: [{read}]`",
        name,
    )


#: The word the scaffolds of ``generator new`` and ``generator import`` mark what to replace with.
PLACEHOLDER = re.compile(r"\bTODO\b")
#: Hosts reserved for examples (RFC 2606): no source can be read there.
EXAMPLE_HOSTS = re.compile(r"^(?:[\w-]+\.)*(?:example\.(?:org|com|net)|[\w-]+\.example)$", re.I)
#: What to write in place of a placeholder, by the field that holds it.
_FILL_IN = {
    "title": "the network's name",
    "summary": "a paragraph on what the network is",
    "citation": "who published the source, where and when",
    "url": "the address where a reader can check the source",
    "states": "what the source says about the network",
    "quote": "the source's own words",
}


def _placeholders(tree: Node, path: tuple[str | int, ...] = ()) -> Iterable[Problem]:
    """Text the scaffolds left to replace: a ``TODO``, or an address at an example host.

    ``generator new`` and ``generator import`` write valid specs with placeholders; a spec that
    still holds one is not finished, and would be published titled "(TODO: authors, year)".
    """
    if isinstance(tree.value, dict):
        for key, node in tree.value.items():
            yield from _placeholders(node, (*path, key))
    elif isinstance(tree.value, list):
        for index, node in enumerate(tree.value):
            yield from _placeholders(node, (*path, index))
    elif isinstance(tree.value, str) and path:
        field = path[-1] if isinstance(path[-1], str) else ""
        example = field == "url" and EXAMPLE_HOSTS.match(_host(tree.value)) is not None
        if example or PLACEHOLDER.search(tree.value):
            what = _FILL_IN.get(field, "its real value")
            found = "example address" if example else "placeholder 'TODO'"
            yield Problem(
                tree.location,
                f"still holds the scaffold's {found}: write {what}",
                field=_field_path(path),
            )


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # not an address at all: the url rule says so
        return ""


def _field_path(path: tuple[str | int, ...]) -> str:
    """``("sources", "paper", "url") → sources.paper.url``; ``("stated", 0, "quote") →
    stated[1].quote``."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def _compared_checks(loaded: LoadedSpec, texts: Texts) -> Iterable[Problem]:
    """Each stated difference cites a source of the spec and names another spec of its folder."""
    spec = loaded.spec
    others = texts.names(loaded.path.parent)
    for index, claim in enumerate(spec.compared):
        place: list[str | int] = ["compared", index]
        if claim.source not in spec.sources:
            yield Problem(
                locate(loaded.tree, [*place, "source"]),
                f"no source named {claim.source!r} in 'sources'{suggest(claim.source, spec.sources)}",
                field=f"compared[{index + 1}].source",
            )
        if claim.to == loaded.name or claim.to not in others:
            what = "this spec itself" if claim.to == loaded.name else "no spec of this folder"
            yield Problem(
                locate(loaded.tree, [*place, "to"]),
                f"{claim.to!r} is {what}: a difference is stated against another spec of the "
                f"folder{suggest(claim.to, [o for o in others if o != loaded.name])}",
                field=f"compared[{index + 1}].to",
            )


def _cross_checks(loaded: LoadedSpec) -> Iterable[Problem]:
    spec = loaded.spec
    first_use: dict[str, int] = {}
    for index, layer in enumerate(spec.layers):
        if layer.name in first_use or layer.name == "input":
            what = (
                "is reserved for the input"
                if layer.name == "input"
                else f"is already used by layer #{first_use[layer.name] + 1}"
            )
            yield Problem(
                locate(loaded.tree, ["layers", index, "name"]),
                f"the name {layer.name!r} {what}",
                layer.name,
                "name",
            )
        first_use.setdefault(layer.name, index)
    for index, claim in enumerate(spec.stated):
        place: list[str | int] = ["stated", index]
        if claim.source not in spec.sources:
            yield Problem(
                locate(loaded.tree, [*place, "source"]),
                f"no source named {claim.source!r} in 'sources'{suggest(claim.source, spec.sources)}",
                field=f"stated[{index + 1}].source",
            )
        if claim.layer is not None and claim.layer != "input" and claim.layer not in first_use:
            yield Problem(
                locate(loaded.tree, [*place, "layer"]),
                f"no layer named {claim.layer!r}{suggest(claim.layer, first_use)}",
                field=f"stated[{index + 1}].layer",
            )
        if claim.first is not None:
            yield from _group_problems(claim.first, claim.layer, first_use, loaded, index)
        is_list = isinstance(claim.value, list)
        if is_list != (claim.quantity.value == "shape"):
            expected = (
                "a list [C, H, W] or [N]" if claim.quantity.value == "shape" else "a whole number"
            )
            yield Problem(
                locate(loaded.tree, [*place, "value"]),
                f"a stated {claim.quantity.value} is {expected}",
                field=f"stated[{index + 1}].value",
            )
