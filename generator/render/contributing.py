"""The contributing page and the starting spec of ``python -m generator new``, written from the schema.

The reference part of the page walks :func:`generator.spec.schema.spec_schema`, so it lists exactly the
fields the loader accepts, with their docstrings, defaults and examples. The walkthrough shows a
worked example and real error messages for broken copies of it: the site model loads them from
memory at every build (:mod:`generator.analysis.examples`), and this module only shows the result.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

import yaml
from markupsafe import Markup
from pydantic import TypeAdapter

from generator.analysis.audit import Verdict
from generator.analysis.examples import (
    BRANCHES,
    BRANCHES_NAME,
    EXAMPLE,
    EXAMPLE_NAME,
    SPECS,
    BrokenExample,
    Examples,
)
from generator.core import formatting
from generator.core.kinds import kind_of
from generator.core.kinds.activations import ACTIVATION
from generator.render import architecture, markup
from generator.render.templating import ENV, value_text
from generator.spec import models, schema
from generator.spec.models import LAYER_MODELS, Conv, Layer, LayerBase, Quantity, Rounding, Spec

CONTRIBUTING_PAGE = "contributing.md"
SERVE_ADDRESS = "http://127.0.0.1:8000"


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One field of the format, as the reference tables show it."""

    name: str
    type: Markup
    default: Markup
    meaning: Markup
    examples: Markup
    anchor: str = ""
    """Its row's id on the page: the section's anchor and the field's name."""


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the format (the top level, a layer kind, a source, ...) or a list of values."""

    level: int
    anchor: str
    heading: Markup
    description: Markup
    rows: tuple[FieldRow, ...] = ()
    example: Markup | None = None
    values: tuple[tuple[Markup, Markup], ...] = ()
    label: str = ""
    """What the field index calls it: ``conv``, ``max_pool, avg_pool``, ``the top level``."""

    @property
    def collapsed(self) -> bool:
        """Whether its table is folded away: the layer kinds' (the index opens one)."""
        return self.level > 3


@dataclass(frozen=True, slots=True)
class Mistake:
    """A broken copy of the example as the page shows it: the changed line, the loader's report."""

    title: str
    line: Markup
    report: Markup


class Parent(Protocol):
    """The spec a variant starts from: a loaded spec or an analysis, each named."""

    @property
    def name(self) -> str: ...

    @property
    def spec(self) -> Spec: ...


#: Where each definition of the schema is described on the page, and how a type names it.
_ANCHORS: Mapping[str, tuple[str, str]] = {
    "Source": ("source", "a source"),
    "Stated": ("stated", "a stated number"),
    "Compared": ("compared", "a stated comparison"),
    "Sides": ("sides", "a mapping of sides"),
    "Rounding": ("rounding", "a rounding rule"),
    "Quantity": ("quantity", "a quantity"),
    "Insert": ("insert", "an insertion"),
    "LayerChange": ("variants", "a mapping of fields to change"),
}
_LAYERS_ANCHOR = "layer-kinds"
#: The fields every layer kind has: listed once, under the layer kinds.
LAYER_COMMON = ("name", "kind", "note", "inputs")


def contributing_page(examples: Examples) -> str:
    """The contributing page: a walkthrough, then every field of the spec format.

    It shows the worked example and its broken copies, checked (:func:`check_examples`), and
    nothing else of the site: it depends on the code alone."""
    spec_schema = schema.spec_schema()
    sections = reference(spec_schema)
    return ENV.get_template("contributing.md.j2").render(
        specs=SPECS,
        schema_path=schema.SCHEMA_PATH,
        editor_line=schema.EDITOR_LINE,
        serve=SERVE_ADDRESS,
        scaffold=fenced(new_spec("my-net"), "yaml"),
        example_name=EXAMPLE_NAME,
        example=fenced(EXAMPLE, "yaml"),
        checks=example_checks(examples),
        mistakes=mistakes(examples),
        branches_name=BRANCHES_NAME,
        branches=fenced(BRANCHES, "yaml"),
        branch_rows=branch_rows(examples),
        counting=_mac_kinds(examples, counted=True),
        not_counting=_mac_kinds(examples, counted=False),
        forgotten=_mistake(examples.forgotten),
        verdicts=_values(Verdict),
        required=Markup(", ").join(code(name) for name in spec_schema["then"]["required"]),
        reference=sections,
        index=field_index(sections),
    )


def reference(spec_schema: dict[str, Any]) -> list[Section]:
    """Every part of the format, in the order a spec is written, from the schema."""
    defs = spec_schema["$defs"]
    top = {k: v for k, v in spec_schema["properties"].items() if k not in models.OVERRIDE_KEYS}
    overrides = {k: spec_schema["properties"][k] for k in models.OVERRIDE_KEYS}
    required = set(spec_schema["then"]["required"])
    sections = [
        Section(
            3,
            "top-level",
            Markup("The top level"),
            describe(spec_schema["description"]),
            _rows(top, spec_schema, required, "top-level"),
            label="the top level",
        ),
        _definition(spec_schema, "Source", "Each source"),
        _definition(spec_schema, "Stated", "Each stated number"),
        _definition(spec_schema, "Compared", "Each stated comparison"),
        Section(
            3,
            _LAYERS_ANCHOR,
            Markup("Layer kinds"),
            Markup("Each entry of ")
            + code("layers")
            + Markup(" is one layer; its ")
            + code("kind")
            + Markup(" is one of ")
            + Markup(", ").join(code(kind) for kind in layer_kinds())
            + Markup(", and decides which other fields it has. Every kind has these:"),
            _common_rows(spec_schema),
            label="every layer",
        ),
        *_layer_sections(spec_schema),
        _definition(spec_schema, "Sides", "Padding as a mapping of sides"),
        Section(
            3,
            "variants",
            Markup("Variants: ") + Markup(", ").join(code(key) for key in models.OVERRIDE_KEYS),
            describe(
                "A spec that names another in `extends` is a variant of it and says only what "
                "differs. `change` may give a layer any of the fields of the layer kinds above."
            ),
            _rows(overrides, spec_schema, set(), "variants"),
            label="a variant",
        ),
        _definition(spec_schema, "Insert", "Each insertion", level=4),
    ]
    for enum in (Rounding, Quantity):
        anchor, _ = _ANCHORS[enum.__name__]
        sections.append(
            Section(
                3,
                anchor,
                Markup(markup.inline(f"{enum.__name__} values")),
                describe(defs[enum.__name__]["description"]),
                values=_values(enum),
            )
        )
    return sections


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A field name of the format and the sections that have a field of that name."""

    name: str
    places: tuple[tuple[str, str], ...]
    """Each section's label and the field's row anchor there."""


def field_index(sections: list[Section]) -> list[IndexEntry]:
    """Every field name, alphabetically, with where it is: what the page's index lists."""
    found: dict[str, list[tuple[str, str]]] = {}
    for section in sections:
        for row in section.rows:
            found.setdefault(row.name, []).append((section.label, row.anchor))
    return [IndexEntry(name, tuple(found[name])) for name in sorted(found)]


# --- the walkthrough -------------------------------------------------------------------------


def layer_kinds() -> list[str]:
    """Every layer ``kind``, in the order of :data:`generator.spec.models.LAYER_MODELS`."""
    return [kind for model in LAYER_MODELS for kind in _kinds(model)]


def _kinds(model: type[LayerBase]) -> tuple[str, ...]:
    return typing.get_args(model.model_fields["kind"].annotation)


def new_spec(
    name: str,
    *,
    editor_line: str = schema.EDITOR_LINE,
    parent: Parent | None = None,
) -> str:
    """The text of a new spec file: valid as it stands, with comments saying what to replace."""
    if parent is not None:
        return _variant_spec(name, editor_line, parent)
    kinds = _wrap(f"The layers in order. Kinds: {', '.join(layer_kinds())}.", "# ")
    return f"""\
{editor_line}
# {name}: a new architecture. Replace each TODO, and remove these comments as you go.
# Every field is explained on the site's contributing page; check the file with
#   python -m generator check {SPECS}/{name}.yml
# and see its page with `mkdocs serve`, at {SERVE_ADDRESS}/architectures/{name}/.
title: "TODO: the network's name (authors, year)"
summary: >-
  TODO: one paragraph on what this network is and why it belongs on the site.
# Channels, height and width of one input image.
input: [3, 224, 224]
# towers: 2   # how many GPUs the network is split across, if more than one
# Each publication or code the spec follows, under a short key that stated numbers cite.
sources:
  paper:
    citation: "TODO: Authors. Title. Venue, year."
    url: https://example.org/TODO
    states: "TODO: what this source says about the network, in a sentence or a short quote."
# Numbers a source states (quantity: {", ".join(q.value for q in Quantity)}), audited against
# the computed ones; layer 'input' is the input, no layer means the whole network.
stated:
  - {{quantity: shape, layer: conv1, value: [96, 54, 54], source: paper, quote: "TODO: its words"}}
{kinds}
layers:
  - {{name: conv1, kind: conv, out_channels: 96, kernel: 11, stride: 4}}
  - {{name: relu1, kind: relu}}
  - {{name: pool1, kind: max_pool, kernel: 3, stride: 2}}
  - {{name: flatten, kind: flatten}}
  - {{name: fc1, kind: fc, out_features: 1000}}
  - {{name: softmax, kind: softmax}}
"""


def _variant_spec(name: str, editor_line: str, parent: Parent) -> str:
    layers = parent.spec.layers
    first = layers[0].name
    conv = next((layer.name for layer in layers if isinstance(layer, Conv)), first)
    # A layer that changes no shape is the likeliest to be removed: a normalisation, a dropout
    # (an activation only when there is nothing else).
    passing = [layer for layer in layers if kind_of(layer).passthrough]
    removable = next(
        (layer.name for layer in passing if kind_of(layer) is not ACTIVATION),
        passing[0].name if passing else layers[-1].name,
    )
    names = _wrap(", ".join(layer.name for layer in layers), "#   ")
    keys = _wrap(
        f"Sources are merged with the parent's ({', '.join(parent.spec.sources)}); add the ones "
        "this variant follows:",
        "# ",
    )
    return f"""\
{editor_line}
# {name}: a variant of {parent.name} ({parent.spec.title}).
# It inherits everything {parent.name} says but its stated numbers; write here only what differs,
# replace each TODO and remove these comments as you go. Check it with
#   python -m generator check {SPECS}/{name}.yml
# and see its page with `mkdocs serve`, at {SERVE_ADDRESS}/architectures/{name}/.
extends: {parent.name}
title: "TODO: the variant's name (authors, year)"
summary: >-
  TODO: one paragraph on how this variant differs from {parent.name}, and where it comes from.
{keys}
# sources:
#   TODO-key: {{citation: "Authors. Title. Venue, year.", url: "https://...", states: "..."}}
# Stated numbers are not inherited; add the ones a source states about this variant:
# stated:
#   - {{quantity: neurons, layer: {conv}, value: 0, source: TODO-key}}
# The parent's layers:
{names}
# Change them, in this order: remove some, change fields of others, insert new ones.
# remove: [{removable}]
# change:
#   {conv}: {{padding: 1}}
# insert:
#   - after: {first}
#     layers:
#       - {{name: drop1, kind: dropout, p: 0.5}}
"""


def _wrap(text: str, prefix: str, width: int = 100) -> str:
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(prefix) + len(line) + 1 + len(word) > width:
            lines.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(prefix + line)
    return "\n".join(lines)


def example_checks(examples: Examples) -> list[tuple[str, str, str, str]]:
    """The worked example's audit: what is stated, what is computed, the verdict."""
    return [
        (
            f"{check.claim.layer or 'total'} {check.claim.quantity.value}",
            value_text(check.claim.value),
            value_text(check.computed),
            check.verdict.value,
        )
        for check in examples.checks
    ]


def mistakes(examples: Examples) -> list[Mistake]:
    """Each broken copy of the example, with the loader's own messages, as fenced blocks."""
    return [_mistake(broken) for broken in examples.mistakes]


def _mistake(broken: BrokenExample) -> Mistake:
    return Mistake(broken.title, fenced(broken.line.strip(), "yaml"), fenced(broken.report))


def branch_rows(examples: Examples) -> list[tuple[Markup, str, str, str, str]]:
    """The branches example layer by layer: name, settings, output, parameters, MACs."""
    return [
        (
            code(r.name),
            architecture.operation(r),
            formatting.shape(r.output),
            formatting.count(r.params),
            formatting.count(r.macs),
        )
        for r in examples.branches.layers
    ]


def _mac_kinds(examples: Examples, *, counted: bool) -> Markup:
    """The kinds of the branches example that count multiply-accumulates (or that count none)."""
    kinds: dict[str, None] = {}
    for r in examples.branches.layers:
        if bool(r.macs) is counted:
            kinds.setdefault(r.layer.kind)
    return Markup(markup.series([code(kind) for kind in kinds]))


# --- the reference, from the schema ----------------------------------------------------------


def _definition(spec_schema: dict[str, Any], name: str, heading: str, *, level: int = 3) -> Section:
    definition = spec_schema["$defs"][name]
    anchor, label = _ANCHORS[name]
    return Section(
        level,
        anchor,
        Markup(markup.inline(heading)),
        describe(definition["description"]),
        _rows(definition["properties"], spec_schema, set(definition.get("required", ())), anchor),
        label=label,
    )


def _common_rows(spec_schema: dict[str, Any]) -> tuple[FieldRow, ...]:
    """The fields every layer kind has, as the first kind's schema gives them (its ``kind`` said
    for every kind)."""
    first = spec_schema["$defs"][LAYER_MODELS[0].__name__]
    fields = {k: first["properties"][k] for k in LAYER_COMMON if k in first["properties"]}
    rows = _rows(fields, spec_schema, set(first.get("required", ())), _LAYERS_ANCHOR)
    kind = Markup("one of the kinds below")
    examples = Markup(", ").join(code(f"kind: {k}") for k in layer_kinds()[:3])
    return tuple(
        dataclasses.replace(row, type=kind, examples=examples) if row.name == "kind" else row
        for row in rows
    )


def _layer_sections(spec_schema: dict[str, Any]) -> list[Section]:
    adapter: TypeAdapter[Any] = TypeAdapter(Layer)
    sections: list[Section] = []
    for model in LAYER_MODELS:
        definition = spec_schema["$defs"][model.__name__]
        kinds = _kinds(model)
        required = [n for n in definition.get("required", ()) if n not in ("name", "kind")]
        example = {
            "name": f"{kinds[0].rsplit('_', 1)[-1]}1",
            "kind": kinds[0],
            **{n: _examples(definition["properties"][n])[0] for n in required},
        }
        adapter.validate_python(example)  # an example that does not load is a bug: fail the build
        anchor = f"layer-{kinds[0].replace('_', '-')}"
        fields = {k: v for k, v in definition["properties"].items() if k not in LAYER_COMMON}
        sections.append(
            Section(
                4,
                anchor,
                Markup(", ").join(code(kind) for kind in kinds),
                describe(definition["description"]),
                _rows(fields, spec_schema, set(definition.get("required", ())), anchor),
                code(f"- {_flow(example)}"),
                label=", ".join(kinds),
            )
        )
    return sections


def _values(enum: type[Enum]) -> tuple[tuple[Markup, Markup], ...]:
    documented = schema.member_docs(enum)
    return tuple((code(member.value), describe(documented[member.value])) for member in enum)


def _rows(
    fields: dict[str, Any], spec_schema: dict[str, Any], required: set[str], anchor: str
) -> tuple[FieldRow, ...]:
    return tuple(
        FieldRow(
            anchor=f"{anchor}-{name.replace('_', '-')}",
            name=name,
            type=type_text(field, spec_schema),
            default=(
                Markup("required")
                if name in required
                else (code(_flow(field["default"])) if "default" in field else Markup("—"))
            ),
            meaning=describe(field["description"]),
            examples=Markup(", ").join(code(f"{name}: {_flow(e)}") for e in _examples(field)),
        )
        for name, field in fields.items()
    )


def _examples(field: dict[str, Any]) -> list[Any]:
    if "examples" in field:
        return list(field["examples"])
    if "const" in field:
        return [field["const"]]
    if "enum" in field:
        return list(field["enum"])
    raise ValueError(f"no example for {field.get('title')!r}: give it Field(examples=[...])")


def type_text(field: dict[str, Any], spec_schema: dict[str, Any]) -> Markup:
    """What kind of value a field takes, in words, with links to the definitions it uses."""
    if "$ref" in field:
        name = field["$ref"].rsplit("/", 1)[-1]
        if name in _ANCHORS:
            anchor, label = _ANCHORS[name]
            return Markup(f"[{label}](#{anchor})")
        return type_text(spec_schema["$defs"][name], spec_schema)
    if "discriminator" in field:
        return Markup(f"[a layer](#{_LAYERS_ANCHOR})")
    if "anyOf" in field:
        options = [o for o in field["anyOf"] if o.get("type") != "null"]
        words: list[Markup] = []
        for option in options:
            items = option.get("prefixItems", [])
            if items and all(item == options[0] for item in items):
                words.append(Markup(f"a list of {len(items)} of those"))  # 11 or [11, 11]
            else:
                words.append(type_text(option, spec_schema))
        return Markup(", or ").join(words) if len(words) > 2 else Markup(" or ").join(words)
    if "const" in field:
        return code(field["const"])
    if "enum" in field:
        return Markup("one of ") + Markup(", ").join(code(v) for v in field["enum"])
    kind = field.get("type")
    if kind in ("integer", "number"):
        return Markup(markup.inline(_number(field)))
    if kind == "boolean":
        return Markup("<code>true</code> or <code>false</code>")
    if kind == "string":
        return Markup(markup.inline(_string(field)))
    if kind == "array":
        if "prefixItems" in field:
            items = field["prefixItems"]
            return Markup(f"a list of {len(items)}, each ") + type_text(items[0], spec_schema)
        return Markup("a list, each ") + type_text(field["items"], spec_schema)
    if kind == "object" and "patternProperties" in field:
        (value,) = field["patternProperties"].values()
        return Markup("a mapping of names, each to ") + type_text(value, spec_schema)
    raise ValueError(f"no words for the schema {field!r}")


def _number(field: dict[str, Any]) -> str:
    noun = "a whole number" if field["type"] == "integer" else "a number"
    low: int | float | None = field.get("minimum")
    if "exclusiveMinimum" in field:  # only ever "greater than 0" for a count
        low = field["exclusiveMinimum"] + (1 if field["type"] == "integer" else 0)
    low_text = "" if low is None else f"{low:,}" if field["type"] == "integer" else f"{low:g}"
    if "maximum" in field:
        return f"{noun} from {low_text} to {field['maximum']:,}"
    if "exclusiveMaximum" in field:
        return f"{noun} from {low_text} to below {field['exclusiveMaximum']:g}"
    return f"{noun} ≥ {low_text}" if low_text else noun


def _string(field: dict[str, Any]) -> str:
    pattern = field.get("pattern")
    if pattern is None:
        return "text"
    if pattern == models.SPEC_NAME.pattern:
        return "a spec's file name without .yml"
    if pattern.startswith("^https?"):
        return "a web address"
    return "a name: letters, digits, -, _ or ., starting with a letter"


# --- Markdown helpers ------------------------------------------------------------------------


def describe(text: str) -> Markup:
    """A schema description as safe Markdown: its `code` spans kept, everything else escaped."""
    parts = re.split(r"`([^`]+)`", text)
    return Markup("").join(
        code(part) if i % 2 else markup.inline(part) for i, part in enumerate(parts)
    )


def code(value: object) -> Markup:
    """An inline code span; spec values never contain a backtick or a table's pipe."""
    text = str(value)
    if "`" in text or "|" in text or "\n" in text:
        raise ValueError(f"cannot show {text!r} as inline code")
    return Markup(f"`{text}`")


def fenced(text: str, language: str = "") -> Markup:
    """A fenced code block, its fence longer than any run of backticks in the text."""
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * max(3, *(run + 1 for run in runs)) if runs else "```"
    return Markup(f"{fence}{language}\n{text.rstrip()}\n{fence}")


#: libyaml's emitter where PyYAML has it: the page writes a few hundred values.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _flow(value: Any) -> str:
    """A value as YAML on one line, as a spec writes it."""
    dumped = yaml.dump(
        {"v": value},
        Dumper=_DUMPER,
        default_flow_style=True,
        allow_unicode=True,
        sort_keys=False,
        width=10**6,
    ).strip()
    return dumped.removeprefix("{v: ").removesuffix("}")
