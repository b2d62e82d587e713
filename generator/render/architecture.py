"""The page of one architecture: what it is, every layer worked out, its audit, its sources.
Pure: returns Markdown (and the full layer table of a long network as HTML), writes nothing.

A page stays within :data:`PAGE_BYTES`: the layer table of a long network would outweigh the rest
of its page, so such a page sums its layers block by block, and the full table is a file of its
own (:func:`layers_path`) that the page loads when its section is opened, as it does the script.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from markupsafe import Markup, escape

from generator.analysis.audit import Check
from generator.analysis.counters import Predictions
from generator.analysis.model import Architecture
from generator.core import formatting
from generator.core.kinds import ENTRIES, kind_of
from generator.core.results import Analysis, LayerResult, Totals
from generator.render import conventions, figures, phrasing
from generator.render.templating import (
    ENV,
    claim_label,
    data_path,
    figure_html,
    script_path,
    value_text,
)

#: What an architecture page may weigh, its HTML and its figure data (issue 13).
PAGE_BYTES = 60_000
#: The layer table stays in the page while it takes at most this share of :data:`PAGE_BYTES`
#: (Material's chrome, the prose and the figure data share the rest).
TABLE_SHARE = 1 / 6


def operation(result: LayerResult) -> str:
    """A layer's settings in the table's shorthand: ``conv 5×5 p2 g2``, ``max_pool 3×3 s2``.

    ``s`` stride, ``p`` padding, ``d`` dilation and ``g`` groups, each shown only when it is not
    the default; the legend above the table spells this out. Each kind writes its own.
    """
    return kind_of(result.layer).operation(result)


def architecture_figure(analysis: Analysis) -> Markup:
    return figure_html(
        element_id=f"figure-{analysis.name}",
        src=data_path(analysis.name, "figure.json"),
        kind="3d",
        label=f"3D view of the layers of {analysis.spec.title}: one box per layer, "
        "width × height × channels, in network order",
        caption=(
            "One box per layer (width × height × channels), in network order"
            + (", one stack per tower (GPU)" if analysis.spec.towers > 1 else "")
            + (
                "; where the network branches, its branches side by side and its shortcuts as"
                " arcs (Blocks and Stages collapse its modules and runs of alike ones)"
                if any(len(r.inputs) > 1 for r in analysis.layers)
                else ""
            )
            + '. The <a href="#layer-by-layer">layer table</a> gives the same numbers as text.'
        ),
        hint="Drag to turn, scroll to zoom, hover a box for its numbers.",
    )


def layers_path(name: str) -> str:
    """Where a long network's full layer table lives as HTML, loaded when its section is opened
    (relative to the site root)."""
    return data_path(name, "layers.html")


#: The readings of a stated comparison a page lists, fewest changes first: in a family of hundreds
#: many readings fit a rounded figure, and the first few say what the rest do.
SHOWN_FITS = 3
#: Marks a cell that search leaves out. Given a value, Material's search removes the attribute
#: from the page once it has read it; bare, it would stay in the HTML of every such cell.
SEARCH_EXCLUDED = ' data-search-exclude="1"'


def html_table(
    kind: str,
    head: Sequence[str],
    rows: Iterable[Sequence[object]],
    searched: Collection[int] | None = None,
) -> Markup:
    """A table in a wrapper whose class (``arch-table--KIND``) right-aligns its number columns.

    Written as HTML rather than Markdown: Markdown's alignment markers repeat an inline style on
    every cell, a third of a long table's bytes. Cells are escaped unless marked safe. With
    ``searched``, only those columns go into the search index.
    """

    def cell(tag: str, column: int, value: object) -> str:
        skip = searched is not None and column not in searched
        return f"<{tag}{SEARCH_EXCLUDED if skip else ''}>{escape(value)}</{tag}>"

    # A space between cells: search reads a table as text, and would run two cells together.
    header = " ".join(cell("th", i, value) for i, value in enumerate(head))
    body = "\n".join(
        "<tr>" + " ".join(cell("td", i, value) for i, value in enumerate(row)) + "</tr>"
        for row in rows
    )
    return Markup(
        f'<div class="arch-table arch-table--{kind}">\n<table>\n<thead><tr>{header}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>\n</div>"
    )


def stated_table(checks: Sequence[Check]) -> Markup:
    """Every stated number against the computed one, its verdict right after the stated figure
    (the columns a phone shows first). Search finds a page by the numbers its sources state (the
    first two columns); what was computed from them stays out of the index."""
    rows = [
        [
            claim_label(c),
            value_text(c.claim.value) + (" (rounded)" if c.claim.approximate else ""),
            _bold(c.verdict.value),
            value_text(c.computed),
            f"{formatting.signed(c.difference)} ({formatting.percent(c.relative)})"
            if c.difference and c.relative is not None
            else "",
            c.claim.source,
        ]
        for c in checks
    ]
    head = ["Stated number", "Stated", "Verdict", "Computed", "Stated − computed", "Source"]
    return html_table("stated", head, rows, searched=(0, 1))


def tools_table(tools: Predictions) -> Markup:
    """Each operation counter's number for the network, and its difference from the site's
    count in words. Out of the search index, as the audit's computed values are."""
    rows = [
        [
            phrasing.tool_title(p.tool),
            phrasing.UNIT_WORDS[p.unit],
            formatting.count(p.total),
            phrasing.tool_difference(p),
        ]
        for p in tools.found
    ]
    head = ["Tool", "Reports", "Its number", "Against the site's count"]
    return html_table("tools", head, rows)


def _bold(text: str) -> Markup:
    return Markup("<strong>{}</strong>").format(text)


def _or_dash(value: int, shown: bool = True) -> str:
    return formatting.count(value) if shown and value else "—"


def layer_table(analysis: Analysis) -> Markup:
    """Every layer: its settings, output, size formula, counts and receptive field, and the totals.

    A branching network's table says which layers each layer reads (*Connected to*)."""
    branches = _branches(analysis)
    head = ["#", "Layer", *(["Connected to"] if branches else []), "Operation", "Output"]
    head += ["Output size", "Neurons", "Params", "MACs", "RF"]
    rows: list[list[object]] = []
    for r in analysis.layers:
        reads = [", ".join(r.inputs)] if branches else []
        rows.append(
            [
                r.index + 1,
                _bold(r.name),
                *reads,
                operation(r),
                formatting.shape(r.output),
                formatting.size_formula(r),
                _or_dash(r.neurons, r.counts_as_neurons),
                _or_dash(r.params),
                _or_dash(r.macs),
                formatting.receptive(r),
            ]
        )
    totals = analysis.totals
    total: list[object] = ["", _bold("Total"), *([""] if branches else []), "", "", ""]
    total += [_bold(formatting.count(v)) for v in (totals.neurons, totals.params, totals.macs)]
    rows.append([*total, ""])
    return html_table("graph" if branches else "layers", head, rows)


def summary_view(views: Sequence[figures.View]) -> figures.View:
    """The 3D view (of :func:`figures.views`) a long network's page sums its layers by: its
    blocks (or stages), else its drawn layers, with the activations and the like that follow
    each one folded in."""
    return views[1] if len(views) > 1 else views[0]


def opens_layers(views: Sequence[figures.View]) -> bool:
    """Whether a box of the view of every layer counts a pre-activation before its layer (see
    :func:`generator.render.figure_graphs.layer_graph`)."""
    return any(n.result is not None and n.layers[0] is not n.result for n in views[0].graph.nodes)


def block_table(view: figures.View) -> Markup:
    """One row per box of ``view``: the layers it stands for, its output and their counts."""
    rows: list[list[object]] = []
    for node in view.graph.nodes:
        if not node.layers:
            continue  # the input
        totals = Totals.of(node.layers)
        rows.append(
            [
                _bold(node.title),
                len(node.layers),
                formatting.shape(node.shape),
                _or_dash(totals.neurons),
                _or_dash(totals.params),
                _or_dash(totals.macs),
            ]
        )
    return html_table("blocks", ["Part", "Layers", "Output", "Neurons", "Params", "MACs"], rows)


def table_in_page(table: str) -> bool:
    """Whether a layer table is short enough to sit in its page (:data:`TABLE_SHARE`)."""
    return len(table.encode("utf-8")) <= PAGE_BYTES * TABLE_SHARE


def layers_file(table: str) -> str | None:
    """The full layer table (:func:`layer_table`) as the file at :func:`layers_path`, or ``None``
    when the page holds it.

    Wrapped as Material wraps the tables of a page, so that it scrolls sideways the same way."""
    if table_in_page(table):
        return None
    return (
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">\n'
        f"{table}\n</div></div>\n"
    )


def _branches(analysis: Analysis) -> bool:
    return any(layer.inputs is not None for layer in analysis.spec.layers)


def named_layers(analysis: Analysis) -> list[str]:
    """The layers the page names in its text, where search finds them: all but the activations,
    normalisations and dropouts, which pass their input's shape on and are named after the layer
    they follow (``conv1`` then ``relu1``), so a search for a block still finds its page."""
    return [r.name for r in analysis.layers if not kind_of(r.layer).passthrough]


def remarks(analysis: Analysis) -> list[str]:
    """What the layer table's reader should know about the kinds this network uses."""
    present = {kind_of(r.layer).names for r in analysis.layers}
    return [k.remark for k in ENTRIES if k.names in present and k.remark is not None]


def architecture_page(
    architecture: Architecture,
    *,
    script: str,
    table: Markup,
    views: Sequence[figures.View],
) -> str:
    """The page of one architecture: what it is, every layer worked out, the audit, the sources.

    ``script`` is its PyTorch script (:func:`generator.render.snippet.pytorch_snippet`) and
    ``table`` its :func:`layer_table`, which its other files show too; ``views`` its
    :func:`figures.views`, which its figure files draw."""
    analysis = architecture.analysis
    inline = table_in_page(table)
    summary = None if inline else summary_view(views)
    return ENV.get_template("architecture.md.j2").render(
        figure=architecture_figure(analysis),
        table=table if inline else block_table(summary) if summary else None,
        summary=summary,
        opens=opens_layers(views),
        layers_src=None if inline else layers_path(analysis.name),
        script_src=script_path(analysis.name),
        script_lines=script.count("\n") + 1,
        arch=architecture,
        a=analysis,
        spec=analysis.spec,
        checks=architecture.checks,
        comparisons=architecture.comparisons,
        remarks=remarks(analysis),
        named=named_layers(analysis),
        stated=stated_table(architecture.checks),
        tools=architecture.tools,
        tools_table=tools_table(architecture.tools),
        tool_versions=phrasing.tool_versions(),
        tool_params=phrasing.tool_params(architecture.tools.found),
        conventions=f"../{conventions.PAGE}",
        shown_fits=SHOWN_FITS,
        branches=_branches(analysis),
        claim_label=claim_label,
        value_text=value_text,
    )
