"""The round trip: every shipped spec's PyTorch script, exported to ONNX and imported, is the spec.

Each spec's generated script (:func:`generator.render.snippet.pytorch_snippet`) builds the network
as ``Network``, whose modules are ``layers.0``, ``layers.1``… in the spec's order. The importer
builds it, exports it and names each imported layer by its module path, so ``layers.7`` (or
``layers.7.1``, a module of several) is the spec's eighth layer. Layer by layer, the imported
network must have the spec's output shapes, parameters and multiply-accumulates, and read the same
layers. Two things do not survive an export, and the comparison allows for exactly them: dropout
(an exported network is in inference mode, where dropout does nothing, so the exporter leaves it
out), and the rounding rules PyTorch lacks, which the script writes as explicit zero padding and
the import reads back as padding with PyTorch's rounding.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.core.results import Analysis, LayerResult
from generator.load.importers.source import ModelError, import_spec
from generator.render.snippet import pytorch_snippet
from tests.helpers import SHIPPED
from tests.requirements import require

# PyTorch (or ONNX) as the oracle: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

torch = require("torch", "pip install torch==2.13.0")
require("onnx", "pip install -e '.[import]'")

_MODULE = re.compile(r"^layers\.(\d+)(?:\.|$)")


def round_trip(analysis: Analysis, folder: Path) -> Analysis:
    script = folder / f"{analysis.name.replace('-', '_').replace('.', '_')}.py"
    script.write_text(pytorch_snippet(analysis), encoding="utf-8")
    return import_spec(
        f"{script}:Network",
        path=folder / f"{analysis.name}.yml",
        editor_line="#",
        input_shape=(analysis.input[0], analysis.input[1], analysis.input[2]),
    ).analysis


def groups(original: Analysis, imported: Analysis) -> dict[int, list[LayerResult]]:
    """The imported layers of each of the spec's layers, by its index."""
    found: dict[int, list[LayerResult]] = {i: [] for i in range(len(original.layers))}
    for result in imported.layers:
        match = _MODULE.match(result.name)
        assert match, f"{result.name}: not named by a module of Network"
        found[int(match.group(1))].append(result)
    return found


@pytest.mark.parametrize("name", SHIPPED)
def test_the_round_trip_gives_the_spec_back(
    name: str, analyses: dict[str, Analysis], tmp_path: Path
) -> None:
    original = analyses[name]
    imported = round_trip(original, tmp_path)
    by_layer = groups(original, imported)
    written = {}
    for index, layer in enumerate(original.layers):
        parts = by_layer[index]
        if not parts:
            # Left out of the export: only a layer that does nothing at inference may be.
            assert layer.kind == "dropout", f"{layer.name} ({layer.kind}) was not imported"
            assert layer.output == layer.input and not layer.params and not layer.macs
            written[layer.name] = (
                written[layer.inputs[0]] if layer.inputs[0] in written else layer.inputs[0]
            )
            continue
        last = parts[-1]
        assert last.output == layer.output, f"{layer.name}: shape"
        assert sum(p.params for p in parts) == layer.params, f"{layer.name}: parameters"
        assert sum(p.macs for p in parts) == layer.macs, f"{layer.name}: multiply-accumulates"
        # Wiring: the group's first layer reads the imported layers of the spec's inputs.
        reads = tuple(_original(original, imported, n) for n in parts[0].inputs)
        assert reads == tuple(written.get(n, n) for n in layer.inputs), f"{layer.name}: inputs"
        written[layer.name] = layer.name
    assert imported.totals.params == original.totals.params
    assert imported.totals.macs == original.totals.macs
    assert imported.totals.neurons == original.totals.neurons


def _original(original: Analysis, imported: Analysis, name: str) -> str:
    if name == "input":
        return name
    match = _MODULE.match(name)
    assert match
    return original.layers[int(match.group(1))].name


def test_a_local_response_norm_is_exported_as_one_lrn_operator(
    analyses: dict[str, Analysis], tmp_path: Path
) -> None:
    """PyTorch's exporter would break it into a dozen operators; the importer's export does not."""
    imported = round_trip(analyses["bvlc-alexnet"], tmp_path)
    lrn = [r for r in imported.layers if r.kind == "lrn"]
    assert [(r.name, r.output) for r in lrn] == [
        ("layers.2", (96, 55, 55)),
        ("layers.6", (256, 27, 27)),
    ]


# --- naming a PyTorch module -------------------------------------------------------------------

MODULE_FILE = """\
import torch
from torch import nn


class Small(nn.Sequential):
    def __init__(self):
        super().__init__(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))


def not_a_module():
    return 42


def broken():
    raise RuntimeError("no weights here")
"""


@pytest.fixture
def module_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "tiny_nets.py"
    path.write_text(MODULE_FILE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return path


@pytest.mark.parametrize("form", ["module", "file"])
def test_a_module_by_its_import_path_or_its_file(
    module_file: Path, form: str, tmp_path: Path
) -> None:
    source = "tiny_nets:Small" if form == "module" else f"{module_file}:Small"
    result = import_spec(
        source, path=tmp_path / "small.yml", editor_line="#", input_shape=(3, 8, 8)
    )
    assert [(r.name, r.kind, r.output, r.params) for r in result.analysis.layers] == [
        ("conv_0", "conv", (4, 6, 6), 4 * 27 + 4),
        ("relu_1", "relu", (4, 6, 6), 0),
        ("flatten_2", "flatten", (144,), 0),
        ("gemm_3", "fc", (2,), 144 * 2 + 2),
    ]
    assert result.analysis.spec.sources["model-file"].citation.endswith(
        f"{source}, built by calling it."
    )
    assert "Exported to ONNX with a 1×3×8×8 input;" in result.text


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("tiny_nets:Missing", "tiny_nets:Missing: tiny_nets has no 'Missing'"),
        (
            "no_such_module_here:Net",
            "no_such_module_here:Net: importing no_such_module_here failed: ModuleNotFoundError",
        ),
        (
            "tiny_nets:not_a_module",
            "tiny_nets:not_a_module: not_a_module() returned a int, not a torch.nn.Module",
        ),
        (
            "tiny_nets:broken",
            "tiny_nets:broken: calling broken() failed: RuntimeError: no weights here",
        ),
    ],
)
def test_a_module_that_cannot_be_built_is_reported(
    module_file: Path, source: str, message: str, tmp_path: Path
) -> None:
    with pytest.raises(ModelError) as caught:
        import_spec(source, path=tmp_path / "x.yml", editor_line="#")
    (found,) = caught.value.problems
    assert found.startswith(message), found


def test_an_input_too_small_for_the_module_is_reported(module_file: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        import_spec(
            "tiny_nets:Small", path=tmp_path / "x.yml", editor_line="#", input_shape=(3, 2, 2)
        )
    (found,) = caught.value.problems
    assert found.startswith(
        "tiny_nets:Small: exporting to ONNX with a 1×3×2×2 input failed: RuntimeError"
    )


def test_without_torch_it_says_what_to_install(
    module_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "torch", None)
    with pytest.raises(ModelError) as caught:
        import_spec("tiny_nets:Small", path=tmp_path / "x.yml", editor_line="#")
    assert caught.value.problems == (
        "importing a PyTorch module needs PyTorch: pip install torch==2.13.0 (the CPU build) "
        "and pip install -e '.[import]'",
    )
