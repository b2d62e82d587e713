"""Branching networks: layers that name their ``inputs``, and the ``add`` and ``concat`` that merge.

The residual block below, on a 3×32×32 input::

    conv_a   3→8 channels, 3×3, padding 1     8×32×32    8·3·3·3 + 8   =     224 parameters
    relu_a                                    8×32×32
    conv_b   8→8, 3×3, padding 1              8×32×32    8·8·3·3 + 8   =     584
    short    3→8, 1×1, reads the input        8×32×32    8·3 + 8       =      32
    sum      add(conv_b, short)               8×32×32
    cat      concat(sum, relu_a)             16×32×32
    flatten                                   16,384
    fc       16,384→10                            10     16384·10 + 10 = 163,850

164,690 parameters in all. conv_b's receptive field is 5×5 and short's 1×1: the sum's is the wider.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.core import engine
from generator.core.engine import GeometryError
from generator.load import loader
from generator.spec.models import Spec
from tests.helpers import (
    build,
    copy_project,
    load_spec,
    problems,
    run_cli,
    spec_data,
    spec_text,
    write_spec,
)

BLOCK = """\
- {name: conv_a, kind: conv, out_channels: 8, kernel: 3, padding: 1}
- {name: relu_a, kind: relu}
- {name: conv_b, kind: conv, out_channels: 8, kernel: 3, padding: 1}
- {name: short, kind: conv, out_channels: 8, kernel: 1, inputs: [input]}
- {name: sum, kind: add, inputs: [conv_b, short]}
- {name: cat, kind: concat, inputs: [sum, relu_a]}
- {name: flatten, kind: flatten}
- {name: fc, kind: fc, out_features: 10}
"""


def test_a_residual_block_is_worked_out_through_its_branches(tmp_path: Path) -> None:
    analysis = load_spec(write_spec(tmp_path, BLOCK))
    assert [r.inputs for r in analysis.layers] == [
        ("input",),
        ("conv_a",),
        ("relu_a",),
        ("input",),
        ("conv_b", "short"),
        ("sum", "relu_a"),
        ("cat",),
        ("flatten",),
    ]
    assert analysis.layer("short").input == (3, 32, 32)
    assert analysis.layer("sum").output == (8, 32, 32)
    assert analysis.layer("cat").output == (16, 32, 32)
    assert [analysis.layer(n).params for n in ("conv_a", "conv_b", "short", "fc")] == [
        224,
        584,
        32,
        163_850,
    ]
    assert analysis.totals.params == 164_690
    assert analysis.layer("sum").receptive_field == (5, 5)


def test_show_json_gives_every_layer_its_inputs(tmp_path: Path) -> None:
    result = run_cli("show", str(write_spec(tmp_path, BLOCK)), "--json")
    assert result.returncode == 0, result.stderr
    layers = json.loads(result.stdout)["layers"]
    assert [layer["inputs"] for layer in layers][3:6] == [
        ["input"],
        ["conv_b", "short"],
        ["sum", "relu_a"],
    ]


def test_an_add_of_8_and_16_channels_names_both_shapes(tmp_path: Path) -> None:
    path = write_spec(
        tmp_path,
        """\
        - {name: conv_a, kind: conv, out_channels: 8, kernel: 1}
        - {name: conv_b, kind: conv, out_channels: 16, kernel: 1, inputs: [input]}
        - {name: sum, kind: add, inputs: [conv_a, conv_b]}
        """,
    )
    assert problems(path) == [
        f"{path}:9: layer 'sum': field 'inputs': an add needs inputs of one shape, got "
        "conv_a 8×32×32, conv_b 16×32×32"
    ]


def test_a_concat_needs_one_height_and_width(tmp_path: Path) -> None:
    path = write_spec(
        tmp_path,
        """\
        - {name: conv_a, kind: conv, out_channels: 8, kernel: 1}
        - {name: pool, kind: max_pool, kernel: 2, inputs: [input]}
        - {name: cat, kind: concat, inputs: [conv_a, pool]}
        """,
    )
    assert problems(path) == [
        f"{path}:9: layer 'cat': field 'inputs': a concat needs C×H×W inputs of one height and "
        "width, got conv_a 8×32×32, pool 3×16×16"
    ]


def test_inputs_must_name_earlier_layers(tmp_path: Path) -> None:
    path = write_spec(
        tmp_path,
        """\
        - {name: conv_a, kind: conv, out_channels: 8, kernel: 1, inputs: [conv_b]}
        - {name: conv_b, kind: conv, out_channels: 8, kernel: 1, inputs: [conv_c]}
        """,
    )
    assert problems(path) == [
        f"{path}:7: layer 'conv_a': field 'inputs': it reads 'conv_b', which comes after it: a "
        "layer reads 'input' or layers written before it",
        f"{path}:8: layer 'conv_b': field 'inputs': it reads 'conv_c', which does not exist: a "
        "layer reads 'input' or layers written before it; did you mean 'conv_a'?",
    ]


def test_a_layer_that_reads_itself_is_told_so(tmp_path: Path) -> None:
    path = write_spec(
        tmp_path,
        """\
        - {name: conv_a, kind: conv, out_channels: 8, kernel: 1}
        - {name: sum, kind: add, inputs: [conv_a, sum]}
        """,
    )
    assert problems(path) == [
        f"{path}:8: layer 'sum': field 'inputs': it reads itself: a layer reads 'input' or "
        "layers written before it"
    ]


def test_each_kind_reads_as_many_inputs_as_it_takes(tmp_path: Path) -> None:
    path = write_spec(
        tmp_path,
        """\
        - {name: conv_a, kind: conv, out_channels: 3, kernel: 1}
        - {name: sum, kind: add, inputs: [conv_a]}
        - {name: fc, kind: fc, out_features: 3, inputs: [conv_a, sum]}
        """,
    )
    assert problems(path) == [
        f"{path}:8: layer 'sum': field 'inputs': an add reads two or more layers, got 1",
        f"{path}:9: layer 'fc': field 'inputs': an fc layer reads one layer, got 2: only "
        f"{loader.MERGING} read several",
    ]


def test_a_layer_nothing_reads_is_a_warning(tmp_path: Path) -> None:
    path = write_spec(
        tmp_path,
        """\
        - {name: side, kind: conv, out_channels: 3, kernel: 1}
        - {name: main, kind: conv, out_channels: 3, kernel: 1, inputs: [input]}
        """,
    )
    result = run_cli("check", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        f"warning: {path}:7: layer 'side': no layer reads its output: name it in a later "
        "layer's 'inputs', or in 'outputs' if it is a result of the network\n"
    )


def test_outputs_declares_a_second_result(tmp_path: Path) -> None:
    layers = """\
    - {name: side, kind: conv, out_channels: 3, kernel: 1}
    - {name: main, kind: conv, out_channels: 3, kernel: 1, inputs: [input]}
    """
    path = write_spec(tmp_path, text="outputs: [side]\n" + spec_text(layers))
    result = run_cli("check", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    wrong = write_spec(tmp_path, text="outputs: [sied]\n" + spec_text(layers), name="wrong")
    assert problems(wrong) == [
        f"{wrong}:1: field 'outputs': no layer named 'sied'; did you mean 'side'?"
    ]


def test_a_variant_that_removes_a_layer_others_read_is_told_where(tmp_path: Path) -> None:
    parent = write_spec(tmp_path, BLOCK, name="block")
    variant = tmp_path / "variant.yml"
    variant.write_text("extends: block\ntitle: Without the shortcut\nremove: [short]\n", "utf-8")
    assert problems(variant) == [
        f"{parent}:11: layer 'sum': field 'inputs': it reads 'short', which does not exist: a "
        "layer reads 'input' or layers written before it"
    ]


@pytest.mark.slow
def test_a_broken_merge_stops_the_build_before_anything_is_written(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "docs" / "architectures" / "broken.yml").write_text(BROKEN, encoding="utf-8")
    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode != 0
    assert "broken.yml:9: layer 'sum': field 'inputs': an add needs inputs of one shape" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not site.exists()


BROKEN = spec_text(
    """\
    - {name: conv_a, kind: conv, out_channels: 8, kernel: 1}
    - {name: conv_b, kind: conv, out_channels: 16, kernel: 1, inputs: [input]}
    - {name: sum, kind: add, inputs: [conv_a, conv_b]}
    """
)


# --- Properties of the merges ------------------------------------------------------------------


def _merge_spec(kind: str, shapes: list[tuple[int, int]]) -> Spec:
    """Branches from one input, each a conv to ``channels`` then a pool by ``stride``, merged."""
    layers: list[dict[str, Any]] = []
    for i, (channels, stride) in enumerate(shapes):
        layers.append(
            {
                "name": f"c{i}",
                "kind": "conv",
                "out_channels": channels,
                "kernel": 1,
                "inputs": ["input"],
            }
        )
        layers.append({"name": f"p{i}", "kind": "max_pool", "kernel": stride})
    layers.append({"name": "merge", "kind": kind, "inputs": [f"p{i}" for i in range(len(shapes))]})
    return Spec.model_validate(spec_data(*layers, input=[3, 12, 12]))


branches = st.lists(
    st.tuples(st.integers(1, 16), st.sampled_from([1, 2, 3])), min_size=2, max_size=5
)


@given(branches)
def test_an_add_keeps_one_shape_or_refuses(shapes: list[tuple[int, int]]) -> None:
    spec = _merge_spec("add", shapes)
    outputs = {(c, 12 // s, 12 // s) for c, s in shapes}
    try:
        merged = engine.analyse("t", spec).layer("merge")
    except GeometryError as error:
        assert len(outputs) > 1
        assert (error.layer, error.field) == ("merge", "inputs")
        return
    assert outputs == {merged.output}
    assert (merged.params, merged.macs) == (0, 0)


@given(branches)
def test_a_concat_adds_up_the_channels_or_refuses(shapes: list[tuple[int, int]]) -> None:
    spec = _merge_spec("concat", shapes)
    sizes = {12 // s for _, s in shapes}
    try:
        merged = engine.analyse("t", spec).layer("merge")
    except GeometryError as error:
        assert len(sizes) > 1
        assert (error.layer, error.field) == ("merge", "inputs")
        return
    (size,) = sizes
    assert merged.output == (sum(c for c, _ in shapes), size, size)
    assert merged.input_shapes == tuple((c, size, size) for c, _ in shapes)
