"""Importing: a spec's text from a model file (Caffe prototxt, ONNX) or a PyTorch module.

The importers are the modules beside this one in this package: the grammar of Caffe's text format
(``prototxt``), one importer per source format (``caffe``, ``onnx_model``,
``pytorch_model``), what they make and how it is written as a spec (``draft``), layer
names (``names``) and their error type (``errors``).

:func:`import_spec` reads the source with the importer its name calls for, writes the spec text
(:mod:`generator.load.importers.draft`), loads that text with the loader exactly as a file would be
loaded, runs the engine on it, and checks the engine's numbers against what the model file says
about itself (ONNX's shape inference, its weights, a PyTorch module's parameter total). Either
everything holds and the text is returned, or a
:class:`~generator.load.importers.errors.ModelError` says what was found where; nothing here
writes a file.

ONNX and PyTorch are optional: their importers are loaded only when a source needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.core import formatting
from generator.core.results import Analysis
from generator.load import loader
from generator.load.importers import caffe
from generator.load.importers.draft import Draft, Total, spec_text
from generator.load.importers.errors import ModelError
from generator.spec.errors import SpecError

__all__ = ["Imported", "ModelError", "import_spec", "read_source"]

#: File name endings of each format.
PROTOTXT = (".prototxt", ".pbtxt")
ONNX = (".onnx",)
#: What to install for the ONNX importer.
ONNX_INSTALL = "pip install -e '.[import]' (or pip install onnx)"


@dataclass(frozen=True, slots=True)
class Imported:
    """A model file's network as a spec: the text to write, and the engine's analysis of it."""

    text: str
    analysis: Analysis
    draft: Draft


def _bytes(path: Path, source: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ModelError([f"{source}: no such file"]) from None
    except IsADirectoryError:
        raise ModelError([f"{source}: a folder, not a model file"]) from None
    except OSError as error:
        raise ModelError([f"{source}: cannot be read: {error.strerror or error}"]) from None


def _require_onnx() -> None:
    try:
        import onnx  # noqa: F401
    except ImportError as error:
        raise ModelError(
            [f"reading ONNX needs the onnx package ({error}): {ONNX_INSTALL}"]
        ) from None


def read_source(source: str, *, input_shape: tuple[int, int, int] | None = None) -> Draft:
    """The draft of ``source``: a ``.prototxt``, an ``.onnx`` file, or ``package.module:callable``."""
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix in PROTOTXT:
        data = _bytes(path, source)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise ModelError(
                [f"{source}:{line}: not text: byte {data[error.start]:#04x} is not UTF-8"]
            ) from None
        return caffe.to_draft(text, path, shown=source, input_shape=input_shape)
    if suffix in ONNX:
        data = _bytes(path, source)
        _require_onnx()
        from generator.load.importers import onnx_model

        return onnx_model.to_draft(data, path, shown=source, input_shape=input_shape)
    from generator.load.importers import pytorch_model

    if pytorch_model.is_target(source) and not path.exists():
        _require_onnx()
        return pytorch_model.to_draft(source, input_shape=input_shape)
    if not path.exists():
        raise ModelError([f"{source}: no such file"])
    raise ModelError(
        [
            f"{source}: not a format the importer knows by its name: give a Caffe .prototxt, "
            "an .onnx file, or a PyTorch module as package.module:callable"
        ]
    )


def import_spec(
    source: str,
    *,
    path: Path,
    editor_line: str,
    input_shape: tuple[int, int, int] | None = None,
    url: str | None = None,
) -> Imported:
    """The spec text of ``source``, as the file ``path`` (which is not written), checked."""
    draft = read_source(source, input_shape=input_shape)
    name = path.name.removesuffix(loader.SUFFIX)
    text = spec_text(draft, name=name, path=str(path), editor_line=editor_line, url=url)
    return Imported(text, check(draft, text, path), draft)


def check(draft: Draft, text: str, path: Path) -> Analysis:
    """Load and analyse ``text`` as ``path``; the engine's numbers must be the model's own."""
    origins = {layer.name: layer.origin for layer in draft.layers}
    try:
        # A draft: its sources are the reader's to fill in (loader._placeholders).
        analysis = loader.analyse(loader.load_text(path, text, draft=True))
    except SpecError as error:
        raise ModelError(
            f"{origins[p.layer]}: the spec format cannot express this layer: "
            + (f"field {p.field!r}: " if p.field else "")
            + p.message
            if p.layer in origins
            else f"{draft.source}: the imported spec does not load: {p}"
            for p in error.problems
        ) from None
    problems = []
    for layer, result in zip(draft.layers, analysis.layers, strict=True):
        shape, params = layer.expected.shape, layer.expected.params
        if shape is not None and tuple(shape) != result.output:
            problems.append(
                f"{layer.origin}: the engine computes {formatting.shape(result.output)}, "
                f"the model's shape inference {formatting.shape(shape)}"
            )
        if params is not None and params != result.params:
            problems.append(
                f"{layer.origin}: the engine counts {formatting.count(result.params)} parameters, "
                f"the model's weights hold {formatting.count(params)}"
            )
    if problems:
        raise ModelError(problems)
    if draft.total is not None and draft.total.params != analysis.totals.params:
        raise ModelError([_total_problem(draft, draft.total, analysis.totals.params)])
    return analysis


def _total_problem(draft: Draft, total: Total, counted: int) -> str:
    """Why the spec's parameters are not the model's: which of its parameters no layer reads,
    or which two layers read (and count twice)."""
    why = []
    if total.unread:
        why.append(f"no imported layer reads {_names(total.unread)}")
    if total.shared:
        why.append(
            f"{_names(total.shared)} {'is' if len(total.shared) == 1 else 'are'} read by more "
            "than one layer, which the spec format counts once per layer"
        )
    return (
        f"{draft.source}: the imported spec counts {formatting.count(counted)} parameters, "
        f"{total.what} {formatting.count(total.params)}" + (f": {'; '.join(why)}" if why else "")
    )


def _names(names: tuple[str, ...], shown: int = 6) -> str:
    listed = ", ".join(repr(n) for n in names[:shown])
    return listed + (f" and {len(names) - shown} more" if len(names) > shown else "")
