"""``batch_norm``, the kind added to prove the registry: one entry, counted as PyTorch counts it.

A batch norm after a 24-channel convolution learns a scale and a shift per channel: 2 × 24 = 48
parameters. Its running mean and variance (24 + 24 values, and a batch counter) are buffers, not
parameters. It adds no multiply-accumulates by the site's convention (at inference it folds into
the convolution before it) and keeps its input's shape.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.core import engine
from generator.core.kinds import kind_of
from generator.load import loader
from generator.render import snippet
from generator.spec.models import Spec
from tests.helpers import run_cli, spec_data, spec_text, write_spec

LAYERS = """\
- {name: conv1, kind: conv, out_channels: 24, kernel: 3, padding: 1, bias: false}
- {name: bn1, kind: batch_norm}
- {name: relu1, kind: relu}
- {name: flatten, kind: flatten}
- {name: fc, kind: fc, out_features: 10}
- {name: bn2, kind: batch_norm, affine: false}
"""
STATED = "stated:\n  - {quantity: params, value: 48, layer: bn1, source: src}\n"


@pytest.fixture
def spec_path(tmp_path: Path) -> Path:
    return write_spec(tmp_path, text=STATED + spec_text(LAYERS), name="conv-bn")


def test_show_json_gives_the_batch_norm_48_parameters_and_no_macs(spec_path: Path) -> None:
    result = run_cli("show", str(spec_path), "--json")
    assert result.returncode == 0, result.stderr
    layers = {layer["name"]: layer for layer in json.loads(result.stdout)["layers"]}
    assert layers["bn1"]["params"] == 48
    assert layers["bn1"]["macs"] == 0
    assert layers["bn1"]["output"] == [24, 32, 32]
    # affine: false learns nothing: normalisation by running statistics only.
    assert layers["bn2"]["params"] == 0
    # conv1 without bias: 24·3·3·3 = 648; fc: 24·32·32·10 + 10 = 245,770.
    assert json.loads(result.stdout)["totals"]["params"] == 648 + 48 + 245_770


def test_the_audit_matches_a_stated_48(spec_path: Path) -> None:
    result = run_cli("check", str(spec_path))
    assert result.returncode == 0, result.stderr
    assert "bn1 params: stated 48, computed 48 — matches" in result.stdout


def test_the_finder_reads_48_as_a_scale_and_a_shift_per_channel(spec_path: Path) -> None:
    result = run_cli(
        "explain", "48", "--arch", str(spec_path), "--layer", "bn1", "--quantity", "params"
    )
    assert result.returncode == 0, result.stderr
    assert "2 × 24" in result.stdout


def test_the_pytorch_script_builds_batchnorm2d_and_batchnorm1d(spec_path: Path) -> None:
    analysis = loader.analyse(loader.load(spec_path))
    script = snippet.pytorch_snippet(analysis)
    assert '("bn1", nn.BatchNorm2d(24)),' in script
    assert '("bn2", nn.BatchNorm1d(10, affine=False)),' in script
    assert "buffers, not" in script


def test_the_operation_column_names_the_kind(spec_path: Path) -> None:
    analysis = loader.analyse(loader.load(spec_path))
    assert kind_of(analysis.layer("bn1").layer).operation(analysis.layer("bn1")) == "batch_norm"
    assert kind_of(analysis.layer("bn2").layer).operation(analysis.layer("bn2")) == (
        "batch_norm affine=False"
    )


def _spec(channels: int, size: int) -> Spec:
    return Spec.model_validate(
        spec_data(
            {"name": "conv", "kind": "conv", "out_channels": channels, "kernel": 1},
            {"name": "bn", "kind": "batch_norm"},
            input=[3, size, size],
        )
    )


@given(channels=st.integers(1, 512), size=st.integers(1, 64))
def test_batch_norm_keeps_the_shape_and_learns_two_values_per_channel(
    channels: int, size: int
) -> None:
    bn = engine.analyse("t", _spec(channels, size)).layer("bn")
    assert bn.output == bn.input == (channels, size, size)
    assert (bn.weights, bn.biases, bn.macs) == (channels, channels, 0)
    assert bn.receptive_field == (1, 1)


@pytest.mark.slow
def test_pytorch_counts_the_same_parameters(spec_path: Path, tmp_path: Path) -> None:
    """The oracle: the page's script run with torch prints the same numbers as the engine."""
    from tests.requirements import require

    require("torch", "pip install torch==2.13.0")
    analysis = loader.analyse(loader.load(spec_path))
    script = tmp_path / "conv_bn.py"
    script.write_text(snippet.pytorch_snippet(analysis), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=300
    )
    assert run.returncode == 0, run.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in run.stdout.splitlines()[1:]}
    for result in analysis.layers:
        name, shape, params, macs = rows[result.name]
        assert shape == "x".join(str(s) for s in result.output), name
        assert (int(params), int(macs)) == (result.params, result.macs), name
    assert rows["bn1"][2] == "48"
