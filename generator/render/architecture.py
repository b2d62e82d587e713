"""The page of one architecture: what it is, every layer worked out, its audit, its sources.
Pure: returns Markdown, writes nothing."""

from __future__ import annotations

from markupsafe import Markup

from generator.analysis.model import Architecture
from generator.core.kinds import ENTRIES, kind_of
from generator.core.results import Analysis, LayerResult
from generator.render import snippet
from generator.render.templating import (
    ENV,
    claim_label,
    data_path,
    figure_html,
    script_path,
    value_text,
)


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


def remarks(analysis: Analysis) -> list[str]:
    """What the layer table's reader should know about the kinds this network uses."""
    present = {kind_of(r.layer).names for r in analysis.layers}
    return [k.remark for k in ENTRIES if k.names in present and k.remark is not None]


def architecture_page(architecture: Architecture) -> str:
    """The page of one architecture: what it is, every layer worked out, the audit, the sources."""
    analysis = architecture.analysis
    return ENV.get_template("architecture.md.j2").render(
        figure=architecture_figure(analysis),
        script_src=script_path(analysis.name),
        script_lines=snippet.pytorch_snippet(analysis).count("\n") + 1,
        a=analysis,
        spec=analysis.spec,
        checks=architecture.checks,
        comparisons=architecture.comparisons,
        remarks=remarks(analysis),
        branches=any(layer.inputs is not None for layer in analysis.spec.layers),
        operation=operation,
        claim_label=claim_label,
        value_text=value_text,
    )
