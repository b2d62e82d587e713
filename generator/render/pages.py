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

from generator.analysis.audit import Check, Verdict
from generator.analysis.hypotheses import Family
from generator.analysis.model import Architecture, SiteModel
from generator.analysis.readings import first_conv
from generator.core import formatting
from generator.core.kinds import ENTRIES, kind_of
from generator.core.results import Analysis, LayerResult
from generator.render import markup, snippet
from generator.spec.errors import Problem
from generator.spec.models import Conv, Quantity, Source

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
    env.globals.update(fmt=formatting, figure_text=formatting.figure_text)
    return env


_ENV = _environment()


def page_path(name: str) -> str:
    """Where an architecture's generated page lives in the docs tree."""
    return f"{ARCHITECTURES}/{name}.md"


def operation(result: LayerResult) -> str:
    """A layer's settings in the table's shorthand: ``conv 5×5 p2 g2``, ``max_pool 3×3 s2``.

    ``s`` stride, ``p`` padding, ``d`` dilation and ``g`` groups, each shown only when it is not
    the default; the legend above the table spells this out. Each kind writes its own.
    """
    return kind_of(result.layer).operation(result)


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


def remarks(analysis: Analysis) -> list[str]:
    """What the layer table's reader should know about the kinds this network uses."""
    present = {kind_of(r.layer).names for r in analysis.layers}
    return [k.remark for k in ENTRIES if k.names in present and k.remark is not None]


def architecture_page(architecture: Architecture) -> str:
    """The page of one architecture: what it is, every layer worked out, the audit, the sources."""
    analysis = architecture.analysis
    return _ENV.get_template("architecture.md.j2").render(
        figure=architecture_figure(analysis),
        # Shown in a fenced code block, which Markdown prints verbatim: no escaping wanted.
        snippet=Markup(snippet.pytorch_snippet(analysis)),
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


def architectures_index(model: SiteModel) -> str:
    """The section page listing every architecture with its headline numbers."""
    return _ENV.get_template("architectures.md.j2").render(
        analyses=model.analyses, first_conv=first_conv
    )


def home_page(model: SiteModel) -> str:
    """The home page: the question, the short answer, the way into the site."""
    paper = model.paper
    return _ENV.get_template("home.md.j2").render(
        analyses=model.analyses,
        paper=paper.analysis if paper else None,
        paper_checks=paper.checks if paper else (),
        first_conv=first_conv,
    )


def neuron_layers(analysis: Analysis) -> list[LayerResult]:
    """The conv and fc layers, in order: the columns of the comparison tables."""
    return [r for r in analysis.layers if r.counts_as_neurons]


def compare_page(model: SiteModel) -> str:
    """Every architecture's conv and fc layers side by side, as a chart and as tables."""
    analyses = model.analyses
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


def site_pages(model: SiteModel) -> dict[str, str]:
    """Every generated page, by its path in the docs tree."""
    pages = {
        "index.md": home_page(model),
        f"{ARCHITECTURES}/index.md": architectures_index(model),
        COMPARE_PAGE: compare_page(model),
    }
    flagship = flagship_page(model)
    if flagship is not None:
        pages[FLAGSHIP_PAGE] = flagship
    pages[AUDIT_PAGE] = audit_page(model)
    lineage_text = lineage_page(model)
    if lineage_text is not None:
        pages[LINEAGE_PAGE] = lineage_text

    for architecture in model.architectures:
        pages[page_path(architecture.name)] = architecture_page(architecture)
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


#: Specs whose sources the flagship page quotes besides the paper's own.
WITNESSES = ("bvlc-alexnet", "torchvision-alexnet")


def flagship_page(model: SiteModel) -> str | None:
    """The page that answers the site's question, or None when the paper's spec is absent."""
    paper, found = model.paper, model.paper_readings
    if paper is None or found is None:
        return None
    conv, checks = found.conv, paper.checks
    neuron_checks = [c for c in checks if c.claim.quantity is Quantity.NEURONS]
    layer_checks = [c for c in neuron_checks if c.claim.layer not in (None, "input")]
    conv_check = next((c for c in layer_checks if c.claim.layer == conv.name), None)
    abstract = next((c for c in neuron_checks if c.claim.layer is None), None)
    if conv_check is None or abstract is None or not isinstance(abstract.claim.value, int):
        return None
    caption_sum = sum(int(c.claim.value) for c in layer_checks if isinstance(c.claim.value, int))
    total = abstract.claim.value

    def rel(value: int) -> Fraction:
        return Fraction(value - total, total)

    return _ENV.get_template("flagship.md.j2").render(
        paper=paper.analysis,
        paper_link=f"{ARCHITECTURES}/{paper.name}.md",
        conv=conv,
        h=found.height,
        floor_size=found.floor_size,
        floor_neurons=conv.layer.out_channels * found.floor_size * found.floor_size
        if isinstance(conv.layer, Conv)
        else 0,
        stated=conv_check.claim.value,
        caption_quote=conv_check.claim.quote or "",
        layer_checks=layer_checks,
        matching=sum(1 for c in layer_checks if c.verdict is Verdict.MATCHES),
        readings=found.readings,
        hypotheses=conv_check.hypotheses,
        geometry_found=sum(1 for h in conv_check.hypotheses if h.family is Family.GEOMETRY),
        slides_check=next(
            (c for c in checks if c.claim.quantity is Quantity.MACS and c.claim.layer is None), None
        ),
        abstract=abstract,
        caption_sum=caption_sum,
        rel=rel,
        authors=paper.analysis,
        sources=list(_quoted_sources(model).items()),
    )


def _quoted_sources(model: SiteModel) -> dict[str, Source]:
    """The paper's sources, then those of the :data:`WITNESSES`, keyed ``spec/key``."""
    paper = model.paper
    sources: dict[str, Source] = dict(paper.analysis.spec.sources) if paper else {}
    for name in WITNESSES:
        witness = model.architecture(name)
        if witness is not None:
            sources.update({f"{name}/{k}": v for k, v in witness.analysis.spec.sources.items()})
    return sources


def audit_page(model: SiteModel) -> str:
    """Every stated number of every spec, with its verdict, and a tally of the verdicts."""
    verdicts = [c.verdict for a in model.architectures for c in a.checks]
    verdicts += [d.verdict for a in model.architectures for d in a.comparisons]
    tally = [(verdict.value, verdicts.count(verdict)) for verdict in Verdict]
    return _ENV.get_template("audit.md.j2").render(
        architectures=model.architectures,
        tally=tally,
        claim_label=claim_label,
        value_text=value_text,
    )


def lineage_page(model: SiteModel) -> str | None:
    """Each variant's differences from the paper's network, or None without the paper's spec."""
    if model.paper is None:
        return None
    return _ENV.get_template("lineage.md.j2").render(
        base=model.paper.analysis, variants=model.variants
    )


def problems_banner(problems: Sequence[Problem]) -> str:
    """A warning at the top of every page while ``mkdocs serve`` runs with a broken spec."""
    lines = [f'!!! failure "{len(problems)} problem(s) in the architecture specs"', ""]
    lines.append(
        "    The pages of the specs below are missing until they are fixed; save the file to rebuild."
    )
    lines.append("")
    lines.extend(f"    - {markup.inline(str(problem))}" for problem in problems)
    return "\n".join(lines) + "\n\n"
