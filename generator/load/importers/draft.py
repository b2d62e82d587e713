"""What an importer makes of a model file, and the spec text written from it.

Every importer turns its format into a :class:`Draft`: the input, the layers in order (each with
the fields the spec format gives its kind, what it reads, and what the model file calls it), and a
record of the source. :func:`spec_text` writes the draft as a commented spec file in the style of
the hand-written ones: one flow mapping per layer, ``inputs`` only where a layer reads something
else than the layer before it. What a model file itself says about a layer (the shape its own tools
infer, the parameters its weights hold) rides along in :class:`Expected`, so that the engine's
numbers can be checked against it once the text has been loaded.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from generator.core.engine import INPUT

#: A value of a layer field: numbers, flags, words, ``[h, w]`` pairs, or a padding mapping.
Value = int | float | bool | str | tuple[int | str, ...] | Mapping[str, int]

#: The key under which the written spec's ``sources`` records the model file.
SOURCE_KEY = "model-file"
#: The placeholder address the contributor replaces (``--url`` gives the real one).
PLACEHOLDER_URL = "https://example.org/TODO"
#: Comment lines are wrapped to this width.
WIDTH = 100


@dataclass(frozen=True, slots=True)
class Expected:
    """What the model file says about a layer's result, for the engine's numbers to match."""

    shape: tuple[int, ...] | None = None
    """One image's output shape by the format's own shape inference; ``None`` when it has none."""
    params: int | None = None
    """The values of the weight tensors the layer reads (weights and biases)."""
    weights: tuple[str, ...] = ()
    """The names of those tensors, as the model reads them (a PyTorch module's parameter names)."""


@dataclass(frozen=True, slots=True)
class Total:
    """The parameters a model says it holds in all, for the spec's total to match."""

    params: int
    what: str
    """Where the number comes from, for the message: ``the module's parameters (…)``."""
    unread: tuple[str, ...] = ()
    """Its parameters that no imported layer reads."""
    shared: tuple[str, ...] = ()
    """Its parameters that more than one imported layer reads (and so counts)."""


@dataclass(frozen=True, slots=True)
class DraftLayer:
    """One layer of the spec to write."""

    name: str
    kind: str
    fields: Mapping[str, Value]
    """The kind's fields, in the order to write them (``name`` and ``kind`` excluded)."""
    inputs: tuple[str, ...]
    """The layers it reads, by their (final) names; ``input`` for the network's input."""
    origin: str
    """Where the model file defines it, for messages: ``deploy.prototxt:12: layer 'conv1'``,
    ``model.onnx: node '/0/Conv' (Conv)``."""
    comment: str | None = None
    """A remark written above the layer in the file (not shown on the page)."""
    expected: Expected = field(default_factory=Expected)


@dataclass(frozen=True, slots=True)
class Draft:
    """A spec as an importer found it in a model file."""

    title: str
    input: tuple[int, int, int]
    layers: tuple[DraftLayer, ...]
    format: str
    """What kind of file it came from: ``Caffe prototxt``, ``ONNX``, ``PyTorch module``."""
    source: str
    """The file or the ``package.module:callable`` it came from, as the contributor named it."""
    citation: str
    """The source's citation as written (to be completed by the contributor)."""
    states: str
    """What the model file says, in a sentence: the source's ``states``."""
    notes: tuple[str, ...] = ()
    """Comment lines about the import as a whole, written at the top of the file."""
    total: Total | None = None
    """What the model holds in all, where it says (a PyTorch module); the spec must count it."""


def outputs(layers: tuple[DraftLayer, ...]) -> tuple[str, ...]:
    """Layers besides the last whose output no layer reads: results of the network."""
    read = {name for layer in layers for name in layer.inputs}
    return tuple(layer.name for layer in layers[:-1] if layer.name not in read)


def scalar(value: Value) -> str:
    """A value as YAML in a flow mapping, read back as exactly this value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"
    return _text(value)


def _float(value: float) -> str:
    """YAML 1.1 (PyYAML) reads ``1e-4`` as text: a float's exponent needs a point before it."""
    text = repr(value)
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _text(value: str) -> str:
    """A word plain when YAML reads it back as the same text, else double-quoted."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", value):
        try:
            if yaml.safe_load(f"[{value}]") == [value]:
                return value
        except yaml.YAMLError:  # pragma: no cover - the pattern above never breaks YAML
            pass
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str, indent: str = "") -> list[str]:
    """``text`` as wrapped YAML comment lines; every line of the text stays a comment."""
    flat = " ".join(text.split())
    return textwrap.wrap(
        flat,
        width=WIDTH,
        initial_indent=f"{indent}# ",
        subsequent_indent=f"{indent}# ",
        break_on_hyphens=False,  # a layer's name stays whole: 'on-test', 'conv1-7x7'
    ) or [f"{indent}#"]


def _single_line(text: str) -> str:
    """Text for one comment line: printable characters only."""
    return "".join(c if c.isprintable() else "?" for c in text)


def layer_line(layer: DraftLayer, previous: str) -> str:
    """``  - {name: conv1, kind: conv, ...}``, naming ``inputs`` only when it is not ``previous``."""
    parts = [f"name: {scalar(layer.name)}", f"kind: {layer.kind}"]
    parts += [f"{key}: {scalar(value)}" for key, value in layer.fields.items()]
    if layer.inputs != (previous,):
        parts.append(f"inputs: {scalar(layer.inputs)}")
    return "  - {" + ", ".join(parts) + "}"


def spec_text(draft: Draft, *, name: str, path: str, editor_line: str, url: str | None) -> str:
    """The spec file for ``draft``, to be saved as ``path`` (spec ``name``): valid as it stands."""
    lines = [
        editor_line,
        f"# {name}: imported by `python -m generator import` from",
        f"#   {_single_line(draft.source)} ({draft.format})",
        *_comment(
            "The layers and their names are the model's (a '/' in a name is written '.'). Replace "
            "each TODO: the title, the summary, who published the model and where; add the "
            "numbers your sources state under `stated`. Then check the file:"
        ),
        f"#   python -m generator check {_single_line(path)}",
        *(line for note in draft.notes for line in _comment(note)),
        f"title: {_text(draft.title + ' (TODO: authors, year)')}",
        "summary: >-",
        "  TODO: one paragraph on what this network is and why it belongs on the site.",
        f"input: {scalar(draft.input)}",
        "# The source whose model file the layers come from; the page says they were imported.",
        f"imported_from: {SOURCE_KEY}",
        "sources:",
        f"  {SOURCE_KEY}:",
        f"    citation: {_text(draft.citation)}",
        f"    url: {_text(url or PLACEHOLDER_URL)}",
        f"    states: {_text(draft.states)}",
        "# Numbers the sources state, audited against the computed ones, for example:",
        f'# - {{quantity: params, value: 0, source: {SOURCE_KEY}, quote: "TODO: its words"}}',
        "stated: []",
        "layers:",
    ]
    previous = INPUT
    for layer in draft.layers:
        if layer.comment:
            lines += _comment(layer.comment, "  ")
        lines.append(layer_line(layer, previous))
        previous = layer.name
    results = outputs(draft.layers)
    if results:
        lines += [
            "# Layers besides the last whose outputs no layer reads: results of the network.",
            f"outputs: {scalar(results)}",
        ]
    return "\n".join(lines) + "\n"
