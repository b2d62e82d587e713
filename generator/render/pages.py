"""Results, audits and figures turned into Markdown pages. Pure: returns text, writes nothing.

Templates live in ``generator/templates``. Every value a template prints passes through
:func:`generator.render.markup.inline` unless the generator marked it safe, so spec text can never add
HTML or script to a page (the default is to escape, not to trust).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import jinja2
from markupsafe import Markup

from generator.analysis import lineage, readings
from generator.analysis.audit import Check, Verdict, audit
from generator.analysis.hypotheses import Family
from generator.core import formatting, rules
from generator.core.results import Analysis, LayerResult
from generator.render import markup, snippet
from generator.spec.errors import Problem
from generator.spec.models import LRN, AdaptivePool, Conv, Dropout, Pool, Quantity, Rounding, Source

ARCHITECTURES = "architectures"
COMPARE_PAGE = "compare.md"
COMPARE_FIGURE = "compare/figure.json"


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    return markup.inline(value)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.render", "templates"),
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters.update(
        block=markup.block,
        url=markup.url,
        count=formatting.count,
        signed=formatting.signed,
        shape=formatting.shape,
        number=formatting.number,
        percent=formatting.percent,
        magnitude=formatting.magnitude,
    )
    env.globals.update(fmt=formatting)
    return env


_ENV = _environment()


def page_path(name: str) -> str:
    """Where an architecture's generated page lives in the docs tree."""
    return f"{ARCHITECTURES}/{name}.md"


def padding(layer: Conv | Pool, result: LayerResult) -> str:
    """Padding as declared, resolved to pixels for TensorFlow's ``same``."""
    if result.axes is None:
        return ""
    height, width = result.axes
    sides = (height.pad_before, height.pad_after, width.pad_before, width.pad_after)
    if len(set(sides)) == 1:
        text = str(sides[0])
    elif sides[0] == sides[1] and sides[2] == sides[3]:
        text = f"{sides[0]}×{sides[2]}"
    else:
        text = "t{} b{} l{} r{}".format(*sides)
    return f"same → {text}" if layer.padding == "same" else text


def operation(result: LayerResult) -> str:
    """A layer's settings in the table's shorthand: ``conv 5×5 p2 g2``, ``max_pool 3×3 s2``.

    ``s`` stride, ``p`` padding, ``d`` dilation and ``g`` groups, each shown only when it is not
    the default; the legend above the table spells this out.
    """
    layer = result.layer
    if isinstance(layer, Conv | Pool):
        kernel = layer.kernel
        parts = [layer.kind, f"{kernel[0]}×{kernel[1]}"]
        stride = layer.stride or layer.kernel
        if stride != (1, 1) or isinstance(layer, Pool):
            parts.append(f"s{formatting.pair(stride)}")
        pad = padding(layer, result)
        if pad not in ("0", ""):
            parts.append(f"p{pad}" if layer.padding != "same" else f"p {pad}")
        if layer.dilation != (1, 1):
            parts.append(f"d{formatting.pair(layer.dilation)}")
        if isinstance(layer, Conv) and layer.groups != 1:
            parts.append(f"g{layer.groups}")
        return " ".join(parts)
    if isinstance(layer, AdaptivePool):
        return f"{layer.kind} → {formatting.pair(layer.output)}"
    if isinstance(layer, LRN):
        return f"lrn n={layer.size} k={layer.k:g} α={layer.alpha:g} β={layer.beta:g}"
    if isinstance(layer, Dropout):
        return f"dropout p={layer.p:g}"
    return layer.kind


def claim_label(check: Check) -> str:
    """What a stated number is about: ``conv1 neurons`` or ``total params``."""
    where = check.claim.layer or "total"
    return f"{where} {check.claim.quantity.value}"


def value_text(value: int | list[int] | tuple[int, ...]) -> str:
    return (
        formatting.shape(tuple(value))
        if isinstance(value, list | tuple)
        else formatting.count(value)
    )


def data_path(name: str, file: str) -> str:
    """Where an architecture's data files (figure, exports) live in the site."""
    return f"{ARCHITECTURES}/{name}/{file}"


def figure_html(
    *, element_id: str, src: str, kind: str, label: str, caption: str, hint: str
) -> Markup:
    """A figure placeholder that the site script fills; readable text until (and without) it.

    ``src`` is relative to the site root. The text alternative is the caption's pointer to the
    table with the same numbers; ``label`` names the figure for screen readers.
    """
    modifier = " arch-figure--chart" if kind != "3d" else ""
    return Markup(
        f'<figure class="arch-figure{modifier}" id="{html.escape(element_id)}" data-src="{html.escape(src)}" '
        f'data-kind="{html.escape(kind)}" data-hint="{html.escape(hint)}">\n'
        f'<div class="arch-figure__plot" role="img" aria-label="{html.escape(label)}"></div>\n'
        f'<p class="arch-figure__status">The interactive figure loads when you scroll to it.</p>\n'
        f"<figcaption>{caption}</figcaption>\n"
        "</figure>"
    )


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
            + '. The <a href="#layer-by-layer">layer table</a> gives the same numbers as text.'
        ),
        hint="Drag to turn, scroll to zoom, hover a box for its numbers.",
    )


def architecture_page(analysis: Analysis) -> str:
    """The page of one architecture: what it is, every layer worked out, the audit, the sources."""
    return _ENV.get_template("architecture.md.j2").render(
        figure=architecture_figure(analysis),
        # Shown in a fenced code block, which Markdown prints verbatim: no escaping wanted.
        snippet=Markup(snippet.pytorch_snippet(analysis)),
        a=analysis,
        spec=analysis.spec,
        checks=audit(analysis),
        operation=operation,
        claim_label=claim_label,
        value_text=value_text,
    )


def architectures_index(analyses: Sequence[Analysis]) -> str:
    """The section page listing every architecture with its headline numbers."""
    return _ENV.get_template("architectures.md.j2").render(analyses=analyses, first_conv=first_conv)


def home_page(analyses: Sequence[Analysis]) -> str:
    """The home page: the question, the short answer, the way into the site."""
    by_name = {a.name: a for a in analyses}
    paper = by_name.get("alexnet-2012")
    return _ENV.get_template("home.md.j2").render(
        analyses=analyses,
        paper=paper,
        paper_checks=audit(paper) if paper else (),
        first_conv=first_conv,
    )


def first_conv(analysis: Analysis) -> LayerResult | None:
    return next((r for r in analysis.layers if isinstance(r.layer, Conv)), None)


def neuron_layers(analysis: Analysis) -> list[LayerResult]:
    """The conv and fc layers, in order: the columns of the comparison tables."""
    return [r for r in analysis.layers if r.counts_as_neurons]


def compare_page(analyses: Sequence[Analysis]) -> str:
    """Every architecture's conv and fc layers side by side, as a chart and as tables."""
    width = max((len(neuron_layers(a)) for a in analyses), default=0)
    figure = figure_html(
        element_id="figure-compare",
        src=COMPARE_FIGURE,
        kind="chart",
        label="Bar charts of the neurons and parameters of each conv and fc layer, per architecture",
        caption='Log scales. The <a href="#neurons">tables below</a> give the same numbers as text.',
        hint="Hover a bar for its layer; click a legend entry to hide an architecture.",
    )
    return _ENV.get_template("compare.md.j2").render(
        analyses=analyses, figure=figure, width=width, neuron_layers=neuron_layers
    )


def site_pages(analyses: Sequence[Analysis]) -> dict[str, str]:
    """Every generated page, by its path in the docs tree."""
    pages = {
        "index.md": home_page(analyses),
        f"{ARCHITECTURES}/index.md": architectures_index(analyses),
        COMPARE_PAGE: compare_page(analyses),
    }
    flagship = flagship_page(analyses)
    if flagship is not None:
        pages[FLAGSHIP_PAGE] = flagship
    pages[AUDIT_PAGE] = audit_page(analyses)
    lineage_text = lineage_page(analyses)
    if lineage_text is not None:
        pages[LINEAGE_PAGE] = lineage_text

    for analysis in analyses:
        pages[page_path(analysis.name)] = architecture_page(analysis)
    return pages


FLAGSHIP_PAGE = "where-does-253440-come-from.md"
AUDIT_PAGE = "audit.md"
LINEAGE_PAGE = "lineage.md"
#: Top-level navigation order; pages not listed (hand-written ones) come after, by path.
NAV_ORDER = (
    "index.md",
    FLAGSHIP_PAGE,
    f"{ARCHITECTURES}/",
    COMPARE_PAGE,
    LINEAGE_PAGE,
    "arithmetic.md",
    AUDIT_PAGE,
    "contributing.md",
)


def nav_rank(src_uri: str) -> tuple[int, str]:
    """Sort key of a top-level nav entry, from the source path of its page or section."""
    for rank, prefix in enumerate(NAV_ORDER):
        if src_uri == prefix or (prefix.endswith("/") and src_uri.startswith(prefix)):
            return rank, src_uri
    return len(NAV_ORDER), src_uri


#: The spec whose Figure 2 caption the flagship page retraces.
PAPER = "alexnet-2012"
#: Specs whose sources the flagship page quotes besides the paper's own.
WITNESSES = ("bvlc-alexnet", "torchvision-alexnet")


def flagship_page(analyses: Sequence[Analysis]) -> str | None:
    """The page that answers the site's question, or None when the paper's spec is absent."""
    by_name = {a.name: a for a in analyses}
    paper = by_name.get(PAPER)
    conv = first_conv(paper) if paper else None
    if paper is None or conv is None or conv.axes is None:
        return None
    checks = audit(paper)
    neuron_checks = [c for c in checks if c.claim.quantity is Quantity.NEURONS]
    layer_checks = [c for c in neuron_checks if c.claim.layer not in (None, "input")]
    conv_check = next((c for c in layer_checks if c.claim.layer == conv.name), None)
    abstract = next((c for c in neuron_checks if c.claim.layer is None), None)
    if conv_check is None or abstract is None or not isinstance(abstract.claim.value, int):
        return None
    height = conv.axes[0]
    floor_size = rules.output_size(
        height.size,
        height.effective_kernel,
        height.stride,
        height.pad_before,
        height.pad_after,
        Rounding.FLOOR,
    )
    found = readings.readings(paper)
    caption_sum = sum(int(c.claim.value) for c in layer_checks if isinstance(c.claim.value, int))
    total = abstract.claim.value

    def rel(value: int) -> Fraction:
        return Fraction(value - total, total)

    sources: dict[str, Source] = dict(paper.spec.sources)
    for name in WITNESSES:
        if name in by_name:
            sources.update({f"{name}/{k}": v for k, v in by_name[name].spec.sources.items()})
    return _ENV.get_template("flagship.md.j2").render(
        paper=paper,
        paper_link=f"{ARCHITECTURES}/{paper.name}.md",
        conv=conv,
        h=height,
        floor_size=floor_size,
        floor_neurons=conv.layer.out_channels * floor_size * floor_size
        if isinstance(conv.layer, Conv)
        else 0,
        stated=conv_check.claim.value,
        caption_quote=conv_check.claim.quote or "",
        layer_checks=layer_checks,
        matching=sum(1 for c in layer_checks if c.verdict is Verdict.MATCHES),
        readings=found,
        hypotheses=conv_check.hypotheses,
        geometry_found=sum(1 for h in conv_check.hypotheses if h.family is Family.GEOMETRY),
        slides_check=next(
            (c for c in checks if c.claim.quantity is Quantity.MACS and c.claim.layer is None), None
        ),
        abstract=abstract,
        caption_sum=caption_sum,
        rel=rel,
        authors=paper,
        sources=list(sources.items()),
    )


def audit_page(analyses: Sequence[Analysis]) -> str:
    """Every stated number of every spec, with its verdict, and a tally of the verdicts."""
    audits = [(a, audit(a)) for a in analyses]
    tally = [
        (verdict.value, sum(1 for _, checks in audits for c in checks if c.verdict is verdict))
        for verdict in Verdict
    ]
    return _ENV.get_template("audit.md.j2").render(
        audits=audits, tally=tally, claim_label=claim_label, value_text=value_text
    )


def lineage_page(analyses: Sequence[Analysis]) -> str | None:
    """Each variant's differences from the paper's network, or None without the paper's spec."""
    by_name = {a.name: a for a in analyses}
    base = by_name.get(PAPER)
    if base is None:
        return None
    variants = [(a, lineage.differences(base, a)) for a in analyses if a.name != PAPER]
    return _ENV.get_template("lineage.md.j2").render(base=base, variants=variants)


def problems_banner(problems: Sequence[Problem]) -> str:
    """A warning at the top of every page while ``mkdocs serve`` runs with a broken spec."""
    lines = [f'!!! failure "{len(problems)} problem(s) in the architecture specs"', ""]
    lines.append(
        "    The pages of the specs below are missing until they are fixed; save the file to rebuild."
    )
    lines.append("")
    lines.extend(f"    - {markup.inline(str(problem))}" for problem in problems)
    return "\n".join(lines) + "\n\n"
