"""``python -m generator``: what a reader runs in a terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.spec.models import SPEC_NAME
from tests.helpers import run_cli


def show_json(name: str) -> dict[str, Any]:
    result = run_cli("show", name, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_show_json_for_the_paper() -> None:
    data = show_json("alexnet-2012")
    conv1 = data["layers"][0]
    assert (conv1["name"], conv1["output"], conv1["neurons"]) == ("conv1", [96, 55, 55], 290_400)
    assert conv1["stated"] == {"neurons": 253_440}
    assert data["totals"]["params"] == 60_965_224
    assert data["input"] == [3, 224, 224]


def test_show_json_for_torchvision() -> None:
    assert show_json("torchvision-alexnet")["totals"]["params"] == 61_100_840


def test_show_json_says_what_each_tool_will_say() -> None:
    """torchvision's AlexNet: 714,188,480 MACs on the site; 494,184 outputs of conv and fc layers,
    one bias addition each; the adaptive pool's 256·6² = 9,216 inputs."""
    tools = show_json("torchvision-alexnet")["tools"]
    assert tools["fvcore"] == {
        "macs": 714_197_696,
        "params": 61_100_840,
        "terms": [["adaptive pooling", 9_216]],
    }
    assert tools["torch-flop-counter"] == {
        "flops": 1_428_376_960,
        "params": None,
        "terms": [["× 2 (FLOPs)", 714_188_480]],
    }
    assert tools["fvcore-activations"] == {"activations": 494_184, "params": None, "terms": []}
    assert tools["ptflops-aten"]["terms"] == [["biases", 494_184]]
    assert list(tools) == [
        "fvcore",
        "fvcore-activations",
        "torch-flop-counter",
        "ptflops-aten",
        "ptflops-pytorch",
        "thop",
        "torchinfo",
    ]


def test_show_prints_what_each_tool_will_say() -> None:
    result = run_cli("show", "torchvision-alexnet")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "What your tool will say (fvcore 0.1.5.post20221221, torch 2.13.0" in result.stdout
    assert "torch FlopCounterMode           FLOPs    1,428,376,960  × 2 (FLOPs)" in lines
    assert "ptflops aten backend            MACs       714,682,664  + 494,184 biases" in lines
    assert "fvcore ActivationCountAnalysis  values         494,184  = the site's count" in lines


def test_show_prints_a_table_with_the_formula() -> None:
    result = run_cli("show", "alexnet-2012")
    assert result.returncode == 0
    assert "(224 − 11) / 4 + 1 = 54.25 → ⌈54.25⌉ = 55" in result.stdout


@pytest.mark.slow
def test_check_passes_on_the_shipped_specs() -> None:
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert "conv1 neurons: stated 253,440, computed 290,400 — explained (paper)" in result.stdout


def test_check_fails_with_located_messages(write_spec: Callable[..., Path]) -> None:
    path = write_spec("- {name: conv1, kind: conv, out_channels: 8, kernel: 3, stride: -1}\n")
    result = run_cli("check", str(path))
    assert result.returncode == 1
    assert (
        f"{path}:7: layer 'conv1': field 'stride': must be greater than 0, got -1" in result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["no-such-net", "docs/architectures/no-such-net"])
def test_show_an_unknown_name(name: str) -> None:
    result = run_cli("show", name)
    assert result.returncode != 0
    assert "no-such-net" in result.stderr
    assert "no such spec file" in result.stderr  # a path, or a good name: nothing about names


def test_show_a_name_near_a_spec_suggests_it() -> None:
    result = run_cli("show", "resnet18")
    assert result.returncode != 0
    assert result.stderr == (
        "Error: docs/architectures/resnet18.yml: no such spec file; did you mean 'resnet-18'?\n"
    )


def test_show_a_name_that_cannot_name_a_spec_says_the_spec_name_rule() -> None:
    """Not "no such spec file": no spec could have that name, and the rule says why."""
    result = run_cli("show", "AlexNet 2012")
    assert result.returncode != 0
    assert result.stderr == (
        "Error: 'AlexNet 2012' cannot name a spec (the name of its file and of its page "
        f"/architectures/NAME/): {SPEC_NAME.message('AlexNet 2012')}\n"
    )
