"""The site-wide pages: home, the architectures index, the flagship question, the comparison,
lineage, audit and successors pages, and the site's navigation order. Pure: returns text, writes
nothing. One architecture's page is :mod:`generator.render.architecture`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from generator.analysis.audit import Verdict
from generator.analysis.hypotheses import MAX_CHANGES, NOUNS, Family
from generator.analysis.model import Member, SiteModel
from generator.analysis.readings import first_conv
from generator.core import formatting
from generator.core.results import Analysis, LayerResult
from generator.render import architecture, markup
from generator.render.templating import (
    ARCHITECTURES,
    ENV,
    claim_label,
    figure_html,
    page_path,
    value_text,
)
from generator.spec.errors import Problem
from generator.spec.models import Conv, Quantity, Source

COMPARE_PAGE = "compare.md"
COMPARE_FIGURE = "compare/figure.json"


def architectures_index(model: SiteModel) -> str:
    """The section page listing every architecture with its headline numbers."""
    return ENV.get_template("architectures.md.j2").render(
        families=model.families, first_conv=first_conv
    )


def home_page(model: SiteModel) -> str:
    """The home page: the question, the short answer, the way into the site."""
    paper = model.paper
    return ENV.get_template("home.md.j2").render(
        families=model.families,
        successors=[f for f in model.families if not f.family.alexnet] if model.successors else [],
        paper=paper.analysis if paper else None,
        paper_checks=paper.checks if paper else (),
        first_conv=first_conv,
    )


def neuron_layers(analysis: Analysis) -> list[LayerResult]:
    """The conv and fc layers, in order: the columns of the comparison tables."""
    return [r for r in analysis.layers if r.counts_as_neurons]


def compare_page(model: SiteModel) -> str:
    """AlexNet's variants layer by layer (a chart and tables), then every network by stage."""
    analyses = alexnets(model)
    width = max((len(neuron_layers(a)) for a in analyses), default=0)
    figure = figure_html(
        element_id="figure-compare",
        src=COMPARE_FIGURE,
        kind="chart",
        label="Bar charts of the neurons and parameters of each conv and fc layer, per architecture",
        caption='Log scales. The <a href="#neurons">tables below</a> give the same numbers as text.',
        hint="Hover a bar for its layer; click a legend entry to hide an architecture.",
    )
    members = [m for f in model.families for m in f.members]
    return ENV.get_template("compare.md.j2").render(
        analyses=analyses,
        alexnet_name=next((f.family.name for f in model.families if f.family.alexnet), ""),
        figure=figure,
        width=width,
        neuron_layers=neuron_layers,
        families=model.families,
        columns=stage_columns(members),
        stage_sums=stage_sums,
    )


def alexnets(model: SiteModel) -> tuple[Analysis, ...]:
    """AlexNet and its variants, in site order: the networks compared layer by layer."""
    names = {a.name for f in model.families if f.family.alexnet for a in f.family.members}
    return tuple(a for a in model.analyses if a.name in names)


@dataclass(frozen=True, slots=True)
class StageColumn:
    """A column of the tables by stage: a stride, the fully connected layers or the auxiliary
    classifiers."""

    key: tuple[bool, Fraction | None]
    label: str


def stage_columns(members: Sequence[Member]) -> list[StageColumn]:
    """Every stage any network has, strides first (smallest first), then fc, then auxiliary."""
    keys = {(s.auxiliary, s.stride) for m in members for s in m.sums}
    ordered = sorted(keys, key=lambda k: (k[0], k[1] is None, k[1] or 0))
    return [
        StageColumn(k, "auxiliary" if k[0] else ("fc" if k[1] is None else f"×{k[1]}"))
        for k in ordered
    ]


def stage_sums(member: Member) -> dict[tuple[bool, Fraction | None], dict[str, int]]:
    """A network's sums by stage, keyed like :class:`StageColumn`."""
    return {(s.auxiliary, s.stride): {"params": s.params, "macs": s.macs} for s in member.sums}


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
    successors = successors_page(model)
    if successors is not None:
        pages[SUCCESSORS_PAGE] = successors
    pages[AUDIT_PAGE] = audit_page(model)
    lineage_text = lineage_page(model)
    if lineage_text is not None:
        pages[LINEAGE_PAGE] = lineage_text

    for arch in model.architectures:
        pages[page_path(arch.name)] = architecture.architecture_page(arch)
    return pages


FLAGSHIP_PAGE = "where-does-253440-come-from.md"
SUCCESSORS_PAGE = "successors.md"
AUDIT_PAGE = "audit.md"
LINEAGE_PAGE = "lineage.md"
#: Top-level navigation order; pages not listed (hand-written ones) come after, by path.
NAV_ORDER = (
    "index.md",
    FLAGSHIP_PAGE,
    SUCCESSORS_PAGE,
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

    return ENV.get_template("flagship.md.j2").render(
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
    return ENV.get_template("audit.md.j2").render(
        architectures=model.architectures,
        tally=tally,
        claim_label=claim_label,
        value_text=value_text,
    )


def lineage_page(model: SiteModel) -> str | None:
    """AlexNet's variants against the paper's network, the successors by stage, and each
    successor's variants against its family's root; None without the paper's spec."""
    if model.paper is None:
        return None
    alexnet = next((f for f in model.families if f.family.alexnet), None)
    successors = [f for f in model.families if not f.family.alexnet]
    paper = [m for m in alexnet.members if m.analysis.name == model.paper.name] if alexnet else []
    staged = [*paper, *(m for f in successors for m in f.members)]
    return ENV.get_template("lineage.md.j2").render(
        base=model.paper.analysis,
        alexnet=alexnet,
        successors=successors,
        staged=staged,
        strides=stage_strides(staged),
        stage_cells=stage_cells,
        depth_of=lambda lineage, a: next(m.depth for m in lineage.members if m.analysis is a),
    )


def stage_strides(members: Sequence[Member]) -> list[Fraction]:
    """The effective strides at which any of the networks has a stage, smallest first."""
    return sorted({s.stride for m in members for s in m.stages if s.stride is not None})


def stage_cells(member: Member) -> dict[Fraction | None, str]:
    """Each stage of a network as a cell: ``3 (256)``, its layers with weights on the deepest
    path and the channels that leave it; keyed by stride (None: the fully connected layers)."""
    return {s.stride: f"{len(s.layers)} ({formatting.count(s.channels)})" for s in member.stages}


def problems_banner(problems: Sequence[Problem]) -> str:
    """A warning at the top of every page while ``mkdocs serve`` runs with a broken spec."""
    lines = [f'!!! failure "{len(problems)} problem(s) in the architecture specs"', ""]
    lines.append(
        "    The pages of the specs below are missing until they are fixed; save the file to rebuild."
    )
    lines.append("")
    lines.extend(f"    - {markup.inline(str(problem))}" for problem in problems)
    return "\n".join(lines) + "\n\n"


def comparison_formula(form: str, count: int, other: int) -> str:
    """How a comparison's figure is worked out from the two counts, in its form's words:
    ``60,965,224 / 6,998,552`` for "times fewer", ``… / … × 100`` for "percent of"."""
    mine, theirs = formatting.count(count), formatting.count(other)
    return {
        "percent": f"({mine} − {theirs}) / {theirs} × 100",
        "percent_of": f"{mine} / {theirs} × 100",
        "times_more": f"{mine} / {theirs}",
        "times_fewer": f"{theirs} / {mine}",
    }[form]


def decimals(value: Fraction | Decimal, places: int = 2) -> str:
    """An exact value to ``places`` decimals, rounded half up: ``243.860896 → 243.86``."""
    exact = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else value
    )
    return f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,}"


def successors_page(model: SiteModel) -> str | None:
    """What the successors say about AlexNet; None without the paper's spec."""
    found = model.successors
    if found is None:
        return None
    return ENV.get_template("successors.md.j2").render(
        page=found,
        paper=found.paper,
        formula=comparison_formula,
        decimals=decimals,
        link=lambda name: f"{ARCHITECTURES}/{name}.md",
        params=Quantity.PARAMS,
        macs=Quantity.MACS,
        claim_label=claim_label,
        value_text=value_text,
        max_changes=MAX_CHANGES,
        words=reading_words,
        nouns=NOUNS,
    )


def reading_words(keys: Sequence[str]) -> str:
    """A reading of a table row in words, from the keys alike in every row
    (:attr:`generator.analysis.hypotheses.Part.key`): ``layer:5x5_reduce`` → "5x5_reduce left
    out"."""
    words = []
    for key in keys:
        kind, _, rest = key.partition(":")
        if kind == "layer":
            words.append(f"{rest} left out")
        elif kind == "branch":
            merge, _, place = rest.partition(":")
            position = int(place.split("/")[0])
            words.append(f"branch {position} of each {merge} left out")
        else:
            words.append(KEY_WORDS.get(key, key))
    return " and ".join(words)


#: The readings of a count that are the same in every row, in words.
KEY_WORDS = {
    "biases": "the biases counted the other way",
    "fc": "the fully connected layers left out",
    "aux": "the auxiliary classifiers left out",
    "reduce": "the 1×1 reductions left out",
    "rounded down": "cut off instead of rounded",
}
