"""The JSON Schema of a spec file, generated from the models of :mod:`generator.spec.models`. Pure.

Editors check and complete spec files against it as they are typed (each shipped spec names it in
its first line), the site publishes it, and the contributing page is written from it. Nothing in
it is maintained by hand: descriptions are the models' docstrings, defaults and examples their
fields'. What the models cannot say is added here, and only that: a file may ``extends`` another
spec, and then it may leave out required fields and use ``change``, ``remove`` and ``insert``
(see :func:`generator.load.loader._merge`); and each value of an enumeration has its own docstring.

``schema/spec.schema.json`` at the top of the repository is a copy, kept equal by a test:
regenerate it with ``python -m generator schema > schema/spec.schema.json``.
"""

from __future__ import annotations

import ast
import copy
import functools
import inspect
import itertools
import json
import re
import sys
import textwrap
import typing
from collections.abc import Iterator
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import (
    GenerateJsonSchema,
    JsonSchemaValue,
    models_json_schema,
)

from generator.spec.models import LAYER_MODELS, OVERRIDE_KEYS, Overrides, Quantity, Rounding, Spec

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: A name, not an address: the site's address is set where it is published (``SITE_URL``).
SCHEMA_ID = "urn:alexnet-arithmetic:spec.schema.json"
TITLE = "AlexNet, layer by layer: architecture spec"
#: Where the schema is committed in the repository and published on the site.
SCHEMA_PATH = "schema/spec.schema.json"


def editor_line(schema_ref: str) -> str:
    """The first line of a spec file that points editors using the YAML language server (VS Code's
    YAML extension and others) at the schema, by a path relative to the spec file."""
    return f"# yaml-language-server: $schema={schema_ref}"


#: The first line of a spec in ``docs/architectures/``, pointing at the committed schema.
EDITOR_LINE = editor_line(f"../../{SCHEMA_PATH}")
ENUMS: tuple[type[Enum], ...] = (Rounding, Quantity)


def spec_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a spec file, standalone or extending another (a fresh
    copy: the site writes it and the contributing page reads it)."""
    return json.loads(_schema_json())  # type: ignore[no-any-return]


@functools.cache
def _schema_json() -> str:
    # pydantic takes a tenth of a second to generate it, and it changes only with the code.
    return json.dumps(_generate())


def _generate() -> dict[str, Any]:
    _, top = models_json_schema(
        [(Spec, "validation"), (Overrides, "validation")],
        ref_template="#/$defs/{model}",
        schema_generator=_Generator,
    )
    defs: dict[str, Any] = top["$defs"]
    for model in _models(Spec, Overrides):
        properties = defs[model.__name__].get("properties", {})
        for name, doc in field_docs(model).items():
            if name in properties:
                properties[name] = _sorted({**properties[name], "description": doc}, name)
    spec = defs.pop("Spec")
    overrides = defs.pop("Overrides")
    for name in ("Overrides", "Insert"):
        for field in (overrides if name == "Overrides" else defs[name])["properties"].values():
            field.pop("default", None)  # absent, not null: the keys have no default
    for enum in ENUMS:
        entry = defs[enum.__name__]
        documented = member_docs(enum)
        entry["enumDescriptions"] = [documented[value] for value in entry["enum"]]
    defs["LayerChange"] = _layer_change(defs)
    change = overrides["properties"]["change"]["patternProperties"]
    for pattern in change:
        change[pattern] = {"$ref": "#/$defs/LayerChange"}
    standalone_only = {key: False for key in OVERRIDE_KEYS if key != "extends"}
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": TITLE,
        "description": (
            f"{spec['description']} A file either describes a network in full, or names a spec "
            "it `extends` and says only what differs: then every field is optional and "
            "`change`, `remove` and `insert` edit the inherited layers."
        ),
        "type": "object",
        "properties": {**spec["properties"], **overrides["properties"]},
        "additionalProperties": False,
        "if": {"not": {"required": ["extends"]}},
        "then": {"required": spec["required"], "properties": standalone_only},
        "$defs": dict(sorted(defs.items())),
    }
    tidy: dict[str, Any] = _tidy(schema)
    return tidy


def schema_text() -> str:
    """The schema as the committed and published file: indented JSON, ending in a newline."""
    return json.dumps(spec_schema(), indent=2, ensure_ascii=False) + "\n"


def _models(*roots: type[BaseModel]) -> list[type[BaseModel]]:
    """The models of the schema: the roots and every model their fields hold, once each."""
    found: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if model and annotation not in found:
            found.append(annotation)
            for field in annotation.model_fields.values():
                visit(field.annotation)
        for argument in typing.get_args(annotation):
            visit(argument)

    for root in roots:
        visit(root)
    return found


def field_docs(model: type[BaseModel]) -> dict[str, str]:
    """Each field of a model with the docstring written under it, its own or a base model's,
    cleaned as pydantic cleans it (``inspect.cleandoc``)."""
    found: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not issubclass(cls, BaseModel) or cls.__module__ == BaseModel.__module__:
            continue
        for statement, doc in _documented(cls):
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                found[statement.target.id] = inspect.cleandoc(doc)
    return found


def member_docs(enum: type[Enum]) -> dict[str, str]:
    """Each value of an enumeration with the docstring written under it, as one-line Markdown."""
    found: dict[str, str] = {}
    for statement, doc in _documented(enum):
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
            found[enum[statement.targets[0].id].value] = _text(doc)
    return found


@functools.cache
def _classes(module: str) -> dict[str, ast.ClassDef]:
    """The top-level classes of a module's source, by name: each module is parsed once, where
    ``inspect.getsource`` would search the file again for every class."""
    source = inspect.getsource(sys.modules[module])
    tree = ast.parse(source)
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def _documented(cls: type) -> Iterator[tuple[ast.stmt, str]]:
    """Each statement of a class's body that has a docstring written under it, with that text."""
    found = _classes(cls.__module__).get(cls.__qualname__)
    if found is None:  # not a top-level class: read its own source
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        found = tree.body[0] if isinstance(tree.body[0], ast.ClassDef) else None
    body = found.body if found is not None else []
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            yield statement, following.value.value


_ANNOTATIONS = ("title", "description", "default", "examples")


class _Generator(GenerateJsonSchema):
    """pydantic's generator, except that examples and defaults keep the order they were written in."""

    def sort(self, value: JsonSchemaValue, parent_key: str | None = None) -> JsonSchemaValue:
        sorted_value: JsonSchemaValue = _sorted(value, parent_key)
        return sorted_value


def _sorted(value: Any, parent_key: str | None = None) -> Any:
    """Keywords in name order, as pydantic sorts them; fields, examples and defaults as written."""
    if parent_key in ("examples", "default"):
        return value
    if isinstance(value, dict):
        keys = list(value) if parent_key == "properties" else sorted(value)
        return {key: _sorted(value[key], key) for key in keys}
    if isinstance(value, list):
        return [_sorted(item, parent_key) for item in value]
    return value


def _layer_change(defs: dict[str, Any]) -> dict[str, Any]:
    """Any field of any layer kind, none required: what ``change`` may say about one layer."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for model in LAYER_MODELS:
        for name, field in defs[model.__name__]["properties"].items():
            merged.setdefault(name, []).append(field)
    properties: dict[str, Any] = {}
    for name, fields in merged.items():
        kinds = [_bare(field) for field in fields]
        distinct = [k for i, k in enumerate(kinds) if k not in kinds[:i]]
        if name == "kind":
            values = [v for k in distinct for v in k.get("enum", [k.get("const")])]
            entry: dict[str, Any] = {"type": "string", "enum": values}
        elif len(distinct) == 1:
            entry = dict(distinct[0])
        else:
            entry = {"anyOf": distinct}
        entry["description"] = fields[0]["description"]
        properties[name] = entry
    properties["kind"]["description"] = (
        "The layer's new kind; the layer's other fields must then suit it."
    )
    return {
        "title": "LayerChange",
        "description": "Fields to change in one layer; any field of a layer kind, none required.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }


def _bare(field: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in field.items() if key not in _ANNOTATIONS}


def _tidy(node: Any) -> Any:
    """The generated schema made plainer, and as strict as the models where pydantic is not.

    Docstrings become one-line Markdown (``code`` becomes `code`); nested ``anyOf`` (a pair or
    nothing) become one list without repeats; a mapping whose keys have a pattern refuses other
    keys, as pydantic does.
    """
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return copy.deepcopy(node)
    tidy: dict[str, Any] = {}
    for key, value in node.items():
        if key == "description" and isinstance(value, str):
            tidy[key] = _text(value)
        elif key == "anyOf":
            options: list[Any] = []
            for option in _tidy(value):
                for flat in option["anyOf"] if set(option) == {"anyOf"} else [option]:
                    if flat not in options:
                        options.append(flat)
            tidy[key] = options
        else:
            tidy[key] = _tidy(value)
    if "patternProperties" in tidy:
        tidy.setdefault("additionalProperties", False)
    return tidy


def _text(docstring: str) -> str:
    return re.sub(r"``(.+?)``", r"`\1`", " ".join(docstring.split()))
