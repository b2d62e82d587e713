"""The layer table of an architecture page: in the page while it is short, summed block by block
with the full table in a file of its own when it is long (issue 13: pages of at most 60 KB).

The page's summary must add up to the network (every layer in one part, the parts' counts to the
totals), and a layer's name must stay in the page's text, where search finds it.
"""

from __future__ import annotations

import re

import pytest

from generator.analysis.model import audited
from generator.core.kinds import kind_of
from generator.core.results import Analysis, Totals
from generator.render import architecture, figures, site, templating
from tests.helpers import ROOT, SHIPPED, load_spec, number

ROW = re.compile(r"<tr>(.*?)</tr>")
CELL = re.compile(r"<t[dh]>(.*?)</t[dh]>")
TAG = re.compile(r"<[^>]+>")


def cells(table: str) -> list[list[str]]:
    """Each row's cells as text (the header row first)."""
    return [[TAG.sub("", c) for c in CELL.findall(row)] for row in ROW.findall(table)]


@pytest.mark.parametrize("name", SHIPPED)
def test_a_page_holds_its_table_or_sums_it_block_by_block(
    name: str, analyses: dict[str, Analysis]
) -> None:
    analysis = analyses[name]
    files = dict(site.architecture_files(audited(analysis)))
    page = files[templating.page_path(name)]
    table = architecture.layer_table(analysis)
    # Every layer's name is in the page's prose (not only in a table search leaves out), but
    # for the activations, normalisations and dropouts named after the layer they follow.
    # A long list is collapsed under a sentence that points to the table.
    start = page.index("The layers, in order")
    prose = page[start : page.index("\n\n", start)]
    named = [r.name for r in analysis.layers if not kind_of(r.layer).passthrough]
    assert prose.split(":", 1)[1].split() == [f"{n}," for n in named[:-1]] + [f"{named[-1]}."]
    if len(named) > 20:
        summary = f"<summary>The {len(named)} layers' names</summary>"
        assert summary in page and page.index(summary) < start
        assert f"{len(named)} layers, from {named[0]} to {named[-1]}" in page
    if architecture.table_in_page(table):
        assert architecture.layers_path(name) not in files
        assert table in page
        return
    assert table not in page
    assert len(table.encode("utf-8")) > architecture.PAGE_BYTES * architecture.TABLE_SHARE
    full = files[architecture.layers_path(name)]
    assert table in full
    summary = architecture.block_table(architecture.summary_view(figures.views(analysis)))
    assert summary in page
    head, *rows = cells(summary)
    assert head == ["Part", "Layers", "Output", "Neurons", "Params", "MACs"]
    assert sum(int(r[1]) for r in rows) == len(analysis.layers)
    totals = analysis.totals
    for column, total in ((3, totals.neurons), (4, totals.params), (5, totals.macs)):
        assert sum(number(r[column]) for r in rows) == total


def test_long_and_short_tables_are_both_shipped(analyses: dict[str, Analysis]) -> None:
    """The budget splits the shipped networks: AlexNet's table stays, GoogLeNet's is loaded."""
    for name, shipped in (("alexnet-2012", False), ("googlenet", True)):
        table = architecture.layer_table(analyses[name])
        assert (architecture.layers_file(table) is not None) is shipped


def test_table_cells_are_escaped(analyses: dict[str, Analysis]) -> None:
    table = architecture.html_table("layers", ["<b>"], [["<script>"], [architecture._bold("x")]])
    assert "<script>" not in table and "&lt;script&gt;" in table
    assert "<strong>x</strong>" in table and "&lt;b&gt;" in table


def test_a_pre_activation_counts_with_the_layer_it_opens() -> None:
    """DenseNet writes each layer as batch norm, ReLU, conv: the batch norm after a block's
    concatenation opens the next block (or the transition), so two identical dense blocks sum
    alike, and each transition holds its own batch norm (issue 25)."""
    analysis = load_spec(ROOT / "tests" / "fixtures" / "dense-after-residual.yml")
    blocks = {n.title: n for n in architecture.summary_view(figures.views(analysis)).graph.nodes}

    def part(title: str) -> tuple[list[str], int]:
        layers = blocks[title].layers
        return [r.kind for r in layers], Totals.of(layers).params

    dense = ["batch_norm", "relu", "conv", "concat"]
    # 16 channels in: 2·16 for the batch norm, 16·8·3·3 for the conv.
    assert part("d1_cat") == part("e1_cat") == (dense, 2 * 16 + 16 * 8 * 3 * 3)
    assert part("t1_conv") == part("t2_conv") == (["batch_norm", "relu", "conv"], 2 * 32 + 32 * 16)
    assert sum(Totals.of(n.layers).params for n in blocks.values()) == analysis.totals.params
