"""The 3D view's layout (``generator/render/layout3d.py``) and the figure data made of it
(``generator/render/figures.py``, ``generator/render/plotly_json.py``).

A graph's structure (``generator/analysis/graph.py``) is its main line, modules and parts aside;
branches are drawn side by side and shortcuts as arcs; no two boxes of a view overlap at either
channel scale; every view runs from the input to the network's output; a 150-layer network (a
ResNet-50 written here) collapses into blocks and stages; the figure files stay small, and their
packed boxes unpack into meshes that span the boxes as laid out.
``tests/test_figure_browser.py`` checks the same figures as a browser draws them.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.analysis.graph import Line, Module, structure
from generator.core.results import Analysis
from generator.render import figure_graphs, figures, plotly_json
from generator.render.layout3d import Box
from tests.helpers import SHIPPED, load_spec, spec_data
from tests.requirements import require

#: The bytes ``figure.json`` may have (compact JSON, as the site writes it): the layout and the view
#: drawn first, which a page loads; the other views are files of their own, loaded on demand.
MAX_BYTES = {"alexnet-2012": 10_000, "googlenet": 10_000, "resnet-34": 10_000, "resnet-50": 10_000}


def resnet50_text() -> str:
    """A ResNet-50-sized spec: bottleneck blocks [3, 4, 6, 3], projection shortcuts where the
    shape changes, batch norm after every convolution (175 layers)."""
    lines = [
        "title: ResNet-50 (written by a test)",
        "summary: A 175-layer residual network, to see how the 3D view copes with length.",
        "input: [3, 224, 224]",
        "sources:",
        '  src: {citation: A test., url: "https://tiny.test/", states: Nothing.}',
        "layers:",
        "  - {name: conv1, kind: conv, out_channels: 64, kernel: 7, stride: 2, padding: 3}",
        "  - {name: bn_conv1, kind: batch_norm}",
        "  - {name: conv1_relu, kind: relu}",
        "  - {name: pool1, kind: max_pool, kernel: 3, stride: 2, padding: 1}",
    ]
    previous = "pool1"
    for stage, (blocks, width) in enumerate(((3, 64), (4, 128), (6, 256), (3, 512)), start=2):
        for block in range(blocks):
            name = f"res{stage}{'abcdef'[block]}"
            stride = 2 if block == 0 and stage > 2 else 1
            shortcut = previous
            if block == 0:
                lines.append(
                    f"  - {{name: {name}_branch1, kind: conv, out_channels: {width * 4}, "
                    f"kernel: 1, stride: {stride}, inputs: [{previous}]}}"
                )
                lines.append(f"  - {{name: {name}_branch1_bn, kind: batch_norm}}")
                shortcut = f"{name}_branch1_bn"
            lines += [
                f"  - {{name: {name}_branch2a, kind: conv, out_channels: {width}, kernel: 1, "
                f"stride: {stride}, inputs: [{previous}]}}",
                f"  - {{name: {name}_branch2a_bn, kind: batch_norm}}",
                f"  - {{name: {name}_branch2a_relu, kind: relu}}",
                f"  - {{name: {name}_branch2b, kind: conv, out_channels: {width}, kernel: 3, "
                "padding: 1}",
                f"  - {{name: {name}_branch2b_bn, kind: batch_norm}}",
                f"  - {{name: {name}_branch2b_relu, kind: relu}}",
                f"  - {{name: {name}_branch2c, kind: conv, out_channels: {width * 4}, kernel: 1}}",
                f"  - {{name: {name}_branch2c_bn, kind: batch_norm}}",
                f"  - {{name: {name}, kind: add, inputs: [{shortcut}, {name}_branch2c_bn]}}",
                f"  - {{name: {name}_relu, kind: relu}}",
            ]
            previous = f"{name}_relu"
    lines += [
        "  - {name: pool5, kind: adaptive_avg_pool, output: [1, 1]}",
        "  - {name: fc1000, kind: fc, out_features: 1000}",
        "  - {name: prob, kind: softmax}",
    ]
    return "\n".join(lines) + "\n"


def write_resnet50(folder: Path) -> Path:
    path = folder / "resnet-50.yml"
    path.write_text(resnet50_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def resnet50(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    return load_spec(write_resnet50(tmp_path_factory.mktemp("resnet50")))


@pytest.fixture(scope="module")
def networks(analyses: dict[str, Analysis], resnet50: Analysis) -> dict[str, Analysis]:
    return {**analyses, "resnet-50": resnet50}


def compact(figure: dict[str, Any]) -> str:
    return json.dumps(figure, separators=(",", ":"), ensure_ascii=False)


def view(analysis: Analysis, label: str) -> figures.View:
    return next(v for v in figures.views(analysis) if v.label == label)


def boxes_of(found: figures.View, name: str) -> tuple[Box, ...]:
    index = next(i for i, n in enumerate(found.graph.nodes) if n.name == name)
    return found.scene.compressed.boxes[index]


def assert_apart(found: figures.View, name: str) -> None:
    """No two boxes of a view share any volume, at either channel scale."""
    for placed in (found.scene.compressed, found.scene.proportional):
        boxes = [(node, box) for node, row in enumerate(placed.boxes) for box in row]
        for (m, a), (n, b) in itertools.combinations(boxes, 2):
            apart = (
                a.x1 <= b.x0
                or b.x1 <= a.x0
                or a.z1 <= b.z0
                or b.z1 <= a.z0
                or a.y1 <= b.y0
                or b.y1 <= a.y0
            )
            names = (found.graph.nodes[m].name, found.graph.nodes[n].name)
            assert apart, f"{name}, {found.label}: {names} overlap"


@pytest.mark.parametrize("name", [*SHIPPED, "resnet-50"])
def test_no_two_boxes_of_a_view_overlap(networks: dict[str, Analysis], name: str) -> None:
    for found in figures.views(networks[name]):
        assert_apart(found, name)


@pytest.mark.parametrize("name", [*SHIPPED, "resnet-50"])
def test_every_view_runs_from_the_input_to_the_output(
    networks: dict[str, Analysis], name: str
) -> None:
    analysis = networks[name]
    found_views = figures.views(analysis)
    assert found_views[0].label == "Every layer"
    for found in found_views:
        graph = found.graph
        assert graph.nodes[0].name == "input"
        # The output's box is the last one along the network.
        ends = [row[0].x1 for row in found.scene.compressed.boxes]
        assert ends[graph.sink] == max(ends)
        assert analysis.layers[-1] in graph.nodes[graph.sink].layers
        starts = [row[0].x0 for row in found.scene.compressed.boxes]
        assert starts[0] == min(starts)
    # Every layer is named in the view of every layer, in a box's hover text.
    hovers = " ".join(n.hover for n in found_views[0].graph.nodes)
    assert all(f"<b>{r.name}</b>" in hovers or f" {r.name} (" in hovers for r in analysis.layers)


def test_an_inception_module_is_four_branches_side_by_side(analyses: dict[str, Analysis]) -> None:
    found = view(analyses["googlenet"], "Every layer")
    heads = [
        boxes_of(found, f"inception_3a.{b}")[0] for b in ("1x1", "3x3_reduce", "5x5_reduce", "pool")
    ]
    # One column (the same distance from the input), one above the other in declared order.
    assert len({round(h.centre[0]) for h in heads}) == 1
    for upper, lower in itertools.pairwise(heads):
        assert upper.z0 > lower.z1
    # Each branch's second layer is in line with its first; the concat follows them all.
    assert boxes_of(found, "inception_3a.3x3")[0].centre[2] == heads[1].centre[2]
    joined = boxes_of(found, "inception_3a.output")[0]
    assert joined.x0 > max(boxes_of(found, "inception_3a.3x3")[0].x1, heads[0].x1)
    module = next(
        m
        for m in found.scene.structure.main.modules
        if found.graph.nodes[m.sink].name.startswith("inception_3a")
    )
    assert (module.ways, module.shortcut) == (4, False)


def test_a_residual_shortcut_is_an_arc_over_its_block(analyses: dict[str, Analysis]) -> None:
    found = view(analyses["resnet-18"], "Every layer")
    names = {
        (found.graph.nodes[a].name, found.graph.nodes[b].name): apex
        for a, b, apex in found.scene.arcs
    }
    # Identity shortcuts (five of the eight blocks) are arcs; projections are branches.
    assert len(names) == 5
    apex = names["pool1", "res2a"]
    for layer in ("res2a_branch2a", "res2a_branch2b"):
        box = boxes_of(found, layer)[0]
        assert apex > box.z1
    projection, main = boxes_of(found, "res3a_branch1")[0], boxes_of(found, "res3a_branch2a")[0]
    assert round(projection.centre[0]) == round(main.centre[0])
    assert projection.z0 > main.z1
    data = figures.plotly_figure(figures.network_files(figures.views(analyses["resnet-18"])), 0)[
        "data"
    ]
    assert any(t["name"] == "shortcuts" for t in data)


def test_a_150_layer_network_collapses_into_blocks_and_stages(resnet50: Analysis) -> None:
    assert len(resnet50.layers) >= 150
    found = figures.views(resnet50)
    assert [v.label for v in found] == ["Every layer", "Blocks", "Stages"]
    blocks, stages = found[1], found[2]
    assert sum(n.block for n in blocks.graph.nodes) == 16
    assert [n.title for n in stages.graph.nodes if n.block] == [
        "res2a–c ×3",
        "res3a–d ×4",
        "res4a–f ×6",
        "res5a–c ×3",
    ]
    assert stages.columns <= 10
    # The figure opens on a collapsed view; the expanded one is a click away.
    meta = figures.network_files(figures.views(resnet50))["figure.json"]["layout"]["meta"]
    assert meta["view"] != 0
    assert [v["label"] for v in meta["views"]] == ["Every layer", "Blocks", "Stages"]


@pytest.mark.parametrize("name", SHIPPED)
def test_the_views_that_draw_branches_say_so(analyses: dict[str, Analysis], name: str) -> None:
    """``branches`` marks each view that draws a network's branches side by side (the site
    script opens a wide figure on it): the view of every layer of a branching network, never a
    collapsed one, nor a network without branches."""
    analysis = analyses[name]
    branching = any(len(r.inputs) > 1 for r in analysis.layers)
    meta = figures.network_files(figures.views(analysis))["figure.json"]["layout"]["meta"]
    assert [v.get("branches", False) for v in meta["views"]] == [
        branching and v["label"] == "Every layer" for v in meta["views"]
    ]


def test_the_input_the_first_layer_and_the_output_are_always_labelled(
    networks: dict[str, Analysis],
) -> None:
    """Label priorities: the input, the box that reads it (AlexNet's conv1) and the output must
    show, in every view."""
    for name, analysis in networks.items():
        for found in figures.views(analysis):
            graph = found.graph
            must = [
                i
                for i, p in enumerate(plotly_json.priorities(found.scene))
                if p == plotly_json.MUST
            ]
            first = min(i for i, preds in enumerate(graph.preds) if 0 in preds)
            assert must == sorted({0, first, graph.sink}), (name, found.label)
    conv1 = figures.views(networks["alexnet-2012"])[0].graph.nodes[1]
    assert conv1.name == "conv1"


def test_a_graph_is_a_main_line_with_modules_and_parts_aside() -> None:
    """A graph of parts drawn by hand (each part reads those after its arrow)::

        0 input   1 stem ← 0   2 a ← 1   3 b ← 1   4 b2 ← 3   5 cat ← 2, 4
        6 r ← 5   7 add ← 5, 6   8 aux ← 7   9 out ← 7

    cat joins two branches (a; b then b2), add joins r and a shortcut from cat, aux leads to no
    output, and each part's step is its longest path from the input."""
    preds = [(), (0,), (1,), (1,), (3,), (2, 4), (5,), (5, 6), (7,), (7,)]
    found = structure(preds, 9)
    assert found.spine == (0, 1, 5, 7, 9)
    assert found.main.modules == (
        Module(
            1,
            5,
            frozenset({2, 3, 4}),
            (Line(1, 5, frozenset({2}), (2,), ()), Line(1, 5, frozenset({3, 4}), (3, 4), ())),
            shortcut=False,
        ),
        Module(5, 7, frozenset({6}), (Line(5, 7, frozenset({6}), (6,), ()),), shortcut=True),
    )
    assert [m.ways for m in found.main.modules] == [2, 2]
    assert found.aside == (frozenset({8}),)
    assert found.steps == (0, 1, 2, 2, 3, 4, 5, 6, 7, 7)


def test_crossing_paths_are_a_knot() -> None:
    """Two parts (3, 4) that each read both of two others (1, 2): no part is on every path from
    the input to the output, and no branch stands apart, so the four are one knot."""
    preds = [(), (0,), (0,), (1, 2), (1, 2), (3, 4)]
    found = structure(preds, 5)
    assert found.spine == (0, 5)
    knot = frozenset({1, 2, 3, 4})
    assert found.main.modules == (
        Module(0, 5, knot, (Line(0, 5, knot, (), (), knot),), shortcut=False),
    )


def test_towers_are_stacked_one_above_the_other(analyses: dict[str, Analysis]) -> None:
    found = view(analyses["alexnet-2012"], "Every layer")
    top, bottom = boxes_of(found, "conv1")
    assert (top.x0, top.x1) == (bottom.x0, bottom.x1)
    assert top.z0 > bottom.z1


@pytest.mark.parametrize("name", sorted(MAX_BYTES))
def test_figure_files_stay_small(networks: dict[str, Analysis], name: str) -> None:
    files = figures.network_files(figures.views(networks[name]))
    assert len(compact(files["figure.json"]).encode("utf-8")) < MAX_BYTES[name]


@pytest.mark.parametrize("name", [*SHIPPED, "resnet-50"])
def test_packed_views_unpack_into_the_boxes_of_each_view(
    networks: dict[str, Analysis], name: str
) -> None:
    """Every view, in ``figure.json`` or a file of its own, unpacks into the traces the site
    script draws: a mesh3d per box and tower, whose corners span the box as laid out, then the
    wire, the connections and shortcuts, kernels, and the labels last, one per box."""
    found = figures.views(networks[name])
    files = figures.network_files(figures.views(networks[name]))
    meta = files["figure.json"]["layout"]["meta"]
    assert [v["label"] for v in meta["views"]] == [v.label for v in found]
    # The first view drawn is in figure.json; each other one is named, and nothing else is written.
    assert [("src" in v) for v in meta["views"]] == [i != meta["view"] for i in range(len(found))]
    assert set(files) == {"figure.json", *(v["src"] for v in meta["views"] if "src" in v)}
    for index, view in enumerate(found):
        traces = figures.plotly_figure(files, index)["data"]
        placed = [
            (view.graph.nodes[node], box)
            for node, row in enumerate(view.scene.compressed.boxes)
            for box in row
        ]
        meshes = [t for t in traces if t["type"] == "mesh3d"]
        assert traces[: len(meshes)] == meshes
        assert len(meshes) == len(placed)
        for mesh, (node, box) in zip(meshes, placed, strict=True):
            assert (mesh["name"], mesh["color"], mesh["hovertext"]) == (
                node.name,
                node.colour,
                node.hover,
            )
            assert len(mesh["x"]) == len(mesh["y"]) == len(mesh["z"]) == 8
            spans = [(min(mesh[a]), max(mesh[a])) for a in "xyz"]
            expected = [(box.x0, box.x1), (box.y0, box.y1), (box.z0, box.z1)]
            assert spans == [(round(lo), round(hi)) for lo, hi in expected]
            # Every corner of the box, once.
            assert len(set(zip(mesh["x"], mesh["y"], mesh["z"], strict=True))) == 8
        assert traces[len(meshes)]["meta"] == "wire"
        assert traces[-1]["name"] == "labels"
        assert len(traces[-1]["text"]) == len(view.graph.nodes)
        entry = meta["views"][index]
        packed = files[entry["src"]] if "src" in entry else files["figure.json"]["view"]
        assert len(packed["labels"]) == len(traces[-1]["text"])
        assert len(packed["proportional"]["boxes"]) == len(packed["boxes"])


@pytest.mark.parametrize("name", ["alexnet-2012", "googlenet-aux", "resnet-18"])
def test_the_figure_is_a_valid_plotly_figure(networks: dict[str, Analysis], name: str) -> None:
    """Plotly's own validation (which plotly.io.to_html runs, as the benchmark does), of every
    view as a plain figure."""
    graph_objects = require("plotly.graph_objects", "pip install plotly")
    files = figures.network_files(figures.views(networks[name]))
    for index in range(len(files["figure.json"]["layout"]["meta"]["views"])):
        graph_objects.Figure(figures.plotly_figure(files, index))


@st.composite
def graph_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A random branching network of 4×8×8 maps: convolutions, activations and pools reading any
    earlier layer, adds and concats of two or three of them, then a fully connected layer."""
    layers: list[dict[str, Any]] = [
        {"name": "l0", "kind": "conv", "out_channels": 4, "kernel": 3, "padding": 1}
    ]
    channels = [4]
    for index in range(1, draw(st.integers(2, 14))):
        earlier = st.integers(0, index - 1)
        kind = draw(st.sampled_from(["conv", "conv", "relu", "max_pool", "add", "concat"]))
        name = f"l{index}"
        if kind in ("add", "concat") and index > 1:
            sources = draw(st.lists(earlier, min_size=2, max_size=3, unique=True))
            if kind == "add":
                sources = [s for s in sources if channels[s] == channels[sources[0]]]
            if len(sources) < 2:
                kind, sources = "relu", sources[:1]
        else:
            kind = "relu" if kind in ("add", "concat") else kind
            sources = [draw(earlier)]
        layer: dict[str, Any] = {"name": name, "kind": kind, "inputs": [f"l{s}" for s in sources]}
        if kind == "conv":
            layer |= {"out_channels": 4, "kernel": 3, "padding": 1}
            channels.append(4)
        elif kind == "max_pool":
            layer |= {"kernel": 3, "stride": 1, "padding": 1}
            channels.append(channels[sources[0]])
        elif kind == "concat":
            channels.append(sum(channels[s] for s in sources))
        else:
            channels.append(channels[sources[0]])
        layers.append(layer)
    layers += [
        {"name": "flat", "kind": "flatten"},
        {"name": "out", "kind": "fc", "out_features": 5},
    ]
    return spec_data(*layers, input=[3, 8, 8])


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph_specs())
def test_any_branching_network_is_laid_out_without_overlaps(data: dict[str, Any]) -> None:
    """Whatever the graph (shortcuts over shortcuts, branches that split again, dead ends), every
    view places every box, the input first and the output last, none on another."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.yml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        analysis = load_spec(path)
    files = figures.network_files(figures.views(analysis))
    for index, found in enumerate(figures.views(analysis)):
        traces = figures.plotly_figure(files, index)["data"]
        placed = found.scene.compressed.boxes
        assert sum(t["type"] == "mesh3d" for t in traces) == sum(map(len, placed))
        assert_apart(found, "random")
        # The output ends the network (a dead end, drawn below it, may reach as far).
        side = found.scene.structure.side
        ends = [row[0].x1 for i, row in enumerate(placed) if i not in side]
        assert placed[found.graph.sink][0].x1 == max(ends)
        assert all(row for row in placed)


@pytest.mark.parametrize(
    ("names", "title"),
    [
        (["res3a", "res3b", "res3c", "res3d"], "res3a–d"),
        (["conv3_1", "conv3_2", "conv3_3"], "conv3_1–3"),
        (["pw12", "pw13"], "pw12–13"),
        (["pw9", "pw10"], "pw9–10"),
        (["fire2", "fire9"], "fire2–9"),
        (["a", "b"], "a–b"),
        (["e1_cat", "e2_cat"], "e1_cat–e2_cat"),
        (["block1.conv", "block4.conv"], "block1.conv–block4.conv"),
    ],
)
def test_a_run_of_alike_boxes_is_named_by_its_first_and_last_without_cutting_a_number(
    names: list[str], title: str
) -> None:
    assert figure_graphs.range_name(names) == title
