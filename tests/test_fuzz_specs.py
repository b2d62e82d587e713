"""Fuzzing the loader: whatever a spec file holds, the result is an analysis or a located SpecError.

Each example starts from a valid spec (a shipped one, or a small generated one) and breaks it in
one way: a required key deleted, a misspelt key, a value of the wrong type, a number out of range,
an unknown layer kind, a duplicate layer name, impossible geometry, broken YAML, aliases and alias
bombs, bytes that are not UTF-8, an empty file, a top-level list, or an ``extends`` that is missing,
goes round in a circle or leaves the folder. Every problem must read ``path:line: message`` (with
``layer '…': field '…':`` when it is in a layer); nothing may raise anything else. A mutation that
happens to leave the spec valid must give a full analysis.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from textwrap import indent
from typing import Any, get_args

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from generator.analysis.model import audited
from generator.core.results import Analysis
from generator.edges.cli import main
from generator.load import loader
from generator.render import export
from generator.spec.errors import SpecError
from generator.spec.models import LAYER_MODELS, MAX_SIZE, MAX_SPATIAL, Source, Spec, Stated
from tests.helpers import SHIPPED, SPECS, run_cli, spec_data

# Fuzzing: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

FUZZED = "fuzzed"
#: A spec that extends the fuzzed one, so that ``extends: loop`` goes round in a circle.
LOOP = "loop"
TEXTS = {name: (SPECS / f"{name}.yml").read_text(encoding="utf-8") for name in SHIPPED}
#: Shipped specs that stand alone (no ``extends``): their data is the whole spec.
STANDALONE = sorted(name for name, text in TEXTS.items() if "\nextends:" not in "\n" + text)
DATA = {name: yaml.safe_load(TEXTS[name]) for name in STANDALONE}
ANALYSES = {a.name: a for a in loader.load_folder(SPECS)}
MODEL_OF_KIND = {
    kind: model
    for model in LAYER_MODELS
    for kind in get_args(model.model_fields["kind"].annotation)  # Literal["conv"], ...
}
LAYER_KINDS = sorted(MODEL_OF_KIND)


def required(model: Any) -> list[str]:
    return [name for name, field in model.model_fields.items() if field.is_required()]


@dataclass(frozen=True)
class Case:
    """One fuzzed file: what was done, its bytes, and what the outcome must be."""

    what: str
    content: bytes = field(repr=False)
    must_fail: bool = False
    #: (layer label or None, field) that some problem must name, when the spec is rejected.
    names: tuple[str | None, str] | None = None
    #: The line some problem must be on, when known.
    line: int | None = None
    #: The class of mutation, for Hypothesis' statistics (``--hypothesis-show-statistics``).
    family: str = ""


def dump(data: Any) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's, when PyYAML has it: faster
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def encode(text: str) -> bytes:
    return text.encode("utf-8")


# --- valid starting points -------------------------------------------------------------------


@st.composite
def generated_spec(draw: st.DrawFn) -> dict[str, Any]:
    """A small spec of random layers: often valid, sometimes impossible geometry."""
    size = draw(st.integers(4, 64))
    layers: list[dict[str, Any]] = []
    flat = False
    for index in range(draw(st.integers(1, 6))):
        name = f"l{index + 1}"
        kinds = ["fc", "relu", "dropout", "softmax"] + (
            [] if flat else ["conv", "max_pool", "avg_pool", "lrn", "flatten", "adaptive_avg_pool"]
        )
        kind = draw(st.sampled_from(kinds))
        layer: dict[str, Any] = {"name": name, "kind": kind}
        if kind == "conv":
            layer |= {"out_channels": draw(st.integers(1, 16)), "kernel": draw(st.integers(1, 7))}
            if draw(st.booleans()):
                layer["stride"] = draw(st.integers(1, 4))
            if draw(st.booleans()):
                layer["padding"] = draw(st.one_of(st.integers(0, 3), st.just("same")))
        elif kind in ("max_pool", "avg_pool"):
            layer |= {"kernel": draw(st.integers(1, 4)), "stride": draw(st.integers(1, 3))}
        elif kind == "lrn":
            layer["size"] = draw(st.integers(1, 5))
        elif kind == "adaptive_avg_pool":
            layer["output"] = draw(st.integers(1, 6))
        elif kind == "fc":
            layer["out_features"] = draw(st.integers(1, 64))
            flat = True
        elif kind == "flatten":
            flat = True
        layers.append(layer)
    return spec_data(*layers, title="Generated", input=[draw(st.integers(1, 4)), size, size])


def base_data() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.sampled_from(STANDALONE).map(lambda n: DATA[n]), generated_spec())


# --- structured mutations: on the data, then written out as YAML -----------------------------


def label(data: dict[str, Any], index: int) -> str:
    name = data["layers"][index].get("name")
    return name if isinstance(name, str) else f"#{index + 1}"


@st.composite
def delete_required(draw: st.DrawFn) -> Case:
    data = copy.deepcopy(draw(base_data()))
    where = draw(st.sampled_from(["spec", "layer", "source", "stated"]))
    if where == "layer":
        index = draw(st.integers(0, len(data["layers"]) - 1))
        layer = data["layers"][index]
        key = draw(st.sampled_from(required(MODEL_OF_KIND[layer["kind"]])))
        names = (f"#{index + 1}" if key == "name" else label(data, index), key)
        del layer[key]
    elif where == "source":
        source = draw(st.sampled_from(sorted(data["sources"])))
        key = draw(st.sampled_from(required(Source)))
        del data["sources"][source][key]
        names = (None, f"sources.{source}.{key}")
    elif where == "stated" and data.get("stated"):
        index = draw(st.integers(0, len(data["stated"]) - 1))
        key = draw(st.sampled_from(required(Stated)))
        del data["stated"][index][key]
        names = (None, f"stated[{index + 1}].{key}")
    else:
        key = draw(st.sampled_from(required(Spec)))
        del data[key]
        names = (None, key)
    return Case(f"delete required {key!r} ({where})", encode(dump(data)), True, names)


@st.composite
def misspelt_key(draw: st.DrawFn) -> Case:
    data = copy.deepcopy(draw(base_data()))
    targets: list[dict[str, Any]] = [data, *data["layers"], *data["sources"].values()]
    target = draw(st.sampled_from(targets))
    key = draw(st.sampled_from(sorted(target)))
    position = draw(st.integers(0, len(key)))
    edit = draw(st.sampled_from(["drop", "double", "swap", "insert", "case", "suffix"]))
    if edit == "drop" and len(key) > 1:
        new = key[: min(position, len(key) - 1)] + key[min(position, len(key) - 1) + 1 :]
    elif edit == "double":
        new = key[:position] + key[position - 1 : position] + key[position:]
    elif edit == "swap" and len(key) > 1:
        i = min(position, len(key) - 2)
        new = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    elif edit == "case":
        new = key.capitalize()
    elif edit == "suffix":
        new = key + draw(st.sampled_from(["s", "_", "-size", "2"]))
    else:
        new = key[:position] + draw(st.sampled_from("xqz_-")) + key[position:]
    assume(new not in target and new.strip() not in loader.KNOWN_FIELDS)
    target[new] = draw(st.sampled_from([target[key], 1, "text", None]))
    return Case(f"unknown key {new!r} beside {key!r}", encode(dump(data)), True)


WRONG_TYPES: dict[str, Any] = {
    "text": "3",
    "empty text": "",
    "list": [1, 2, 3],
    "mapping": {"value": 1},
    "null": None,
    "true": True,
    "float": 2.5,
}


@st.composite
def wrong_type(draw: st.DrawFn) -> Case:
    data = copy.deepcopy(draw(base_data()))
    where = draw(st.sampled_from(["spec", "layer", "layer", "source", "stated"]))
    if where == "layer":
        index = draw(st.integers(0, len(data["layers"]) - 1))
        target = data["layers"][index]
        key = draw(st.sampled_from(sorted(target)))
        layer_label = label(data, index)
        names: tuple[str | None, str] = (layer_label, key)
    elif where == "source":
        source = draw(st.sampled_from(sorted(data["sources"])))
        target = data["sources"][source]
        key = draw(st.sampled_from(sorted(target)))
        names = (None, f"sources.{source}.{key}")
    elif where == "stated" and data.get("stated"):
        index = draw(st.integers(0, len(data["stated"]) - 1))
        target = data["stated"][index]
        key = draw(st.sampled_from(sorted(target)))
        names = (None, f"stated[{index + 1}].{key}")
    else:
        target = data
        key = draw(st.sampled_from(sorted(data)))
        names = (None, key)
    current = target[key]
    kind = draw(st.sampled_from(sorted(WRONG_TYPES)))
    value = WRONG_TYPES[kind]
    # Not the type the field already has (a float is a fine value for LRN's alpha, say).
    assume(type(value) is not type(current) and not (kind == "float" and isinstance(current, str)))
    target[key] = value
    if where == "layer" and key == "name":
        # A layer is named in messages by its name when that is text, else by its position.
        names = (value if isinstance(value, str) and value else f"#{index + 1}", key)
    # null leaves an optional field unset: any problem that follows is somewhere else.
    return Case(
        f"{kind} for {key!r} ({where})",
        encode(dump(data)),
        False,
        names if value is not None else None,
    )


BAD_NUMBERS = [-1, 0, -(10**9), 10**7 + 1, MAX_SIZE + 1, MAX_SPATIAL + 1, 10**12, 10**40]


def numbers_in(data: dict[str, Any]) -> list[tuple[Any, Any, tuple[str | None, str]]]:
    """(container, key, (layer, field)) of every whole number in a spec."""
    found: list[tuple[Any, Any, tuple[str | None, str]]] = []
    for i in range(len(data["input"])):
        found.append((data["input"], i, (None, f"input[{i + 1}]")))
    for index, layer in enumerate(data["layers"]):
        for key, value in layer.items():
            if isinstance(value, int) and not isinstance(value, bool):
                found.append((layer, key, (label(data, index), key)))
            if isinstance(value, list):
                found.extend((value, i, (label(data, index), key)) for i in range(len(value)))
    for index, claim in enumerate(data.get("stated", ())):
        if isinstance(claim["value"], int):
            found.append((claim, "value", (None, f"stated[{index + 1}].value")))
    if "towers" in data:
        found.append((data, "towers", (None, "towers")))
    return found


@st.composite
def bad_number(draw: st.DrawFn) -> Case:
    data = copy.deepcopy(draw(base_data()))
    container, key, names = draw(st.sampled_from(numbers_in(data)))
    value = draw(st.sampled_from(BAD_NUMBERS))
    container[key] = value
    return Case(f"{value} for {names}", encode(dump(data)), False, None)


@st.composite
def unknown_kind(draw: st.DrawFn) -> Case:
    data = copy.deepcopy(draw(base_data()))
    index = draw(st.integers(0, len(data["layers"]) - 1))
    kind = draw(
        st.sampled_from(["maxpool", "Conv", "conv2d", "linear", "pool", "", "relu ", "batchnorm"])
        | st.text(min_size=1, max_size=12)
    )
    assume(kind not in LAYER_KINDS)
    data["layers"][index]["kind"] = kind
    return Case(f"kind {kind!r}", encode(dump(data)), True, (label(data, index), "kind"))


@st.composite
def duplicate_name(draw: st.DrawFn) -> Case:
    data = copy.deepcopy(draw(base_data()))
    layers = data["layers"]
    index = draw(st.integers(0, len(layers) - 1))
    if len(layers) > 1 and draw(st.booleans()):
        other = draw(st.integers(0, len(layers) - 1).filter(lambda i: i != index))
        name = layers[other]["name"]
    else:
        name = "input"
    layers[index]["name"] = name
    return Case(f"layer #{index + 1} named {name!r}", encode(dump(data)), True, (name, "name"))


@st.composite
def impossible_geometry(draw: st.DrawFn) -> Case:
    name = draw(st.sampled_from(STANDALONE))
    data = copy.deepcopy(DATA[name])
    analysis: Analysis = ANALYSES[name]
    options: list[tuple[int, str]] = []
    for index, (layer, result) in enumerate(zip(data["layers"], analysis.layers, strict=True)):
        if layer["kind"] == "conv":
            options.append((index, "groups"))
            if layer.get("padding") != "same":
                options.append((index, "kernel"))
        if layer["kind"] in ("max_pool", "avg_pool") and layer.get("padding") != "same":
            options.append((index, "padding"))
        if layer["kind"] == "fc" and result.layer.kind == "fc":
            options.append((index, "towers"))
    index, field = draw(st.sampled_from(options))
    layer, result = data["layers"][index], analysis.layers[index]
    if field == "groups":
        channels = result.input[0]
        layer["groups"] = draw(st.sampled_from([channels + 1, 7 if channels % 7 else 5]))
        assume(channels % layer["groups"])
    elif field == "kernel":
        axis = result.axes[0] if result.axes else None
        assert axis is not None
        layer["kernel"] = axis.size + axis.pad_before + axis.pad_after + draw(st.integers(1, 50))
        layer.pop("dilation", None)
    elif field == "padding":
        kernel = result.axes[0].kernel if result.axes else 1
        layer["padding"] = kernel // 2 + draw(st.integers(1, 3))
    else:
        layer["towers"] = draw(st.sampled_from([3, 7, 11]))
        assume(result.output[0] % layer["towers"])
    return Case(
        f"{name}: impossible {field} in {layer['name']}",
        encode(dump(data)),
        True,
        (layer["name"], field),
    )


# --- text mutations: on a shipped spec's text ------------------------------------------------

SYNTAX_BREAKS = [
    "[",
    "]",
    "{",
    "}",
    "key: [1, 2",
    "key: {a: 1",
    "- - -:",
    ": :",
    "'unclosed",
    '"unclosed',
    "\tindented: with a tab",
    "  odd: indentation",
    "      deeper: indentation",
    "*undefined_alias",
    "&anchor",
    "!tag",
    "%YAML 1.1",
    "@at",
    "`backtick",
    "? complex",
    "|",
    ">",
    "---",
    "...",
    "title: given twice",
    "key: value: other",
]


@st.composite
def broken_syntax(draw: st.DrawFn) -> Case:
    text = TEXTS[draw(st.sampled_from(SHIPPED))]
    lines = text.splitlines(keepends=True)
    at = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["insert", "indent", "dedent", "tabs", "truncate", "append"]))
    if how == "insert":
        lines.insert(at, draw(st.sampled_from(SYNTAX_BREAKS)) + "\n")
    elif how == "append":
        lines[at] = lines[at].rstrip("\n") + " " + draw(st.sampled_from(SYNTAX_BREAKS)) + "\n"
    elif how == "indent":
        lines[at] = " " * draw(st.integers(1, 5)) + lines[at]
    elif how == "dedent":
        lines[at] = lines[at].lstrip(" ")
    elif how == "tabs":
        lines[at] = re.sub(r"^( +)", lambda m: "\t" * max(1, len(m.group(1)) // 2), lines[at])
    else:
        cut = draw(st.integers(0, len(lines[at])))
        lines = [*lines[:at], lines[at][:cut]]
    return Case(f"{how} at line {at + 1}", encode("".join(lines)))


@st.composite
def not_utf8(draw: st.DrawFn) -> Case:
    raw = encode(TEXTS[draw(st.sampled_from(SHIPPED))])
    at = draw(st.integers(0, len(raw)))
    # Back off to a character boundary so the inserted bytes are the only bad ones.
    while 0 < at < len(raw) and (raw[at] & 0xC0) == 0x80:
        at -= 1
    bad = draw(
        st.sampled_from([b"\xff", b"\xfe\xff", b"\x80", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88"])
    )
    line = raw.count(b"\n", 0, at) + 1
    return Case(f"bytes {bad!r} at line {line}", raw[:at] + bad + raw[at:], True, line=line)


@st.composite
def control_character(draw: st.DrawFn) -> Case:
    text = TEXTS[draw(st.sampled_from(SHIPPED))]
    at = draw(st.integers(0, len(text)))
    char = draw(st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\ufffe"]))
    line = text.count("\n", 0, at) + 1
    return Case(
        f"U+{ord(char):04X} at line {line}", encode(text[:at] + char + text[at:]), True, line=line
    )


EMPTY = ["", "\n", "   \n\n", "# only a comment\n", "---\n", "...\n", "--- \n...\n"]
NOT_A_MAPPING = [
    "- a\n- b\n",
    "[1, 2, 3]\n",
    "just some text\n",
    "42\n",
    "~\n",
    "null\n",
    "true\n",
    "2012-01-01\n",
    "!!binary aGVsbG8=\n",
]


@st.composite
def not_a_spec(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from(["empty", "scalar or list", "spec in a list", "two documents"]))
    if kind == "empty":
        text = draw(st.sampled_from(EMPTY))
    elif kind == "scalar or list":
        text = draw(st.sampled_from(NOT_A_MAPPING))
    elif kind == "spec in a list":
        text = dump([DATA[draw(st.sampled_from(STANDALONE))]])
    else:
        text = TEXTS[draw(st.sampled_from(SHIPPED))] + "---\ntitle: a second document\n"
    return Case(kind, encode(text), True, line=1 if kind != "two documents" else None)


LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
)


@st.composite
def aliases(draw: st.DrawFn) -> Case:
    name = draw(st.sampled_from(STANDALONE))
    data = copy.deepcopy(DATA[name])
    kind = draw(
        st.sampled_from(
            [
                *("shared source", "shared layer fields", "billion laughs", "laughs in a field"),
                *("recursive", "merge key", "undefined alias", "deep nesting", "python tag"),
            ]
        )
    )
    if kind == "shared source":
        # An alias to a whole value is plain YAML: a second source that repeats the first is
        # valid; the same alias under a misspelt key is not.
        sources = data.pop("sources")
        first = next(iter(sources))
        anchored = dump({first: sources[first]}).replace(f"{first}:", f"{first}: &shared", 1)
        text = dump(data) + "sources:\n" + indent(anchored, "  ") + "  copy: *shared\n"
        misspelt = draw(st.booleans())
        text += "source: *shared\n" if misspelt else ""
        return Case(kind, encode(text), misspelt, (None, "source") if misspelt else None)
    if kind == "shared layer fields":
        text = "x-defaults: &d {kind: relu}\n" + dump(data)
        return Case(kind, encode(text), True, (None, "x-defaults"))
    if kind == "billion laughs":
        return Case(kind, encode(LAUGHS + dump(data)), True)
    if kind == "laughs in a field":
        text = dump(data).replace("title:", LAUGHS + "title: *h\nx_title:", 1)
        return Case(kind, encode(text), True)
    if kind == "recursive":
        text = dump(data).replace("title:", "title: &t [*t]\nx_title:", 1)
        return Case(kind, encode(text), True, line=1)
    if kind == "merge key":
        text = "base: &b {kind: relu}\n" + dump(data)
        text = text.replace("- name: ", "- <<: *b\n  name: ", 1)
        return Case(kind, encode(text), True)
    if kind == "undefined alias":
        text = dump(data).replace("title:", "title: *nowhere\nx_title:", 1)
        return Case(kind, encode(text), True, line=1)
    if kind == "deep nesting":
        depth = draw(st.integers(33, 3000))
        text = dump(data) + "notes: " + "[" * depth + "]" * depth + "\n"
        return Case(f"{kind} {depth}", encode(text), True)
    tag = draw(
        st.sampled_from(
            [
                "!!python/object/apply:os.system ['true']",
                "!!python/name:os.system",
                "!!binary aGVsbG8=",
                "!!set {a, b}",
                "!!omap [a: 1]",
                "!custom value",
                "!!int twelve",
                "!!float x",
                "!!timestamp 2012-13-45",
                "2012-02-30",
                "1" + "0" * 5000,
                "0x" + "f" * 500,
            ]
        )
    )
    text = dump(data).replace("title:", f"title: {tag}\nx_title:", 1)
    return Case(f"title: {tag[:40]}", encode(text), True, line=1)


# --- extends ---------------------------------------------------------------------------------

PARENTS = ["bvlc-alexnet", "cuda-convnet2-1gpu", "torchvision-alexnet"]


@st.composite
def bad_extends(draw: st.DrawFn) -> Case:
    target = draw(
        st.sampled_from(
            [
                "no-such-spec",
                "alexnet_2012",
                FUZZED,
                LOOP,
                "../alexnet-2012",
                "../../etc/passwd",
                "/etc/passwd",
                str(SPECS / "alexnet-2012"),
                "sub/alexnet-2012",
                "..",
                ".",
                "",
                "ALEXNET-2012",
                "alexnet-2012.yml",
                "~/alexnet-2012",
                "alexnet-2012\x00",
            ]
        )
        | st.sampled_from([5, None, True, ["alexnet-2012"], {"name": "alexnet-2012"}])
    )
    data: dict[str, Any] = {"extends": target, "title": "A variant"}
    return Case(f"extends: {target!r}", encode(dump(data)), True, (None, "extends"), line=1)


@st.composite
def bad_overrides(draw: st.DrawFn) -> Case:
    parent = draw(st.sampled_from(PARENTS))
    names = [layer.name for layer in ANALYSES[parent].spec.layers]
    kind = draw(
        st.sampled_from(["remove missing", "change missing", "change not a mapping", "insert"])
        | st.sampled_from(["without extends", "change bad field", "remove not a list"])
    )
    data: dict[str, Any] = {"extends": parent}
    field = kind.split()[0]
    if kind == "remove missing":
        data["remove"] = [draw(st.sampled_from(names)) + "x"]
    elif kind == "change missing":
        data["change"] = {"nonexistent": {"kernel": 3}}
    elif kind == "change not a mapping":
        data["change"] = draw(st.sampled_from([[names[0]], "conv1", {names[0]: 3}]))
    elif kind == "insert":
        data["insert"] = draw(
            st.sampled_from(
                [
                    [{"after": "nowhere", "layers": [{"name": "x", "kind": "relu"}]}],
                    [{"after": names[0]}],
                    [{"after": names[0], "before": names[1], "layers": []}],
                    [{"after": names[0], "layers": {"name": "x"}}],
                    {"after": names[0]},
                    [{"after": names[0], "layers": [{"name": names[1], "kind": "relu"}]}],
                ]
            )
        )
    elif kind == "without extends":
        data = copy.deepcopy(DATA[draw(st.sampled_from(STANDALONE))])
        field = draw(st.sampled_from(["change", "remove", "insert"]))
        data[field] = {"conv1": {"kernel": 3}} if field == "change" else ["conv1"]
    elif kind == "change bad field":
        data["change"] = {draw(st.sampled_from(names)): {"kernle": 3}}
        field = "kernle"
    else:
        data["remove"] = names[0]
    return Case(f"{kind} (parent {parent})", encode(dump(data)), True)


@st.composite
def valid_extends(draw: st.DrawFn) -> Case:
    """A variant of a shipped spec that should load: the valid path of extends."""
    parent = draw(st.sampled_from(PARENTS))
    layer = draw(st.sampled_from([r for r in ANALYSES[parent].layers if r.kind == "relu"]))
    data: dict[str, Any] = {"extends": parent, "title": "A variant"}
    if draw(st.booleans()):
        data["remove"] = [layer.name]
    else:
        data["change"] = {layer.name: {"note": "Changed by the fuzzer."}}
    return Case(f"variant of {parent}", encode(dump(data)))


@st.composite
def bad_inputs(draw: st.DrawFn) -> Case:
    """A layer that reads what does not exist, what comes later, nothing, or too many layers; or
    a merge of random earlier outputs, which may or may not fit."""
    data = copy.deepcopy(draw(base_data()))
    layers = data["layers"]
    index = draw(st.integers(0, len(layers) - 1))
    names = [layer["name"] for layer in layers]
    what = draw(st.sampled_from(["missing", "later", "empty", "two", "merge"]))
    if what == "later" and index + 1 < len(layers):
        later = names[draw(st.integers(index + 1, len(layers) - 1))]
        layers[index]["inputs"] = [later]
        return Case(
            f"{names[index]} reads the later {later}",
            encode(dump(data)),
            True,
            (names[index], "inputs"),
        )
    if what == "empty":
        layers[index]["inputs"] = []
        return Case(
            f"{names[index]} reads nothing", encode(dump(data)), True, (names[index], "inputs")
        )
    if what == "two" and layers[index].get("kind") not in ("add", "concat"):
        layers[index]["inputs"] = ["input", "input"]
        return Case(f"{names[index]} reads two", encode(dump(data)), True, (names[index], "inputs"))
    if what == "merge":
        sources = st.sampled_from(["input", *names[: index + 1]])
        merge = {
            "name": "merged",
            "kind": draw(st.sampled_from(["add", "concat"])),
            "inputs": draw(st.lists(sources, min_size=2, max_size=4)),
        }
        layers.insert(index + 1, merge)
        return Case(f"{merge['kind']} of {merge['inputs']}", encode(dump(data)))
    layers[index]["inputs"] = ["nowhere"]
    return Case(f"{names[index]} reads nowhere", encode(dump(data)), True, (names[index], "inputs"))


FAMILIES: dict[str, st.SearchStrategy[Case]] = {
    "bad inputs": bad_inputs(),
    "deleted required key": delete_required(),
    "misspelt key": misspelt_key(),
    "wrong type": wrong_type(),
    "number out of range": bad_number(),
    "unknown layer kind": unknown_kind(),
    "duplicate layer name": duplicate_name(),
    "impossible geometry": impossible_geometry(),
    "broken YAML syntax": broken_syntax(),
    "not UTF-8": not_utf8(),
    "control character": control_character(),
    "empty, scalar or list": not_a_spec(),
    "anchors, aliases and tags": aliases(),
    "bad extends": bad_extends(),
    "bad change/remove/insert": bad_overrides(),
    "valid extends": valid_extends(),
    "generated spec": generated_spec().map(lambda d: Case("generated", encode(dump(d)))),
}


def cases() -> st.SearchStrategy[Case]:
    return st.one_of(
        *(
            strategy.map(lambda case, family=family: replace(case, family=family))
            for family, strategy in FAMILIES.items()
        )
    )


# --- the checks ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped specs (parents for extends), and a spec that extends the fuzzed one."""
    folder = tmp_path_factory.mktemp("fuzz") / "architectures"
    shutil.copytree(SPECS, folder)
    (folder / f"{LOOP}.yml").write_text(f"extends: {FUZZED}\ntitle: Loop\n", encoding="utf-8")
    return folder


def problem_lines(report: str, folder: Path) -> Iterator[tuple[str, int, str]]:
    """Each line of a report as (file name, line, rest), asserting the ``path:line: `` form."""
    pattern = re.compile(rf"^{re.escape(str(folder))}/([a-z0-9][a-z0-9._-]*\.yml):(\d+): (\S.*)$")
    for text in report.splitlines():
        match = pattern.match(text)
        assert match, f"not 'path:line: message': {text!r}"
        yield match.group(1), int(match.group(2)), match.group(3)


QUOTED = r"(?:'[^']*'|\"[^\"]*\")"
IN_LAYER = re.compile(rf"^layer {QUOTED}: field {QUOTED}: \S")


def check_rejection(error: SpecError, case: Case, folder: Path) -> None:
    report = error.report()
    assert "Traceback" not in report
    assert len(report.splitlines()) == len(error.problems) >= 1
    for problem, (_, line, rest) in zip(
        sorted(error.problems, key=lambda p: (p.location.path, p.location.line)),
        problem_lines(report, folder),
        strict=True,
    ):
        assert line >= 1
        assert problem.message.strip() and "\n" not in problem.message
        if problem.layer is not None:
            assert problem.field is not None, str(problem)
            assert IN_LAYER.match(rest), rest
    if case.names is not None:
        layer, field = case.names
        found = {(p.layer, p.field) for p in error.problems}
        assert (layer, field) in found, f"expected layer {layer!r} field {field!r} in:\n{report}"
    if case.line is not None:
        assert case.line in {p.location.line for p in error.problems}, report


def check_analysis(analysis: Analysis) -> None:
    """A full analysis: every layer computed, totals that add up, exportable as JSON."""
    assert len(analysis.layers) == len(analysis.spec.layers)
    for result in analysis.layers:
        assert result.output and all(size >= 1 for size in result.output)
    assert analysis.totals.params == sum(r.params for r in analysis.layers)
    json.dumps(export.analysis_data(audited(analysis)))


def run(case: Case, folder: Path) -> Analysis | SpecError:
    path = folder / f"{FUZZED}.yml"
    path.write_bytes(case.content)
    try:
        return loader.analyse(loader.load(path))
    except SpecError as error:
        return error


@settings(
    max_examples=10 * settings.default.max_examples,  # 1,000 under the ci profile
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(case=cases())
def test_every_malformed_spec_gives_located_problems(case: Case, folder: Path) -> None:
    outcome = run(case, folder)
    event(f"{case.family}: {'rejected' if isinstance(outcome, SpecError) else 'valid'}")
    if isinstance(outcome, SpecError):
        check_rejection(outcome, case, folder)
    else:
        assert not case.must_fail, f"{case.what}: accepted"
        check_analysis(outcome)


@settings(
    max_examples=settings.default.max_examples // 2,  # 50 under the ci profile
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(case=cases())
def test_the_check_command_reports_them_without_a_traceback(case: Case, folder: Path) -> None:
    path = folder / f"{FUZZED}.yml"
    path.write_bytes(case.content)
    expected = run(case, folder)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "Traceback" not in result.output
    if isinstance(expected, SpecError):
        assert result.exit_code == 1, result.output
        *lines, summary = result.stderr.splitlines()
        assert re.fullmatch(r"\d+ problems? found\.", summary)
        # A spec that loads but fails later may also have warned (a layer nothing reads).
        problems = [line for line in lines if not line.startswith("warning: ")]
        assert len(list(problem_lines("\n".join(problems), folder))) == len(expected.problems)
    else:
        assert result.exit_code == 0, result.output


HOSTILE_FILES = {
    "not-utf8": b"title: caf\xe9\n",
    "billion-laughs": encode(LAUGHS + "title: *h\n"),
    "recursive-alias": b"title: &t [*t]\n",
    "python-tag": b"title: !!python/object/apply:os.system ['echo pwned']\n",
    "deep-nesting": b"title: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_python_m_generator_check_exits_1_without_a_traceback(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.yml"
    path.write_bytes(HOSTILE_FILES[name])
    result = run_cli("check", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "pwned" not in result.stdout
    assert re.match(rf"{re.escape(str(path))}:\d+: \S", result.stderr), result.stderr
