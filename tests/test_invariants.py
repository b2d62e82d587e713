"""Properties every shipped page must have, checked on what a reader gets: the built HTML page and
the JSON and CSV files it offers for download, against numbers this test works out on its own.

Nothing here re-reads the engine's own sums or its fold of one layer's output into the next
(those hold by construction). Instead:

- the rendered layer table adds up: its rows sum to its Total row, the "At a glance" table repeats
  those totals, and parameters = weights + biases as printed;
- every layer's shapes, parameters and multiply-accumulates equal those of :func:`reference`, a
  small calculator written here from the frameworks' documented formulas, independent of
  ``generator.core``: each layer reads its source layer's output as *that* calculator computes it;
- the JSON and CSV exports say, layer by layer, what the rendered table says.

Each check is a plain function, and :func:`test_each_check_fails_on_a_broken_page` shows it failing
on a page or export broken on purpose: none of these checks can pass whatever the site says.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.core.results import Analysis
from generator.spec.models import Spec
from tests.helpers import SHIPPED, Table, html_tables, number

#: Passthrough kinds: the output has the input's shape, with no parameters and no MACs.
SAME_SHAPE = {"relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "lrn", "dropout", "softmax"}


# --- The reference calculator ----------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One layer as the reference calculator works it out."""

    name: str
    input: tuple[int, ...]
    output: tuple[int, ...]
    params: int
    macs: int


def positions(
    n: int, kernel: int, stride: int, dilation: int, pads: tuple[int, int], rule: str
) -> int:
    """Window positions along one axis, each rule as its framework documents it.

    - PyTorch ``Conv2d`` / ``MaxPool2d``: ``⌊(n + p − d·(k − 1) − 1) / s + 1⌋`` (``floor``).
    - cuda-convnet: ``1 + ⌈(p + n − k_eff) / s⌉``, no clip (``ceil_unclipped``).
    - PyTorch ``ceil_mode`` (``pooling_output_shape``) and Caffe pooling: ``⌈(n + p − k_eff) / s⌉ + 1``,
      minus one when ``(out − 1)·s ≥ n + p_before``, a last window starting in the padding (``ceil``).
    """
    span = n + pads[0] + pads[1] - dilation * (kernel - 1) - 1
    if rule == "floor":
        return span // stride + 1
    out = -(-span // stride) + 1
    if rule == "ceil" and (out - 1) * stride >= n + pads[0]:
        out -= 1
    return out


def window_output(layer: Any, height: int, width: int, stride: tuple[int, int]) -> tuple[int, int]:
    """Output height and width of a convolution or pooling window over ``height × width``."""
    if layer.padding == "same":
        # TensorFlow's SAME: ⌈n / s⌉ positions, whatever the kernel.
        return -(-height // stride[0]), -(-width // stride[1])
    sides = layer.padding
    pads = (
        ((0, 0), (0, 0))
        if sides == "valid"
        else ((sides.top, sides.bottom), (sides.left, sides.right))
    )
    return tuple(  # type: ignore[return-value]
        positions(n, k, s, d, p, layer.rounding.value)
        for n, k, s, d, p in zip(
            (height, width), layer.kernel, stride, layer.dilation, pads, strict=True
        )
    )


def reference(spec: Spec) -> list[Reference]:
    """Every layer's input and output shapes, parameters and MACs, from the spec alone.

    A layer reads the outputs its ``inputs`` name, else the layer before it (the first reads the
    spec's input); an ``add`` gives its inputs' one shape, a ``concat`` their channels stacked, and
    a layer's input is its first source's output. A convolution of
    ``C_out`` kernels ``k_h × k_w`` over ``C_in`` channels in ``g`` groups has ``C_out·(C_in/g)·k_h·k_w``
    weights, one bias per kernel, and one MAC per weight per output position; a fully connected
    layer has ``N_in·N_out`` weights, ``N_out`` biases and one MAC per weight; a batch norm has a
    scale and a shift per channel (none without ``affine``) and no MACs, by the site's convention;
    nothing else has parameters.
    """
    outputs: dict[str, tuple[int, ...]] = {"input": tuple(spec.input)}
    previous = "input"
    layers = []
    spec_layers: list[Any] = list(spec.layers)  # read by kind, as the spec file says it
    for layer in spec_layers:
        sources = [outputs[name] for name in (layer.inputs or [previous])]
        shape = sources[0]
        kind, params, macs = layer.kind, 0, 0
        if kind == "add":
            assert all(s == shape for s in sources), layer.name
            output: tuple[int, ...] = shape
        elif kind == "concat":
            assert all(s[1:] == shape[1:] for s in sources), layer.name
            output = (sum(s[0] for s in sources), *shape[1:])
        elif kind == "conv":
            c, h, w = shape
            oh, ow = window_output(layer, h, w, layer.stride)
            weights = layer.out_channels * (c // layer.groups) * layer.kernel[0] * layer.kernel[1]
            params = weights + (layer.out_channels if layer.bias else 0)
            macs = weights * oh * ow
            output = (layer.out_channels, oh, ow)
        elif kind in ("max_pool", "avg_pool"):
            c, h, w = shape
            output = (c, *window_output(layer, h, w, layer.stride or layer.kernel))
        elif kind in ("adaptive_avg_pool", "adaptive_max_pool"):
            output = (shape[0], *layer.output)
        elif kind == "flatten":
            output = (math.prod(shape),)
        elif kind == "fc":
            weights = math.prod(shape) * layer.out_features
            params = weights + (layer.out_features if layer.bias else 0)
            macs = weights
            output = (layer.out_features,)
        elif kind == "batch_norm":
            # A learned scale and shift per channel unless affine is off (the running mean and
            # variance are buffers); the shape is unchanged, C×H×W or N after a flatten.
            params, output = (2 * shape[0] if getattr(layer, "affine", True) else 0), shape
        elif kind in SAME_SHAPE:
            output = shape
        else:
            pytest.fail(f"the reference calculator does not know the kind {kind!r}: add it here")
        layers.append(Reference(layer.name, shape, output, params, macs))
        outputs[layer.name] = output
        previous = layer.name
    return layers


# --- What the reader gets --------------------------------------------------------------------


@dataclass
class Page:
    """One architecture's built page and its downloads, as text, and the spec it was built from."""

    spec: Spec
    html: str
    data: dict[str, Any]
    csv: list[dict[str, str]]

    def table(self, first_header: str) -> Table:
        return next(t for t in html_tables(self.html) if t.headers and t.headers[0] == first_header)

    def layer_rows(self) -> tuple[list[dict[str, str]], dict[str, str]]:
        """The layer table's rows as ``{header: cell}``, and its Total row."""
        table = self.table("#")
        rows = [dict(zip(table.headers, cells, strict=True)) for cells in table.rows]
        assert rows[-1]["Layer"] == "Total", rows[-1]
        return rows[:-1], rows[-1]

    def glance(self, label: str) -> str:
        """The "At a glance" value whose label starts with ``label``."""
        return next(
            value for name, value in self.table("At a glance").rows if name.startswith(label)
        )


def read_page(site: Path, analysis: Analysis) -> Page:
    name = analysis.name
    folder = site / "architectures" / name
    return Page(
        # The loader's resolved spec (``extends`` applied): merging is tested in test_variants.py.
        spec=analysis.spec,
        # A long network's page loads its layer table from layers.html when the reader opens it.
        html="".join(
            (folder / file).read_text(encoding="utf-8")
            for file in ("index.html", "layers.html")
            if (folder / file).is_file()
        ),
        data=json.loads((folder / f"{name}.json").read_text(encoding="utf-8")),
        csv=list(csv.DictReader(io.StringIO((folder / f"{name}.csv").read_text(encoding="utf-8")))),
    )


def shape_of(cell: str) -> tuple[int, ...]:
    """``96×55×55`` (a page) or ``96x55x55`` (the CSV) as a tuple."""
    return tuple(int(v) for v in cell.replace("×", "x").split("x"))


# --- The checks ------------------------------------------------------------------------------


def check_table_adds_up(page: Page) -> None:
    """Each column's rows sum to its Total, and the "At a glance" table agrees with it."""
    rows, total = page.layer_rows()
    for column in ("Neurons", "Params", "MACs"):
        assert sum(number(r[column]) for r in rows) == number(total[column].strip("*")), column
    for row in rows:
        # Neurons are the outputs of conv and fc layers: C·H·W of the Output cell, or N.
        if row["Operation"].split()[0] in ("conv", "fc"):
            assert number(row["Neurons"]) == math.prod(shape_of(row["Output"])), row["Layer"]
        else:
            assert row["Neurons"] == "—", row["Layer"]
    assert number(page.glance("Neurons")) == number(total["Neurons"].strip("*"))
    assert number(page.glance("Multiply-accumulates")) == number(total["MACs"].strip("*"))
    params, _, split = page.glance("Parameters").partition(" = ")
    weights, biases = (number(v) for v in split.split(" + "))
    assert number(params) == weights + biases == number(total["Params"].strip("*"))
    # Every layer's output is computed and held once, passthroughs included.
    values = page.glance("Values computed").removesuffix(" values")
    assert number(values) == sum(math.prod(shape_of(r["Output"])) for r in rows)
    shape, _, size = page.glance("Input").partition(" = ")
    assert number(size.removesuffix(" values")) == math.prod(shape_of(shape))


def check_against_reference(page: Page) -> None:
    """Each layer reads its source's output, and shows its own output, as the reference computes."""
    expected = reference(page.spec)
    rows, _ = page.layer_rows()
    assert [r["Layer"] for r in rows] == [e.name for e in expected]
    for row, layer, e in zip(rows, page.data["layers"], expected, strict=True):
        assert tuple(layer["input"]) == e.input, f"{e.name} reads {layer['input']}, not {e.input}"
        assert tuple(layer["output"]) == e.output, e.name
        assert shape_of(row["Output"]) == e.output, e.name
        assert (number(row["Params"]), number(row["MACs"])) == (e.params, e.macs), e.name


def check_exports_agree(page: Page) -> None:
    """The JSON and CSV rows and totals say what the rendered table says."""
    rows, total = page.layer_rows()
    assert len(rows) == len(page.data["layers"]) == len(page.csv)
    for row, layer, line in zip(rows, page.data["layers"], page.csv, strict=True):
        shown: list[object] = [row["Layer"], shape_of(row["Output"])]
        shown += [number(row[c]) for c in ("Neurons", "Params", "MACs")]
        exported: list[object] = [layer["name"], tuple(layer["output"])]
        exported += [layer[k] for k in ("neurons", "params", "macs")]
        in_csv: list[object] = [line["name"], shape_of(line["output"])]
        in_csv += [int(line[k]) for k in ("neurons", "params", "macs")]
        assert shown == exported == in_csv, row["Layer"]
        assert tuple(layer["input"]) == shape_of(line["input"]), row["Layer"]
    totals = page.data["totals"]
    assert [number(total[c].strip("*")) for c in ("Neurons", "Params", "MACs")] == [
        totals["neurons"],
        totals["params"],
        totals["macs"],
    ]


# --- Every shipped page ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_the_rendered_table_adds_up(name: str, site: Path, analyses: dict[str, Analysis]) -> None:
    check_table_adds_up(read_page(site, analyses[name]))


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_every_layer_matches_the_reference_calculator(
    name: str, site: Path, analyses: dict[str, Analysis]
) -> None:
    check_against_reference(read_page(site, analyses[name]))


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_the_exports_agree_with_the_rendered_table(
    name: str, site: Path, analyses: dict[str, Analysis]
) -> None:
    check_exports_agree(read_page(site, analyses[name]))


def test_the_reference_works_out_the_papers_network_by_hand(analyses: dict[str, Analysis]) -> None:
    """The calculator itself, on the paper's network, against numbers worked out by hand.

    conv1 1 + ⌈(224 − 11) / 4⌉ = 1 + ⌈53.25⌉ = 55 (cuda-convnet), 96·3·11·11 + 96 = 34,944
    parameters and 34,848 · 55·55 = 105,415,200 MACs; pool1 1 + ⌈(55 − 3) / 2⌉ = 27; pool5
    leaves 256×6×6, flattened to the 9,216 values fc6 reads: 9,216·4,096 + 4,096 = 37,752,832
    parameters.
    """
    found = {r.name: r for r in reference(analyses["alexnet-2012"].spec)}
    assert found["conv1"] == Reference("conv1", (3, 224, 224), (96, 55, 55), 34_944, 105_415_200)
    assert found["pool1"].output == (96, 27, 27)
    assert found["pool5"].output == (256, 6, 6)
    assert found["fc6"].input == (9_216,)
    assert found["fc6"].params == 37_752_832


# --- Each check can fail ---------------------------------------------------------------------

#: A check, or a change that breaks a page: both take the page (and may change it).
Check = Callable[[Page], None]


def _cell(old: str, new: str) -> Check:
    def tamper(page: Page) -> None:
        assert f">{old}</td>" in page.html
        page.html = page.html.replace(f">{old}</td>", f">{new}</td>", 1)

    return tamper


def _exported(layer: str, key: str, value: Any) -> Check:
    def tamper(page: Page) -> None:
        next(entry for entry in page.data["layers"] if entry["name"] == layer)[key] = value

    return tamper


def _csv(layer: str, key: str, value: str) -> Check:
    def tamper(page: Page) -> None:
        next(line for line in page.csv if line["name"] == layer)[key] = value

    return tamper


BROKEN: dict[str, tuple[Check, Check]] = {
    # One parameter too many for conv1 (34,944): the column no longer sums to its total.
    "a params cell": (check_table_adds_up, _cell("34,944", "34,945")),
    "the weights + biases split": (
        check_table_adds_up,
        _cell("60,965,224 = 60,954,656 + 10,568", "60,965,224 = 60,954,656 + 10,569"),
    ),
    "an output shape": (check_table_adds_up, _cell("96×55×55", "96×54×54")),
    # pool1 reading conv1's output as the floor rule would give it, 54×54.
    "a layer's input": (check_against_reference, _exported("pool1", "input", [96, 54, 54])),
    "a shown output": (check_against_reference, _cell("256×13×13", "256×14×14")),
    "the exported MACs": (check_exports_agree, _exported("fc8", "macs", 4_096_001)),
    "the CSV output": (check_exports_agree, _csv("conv2", "output", "256x27x28")),
}


@pytest.mark.slow
@pytest.mark.parametrize("what", BROKEN)
def test_each_check_fails_on_a_broken_page(
    what: str, site: Path, analyses: dict[str, Analysis]
) -> None:
    """Each check passes on the paper's page as built, then fails once one value is changed."""
    check, tamper = BROKEN[what]
    page = read_page(site, analyses["alexnet-2012"])
    check(page)
    tamper(page)
    with pytest.raises(AssertionError):
        check(page)
