"""The site-wide pages: home, the architectures index, the flagship question, the comparison,
lineage, audit and successors pages, and the site's navigation order. Pure: returns text, writes
nothing. One architecture's page is :mod:`generator.render.architecture`'s.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from generator.analysis import register
from generator.analysis.hypotheses import MAX_CHANGES, Slip
from generator.analysis.model import Lineage, SiteModel, StageKey
from generator.analysis.versions import first_conv
from generator.core import formatting
from generator.render import chapters, conventions, phrasing, windows
from generator.render.templating import (
    ARCHITECTURES,
    ENV,
    claim_label,
    figure_html,
    value_text,
)
from generator.spec.models import Quantity, Source

COMPARE = "compare"
COMPARE_PAGE = f"{COMPARE}.md"
COMPARE_FIGURE = "compare/figure.json"
#: Closes a table wrapped in ``<div markdown data-search-exclude>``: the numbers stay on the page
#: and out of the search index, which keeps the prose and the headings.
TABLE_TAIL = "\n</div>\n\n"


def _macros(template: str, split: bool, **context: Any) -> Any:
    """A page template's macros, for a page at the top of the docs tree or, ``split``, one folder
    down in a book's folder (:mod:`generator.render.chapters`), where a network's section heading
    is one level higher."""
    root = "../" if split else ""
    return ENV.get_template(template).make_module(
        {
            "split": split,
            "link": lambda name: f"{root}{ARCHITECTURES}/{name}.md",
            "h": "#" * (2 if split else 3),
            **context,
        }
    )


def _slug(title: str, taken: set[str]) -> str:
    """A chapter's file name from its title, unlike the others taken (and than ``index``)."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "chapter"
    slug, number = base, 1
    while slug in taken or slug == "index":
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def architectures_index(model: SiteModel) -> str:
    """The section page listing every architecture with its headline numbers."""
    return ENV.get_template("architectures.md.j2").render(
        families=model.families, first_conv=first_conv
    )


def home_page(model: SiteModel, entries: dict[str, str] | None = None) -> str:
    """The home page: the question, the short answer, the way into the site. Every architecture
    is listed while the page fits :data:`chapters.PAGE_BUDGET`, else each family with its size.
    ``entries`` gives each book's first page (:func:`entry`); by default each is one page."""
    links = entries or {stem: f"{stem}.md" for stem in BOOKS}
    paper = model.paper
    template = ENV.get_template("home.md.j2")

    def render(every: bool) -> str:
        return template.render(
            families=model.families,
            successors=[f for f in model.families if not f.family.alexnet]
            if model.successors
            else [],
            paper=paper.analysis if paper else None,
            paper_checks=paper.checks if paper else (),
            first_conv=first_conv,
            entries=links,
            every=every,
            networks=len(model.architectures),
        )

    text = render(True)
    return text if len(text.encode()) <= chapters.PAGE_BUDGET else render(False)


def compare_page(model: SiteModel) -> str:
    """The comparison book as one page, however long."""
    return chapters.whole(compare_book(model, split=False))


#: The comparison book's chapters, by file name.
LAYERS_CHAPTER, STAGES_CHAPTER = "layer-by-layer", "stages"


def compare_book(model: SiteModel, *, split: bool) -> chapters.Book:
    """AlexNet's variants layer by layer (a chart and tables), then every network by stage."""
    found = model.side_by_side
    # The columns layer by layer are named by the paper's layers; a cell names its own layer
    # only where it differs.
    paper = model.paper.name if model.paper else None
    names = next(
        (tuple(x.name for x in r.layers) for r in found.rows if r.analysis.name == paper), ()
    )
    pen = _macros(
        "compare.md.j2",
        split,
        columns=found.columns,
        column_label=stage_column_label,
        names=names,
    )
    # The caption points at the first table: on this page, or split, on the chapter's first page
    # (raw HTML: the address as the browser reads it, from the overview at /compare/).
    tables = f"{LAYERS_CHAPTER}/#neurons" if split else "#neurons"
    figure = figure_html(
        element_id="figure-compare",
        src=COMPARE_FIGURE,
        kind="chart",
        label="Bar charts of the neurons and parameters of each conv and fc layer, per architecture",
        caption=f'Log scales. The <a href="{tables}">tables</a> give the same numbers as text.',
        hint="Hover a bar for its layer; click a legend entry to hide an architecture.",
    )
    layers = tuple(
        chapters.Block(
            tuple(
                chapters.Item(r.analysis.name, str(pen.layers_row(r, measure, found.width)))
                for r in found.rows
            ),
            head=str(pen.layers_head(title, found.width)),
            tail=TABLE_TAIL,
        )
        for measure, title in (("neurons", "Neurons"), ("params", "Parameters"))
    )
    stages = tuple(
        chapters.Block(
            tuple(
                chapters.Item(m.analysis.name, str(pen.stages_row(f, m, measure)))
                for f in model.families
                for m in f.members
            ),
            head=str(pen.stages_head(title)),
            tail=TABLE_TAIL,
        )
        for measure, title in (("params", "Parameters"), ("macs", "Multiply-accumulates"))
    )
    alexnet_name = next((f.family.name for f in model.families if f.family.alexnet), "")
    return chapters.Book(
        COMPARE,
        "Compare the architectures",
        str(pen.intro()),
        (
            chapters.Chapter(
                LAYERS_CHAPTER,
                f"{alexnet_name}, layer by layer",
                str(pen.layers_intro(figure)),
                layers,
            ),
            chapters.Chapter(
                STAGES_CHAPTER, "Every network, stage by stage", str(pen.stages_intro()), stages
            ),
        ),
        wide=True,
    )


def stage_column_label(key: StageKey) -> str:
    """A column of the tables by stage: ``×4`` for a stride, ``fc``, ``auxiliary``."""
    auxiliary, stride = key
    return "auxiliary" if auxiliary else ("fc" if stride is None else f"×{stride}")


def site_pages(model: SiteModel, budget: int | None = None) -> dict[str, str]:
    """The site-wide pages, by their path in the docs tree (each architecture's own page is
    :func:`generator.render.site.architecture_files`'); each book (:data:`BOOKS`) one page
    or, past ``budget`` bytes (:data:`chapters.PAGE_BUDGET`), a folder of pages
    (:func:`chapters.lay_out`)."""
    budget = chapters.PAGE_BUDGET if budget is None else budget
    pages = _audit_and_register(model, budget)
    audit = entry(pages, AUDIT)
    pages.update(chapters.lay_out(lambda split: compare_book(model, split=split), budget))
    pages.update(
        chapters.lay_out(lambda split: successors_book(model, split=split, audit=audit), budget)
    )
    pages.update(chapters.lay_out(lambda split: lineage_book(model, split=split), budget))
    pages["index.md"] = home_page(model, {stem: entry(pages, stem) for stem in BOOKS})
    pages[f"{ARCHITECTURES}/index.md"] = architectures_index(model)
    flagship = flagship_page(model, audit)
    if flagship is not None:
        pages[FLAGSHIP_PAGE] = flagship
    return pages


def _audit_and_register(model: SiteModel, budget: int) -> dict[str, str]:
    """The audit and the register, each linking to the other's first page. Which that is
    depends on whether the other is split, so the audit is laid out again once the register
    is known to be split (a longer link could split the audit in turn: laid out until the two
    agree, which takes at most three rounds as each can only go from one page to a folder)."""

    def audit_linking(register: str) -> dict[str, str]:
        return chapters.lay_out(
            lambda split: audit_book(model, split=split, register=register), budget
        )

    def register_linking(audit: str) -> dict[str, str]:
        return chapters.lay_out(
            lambda split: register_book(model, split=split, audit=audit), budget
        )

    register_at = REGISTER_PAGE
    for _ in range(3):
        audit = audit_linking(register_at)
        register = register_linking(entry(audit, AUDIT))
        if entry(register, REGISTER) == register_at:
            break
        register_at = entry(register, REGISTER)
    return audit | register


def entry(pages: dict[str, str], stem: str) -> str:
    """A book's first page in the docs tree: ``STEM.md``, or ``STEM/index.md`` once split."""
    return f"{stem}.md" if f"{stem}.md" in pages else f"{stem}/index.md"


FLAGSHIP_PAGE = "where-does-253440-come-from.md"
CONCEPTS_PAGE = "concepts.md"
SUCCESSORS = "successors"
SUCCESSORS_PAGE = f"{SUCCESSORS}.md"
AUDIT = "audit"
AUDIT_PAGE = f"{AUDIT}.md"
REGISTER = "claims"
REGISTER_PAGE = f"{REGISTER}.md"
#: The register's downloads, beside its page at the top of the docs tree.
REGISTER_CSV, REGISTER_JSON = f"{REGISTER}.csv", f"{REGISTER}.json"
LINEAGE = "lineage"
LINEAGE_PAGE = f"{LINEAGE}.md"
#: The site-wide pages written as books (:mod:`generator.render.chapters`), by stem.
BOOKS = (SUCCESSORS, COMPARE, LINEAGE, AUDIT)
#: Top-level navigation order; pages not listed (hand-written ones) come after, by path.
NAV_ORDER = (
    "index.md",
    FLAGSHIP_PAGE,
    SUCCESSORS_PAGE,
    f"{ARCHITECTURES}/",
    COMPARE_PAGE,
    LINEAGE_PAGE,
    "arithmetic.md",
    CONCEPTS_PAGE,
    conventions.PAGE,
    AUDIT_PAGE,
    REGISTER_PAGE,
    "contributing.md",
)


def site_order(model: SiteModel) -> dict[str, int]:
    """Each architecture's place in the site's order: family by family, each root first, as
    the architectures page lists them."""
    names = [m.analysis.name for lineage in model.families for m in lineage.members]
    return {name: rank for rank, name in enumerate(dict.fromkeys(names))}


def architecture_rank(src_uri: str, order: Mapping[str, int]) -> tuple[int, int, str]:
    """Sort key of a page of the architectures folder in the sidebar: its index first, then
    each architecture in the site's order (:func:`site_order`), not by file name."""
    name = src_uri.removeprefix(f"{ARCHITECTURES}/").removesuffix(".md")
    if name == "index":
        return 0, 0, name
    return 1, order.get(name, len(order)), name


def nav_rank(src_uri: str) -> tuple[int, str]:
    """Sort key of a top-level nav entry, from the source path of its page or section (a book
    split into a folder ranks where its single page would)."""
    for rank, prefix in enumerate(NAV_ORDER):
        folder = prefix if prefix.endswith("/") else prefix.removesuffix(".md") + "/"
        if src_uri == prefix or src_uri.startswith(folder):
            return rank, src_uri
    return len(NAV_ORDER), src_uri


#: Specs whose sources the flagship page quotes besides the paper's own.
WITNESSES = ("bvlc-alexnet", "torchvision-alexnet")


def flagship_page(model: SiteModel, audit: str = AUDIT_PAGE) -> str | None:
    """The page that answers the site's question, or None when the paper's spec is absent;
    ``audit`` is the audit's first page in the docs tree."""
    paper, found = model.paper, model.flagship
    if paper is None or found is None:
        return None
    hypotheses = found.check.hypotheses
    slip = (
        next((c for c in hypotheses[0].changes if isinstance(c, Slip)), None)
        if hypotheses
        else None
    )
    h = found.height
    # The reading with a larger input, whose conv1 tiles it: the picture's second row.
    tiled = next(
        (
            c.axes[0]
            for v in found.versions
            for c in (v.first_conv,)
            if c and c.axes and c.axes[0].size > h.size and c.axes[0].is_exact
        ),
        None,
    )
    return ENV.get_template("flagship.md.j2").render(
        audit=audit,
        concepts=CONCEPTS_PAGE,
        slip=slip,
        totals={v.key: t for v, t in found.totals},
        stated_figure=windows.figure(
            windows.from_axis(h),
            element_id="windows-stated",
            title=f"conv1 along one side, as stated: {h.size} pixels",
            controls=True,
        ),
        tiled_figure=windows.figure(
            windows.from_axis(tiled),
            element_id="windows-tiled",
            title=f"The same windows over {tiled.size} pixels",
        )
        if tiled
        else "",
        paper=paper.analysis,
        paper_link=f"{ARCHITECTURES}/{paper.name}.md",
        f=found,
        conv=found.conv,
        h=found.height,
        stated=found.check.claim.value,
        caption_quote=found.check.claim.quote or "",
        hypotheses=found.check.hypotheses,
        version_title=phrasing.version_title,
        version_rule=phrasing.version_rule,
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
    """The audit book as one page, however long."""
    return chapters.whole(audit_book(model, split=False))


def audit_book(model: SiteModel, *, split: bool, register: str = REGISTER_PAGE) -> chapters.Book:
    """Every stated number of every spec with its verdict, family by family, after a tally of
    the verdicts. ``register`` is the register's first page in the docs tree."""
    pen = _macros(
        "audit.md.j2",
        split,
        claim_label=claim_label,
        value_text=value_text,
        register=("../" if split else "") + register,
    )
    taken: set[str] = set()
    found = []
    for family in model.tallies.families:
        items = tuple(chapters.Item(a.name, str(pen.network(a))) for a in family.architectures)
        intro = str(pen.family_intro(len(family.architectures), family.tally))
        slug = _slug(family.name, taken)
        found.append(chapters.Chapter(slug, family.name, intro, (chapters.Block(items),)))
    intro = str(pen.intro(model.tallies.site, model.register.total))
    return chapters.Book(AUDIT, "Audit: every stated number", intro, tuple(found), wide=True)


def register_page(model: SiteModel) -> str:
    """The register of claims as one page, however long."""
    return chapters.whole(register_book(model, split=False))


def register_book(model: SiteModel, *, split: bool, audit: str = AUDIT_PAGE) -> chapters.Book:
    """Every stated number and comparison of the site, network by network and family by family,
    after the count of each verdict (:mod:`generator.analysis.register`). ``audit`` is the
    audit's first page in the docs tree."""
    pen = _macros(
        "register.md.j2",
        split,
        root="../" if split else "",
        audit=audit,
        csv=REGISTER_CSV,
        json=REGISTER_JSON,
        claim_text=functools.partial(phrasing.claim_text, titled=True),
        stated_text=phrasing.stated_text,
        computed_text=phrasing.computed_text,
        reason=phrasing.reason,
        place=phrasing.place,
        tally_sentence=phrasing.tally_sentence,
    )
    taken: set[str] = set()
    by_network: dict[str, list[register.Entry]] = {}
    for found in model.register.entries:
        by_network.setdefault(found.network, []).append(found)
    chapters_found = []
    for family in model.families:
        items = tuple(
            chapters.Item(m.analysis.name, "".join(str(pen.row(e)) for e in entries))
            for m in family.members
            if (entries := by_network.get(m.analysis.name))
        )
        if items:
            block = chapters.Block(items, head=str(pen.head()), tail=TABLE_TAIL)
            slug = _slug(family.family.name, taken)
            chapters_found.append(chapters.Chapter(slug, family.family.name, "", (block,)))
    return chapters.Book(
        REGISTER,
        "Register of claims",
        str(pen.intro(model.register)),
        tuple(chapters_found),
        wide=True,
    )


def lineage_page(model: SiteModel) -> str | None:
    """The lineage book as one page, however long; None without the paper's spec."""
    book = lineage_book(model, split=False)
    return chapters.whole(book) if book else None


def lineage_book(model: SiteModel, *, split: bool) -> chapters.Book | None:
    """AlexNet's variants against the paper's network, the successors by stage, and each
    successor's variants against its family's root; None without the paper's spec."""
    if model.paper is None:
        return None
    alexnet = next((f for f in model.families if f.family.alexnet), None)
    successors = [f for f in model.families if not f.family.alexnet]
    staged = model.stages
    pen = _macros("lineage.md.j2", split)
    families = [f for f in ([alexnet] if alexnet else []) + successors if f.variants]
    taken = {"stages"}

    def family(lineage: Lineage) -> chapters.Chapter:
        # Split, each variant's section says its totals: the table that would, does not travel.
        intro = str(pen.family_intro(lineage)) + ("" if split else str(pen.summary(lineage)))
        items = tuple(
            chapters.Item(v.analysis.name, str(pen.variant(lineage, v))) for v in lineage.variants
        )
        return chapters.Chapter(
            _slug(lineage.family.name, taken), lineage.family.name, intro, (chapters.Block(items),)
        )

    stages = chapters.Chapter(
        "stages",
        "The successors, stage by stage",
        str(pen.stage_intro()),
        (
            chapters.Block(
                tuple(
                    chapters.Item(m.analysis.name, str(pen.stage_row(m, staged.strides)))
                    for m in staged.members
                ),
                head=str(pen.stage_head(staged.strides)),
                tail=TABLE_TAIL,
            ),
        ),
    )
    found = [family(f) for f in families]
    # The stage table sits between AlexNet's family and the successors', as the intro says.
    ordered = [*found[:1], stages, *found[1:]] if alexnet and alexnet.variants else [stages, *found]
    return chapters.Book(
        LINEAGE, "How the variants differ", str(pen.intro(model.paper.analysis)), tuple(ordered)
    )


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
    """The successors book as one page, however long; None without the paper's spec."""
    book = successors_book(model, split=False)
    return chapters.whole(book) if book else None


def successors_book(
    model: SiteModel, *, split: bool, audit: str = AUDIT_PAGE
) -> chapters.Book | None:
    """What the successors say about AlexNet, one chapter per kind of claim; None without the
    paper's spec. ``audit`` is the audit's first page in the docs tree."""
    found = model.successors
    if found is None:
        return None
    pen = _macros(
        "successors.md.j2",
        split,
        audit=("../" if split else "") + audit,
        page=found,
        paper=found.paper,
        formula=comparison_formula,
        decimals=decimals,
        params=Quantity.PARAMS,
        macs=Quantity.MACS,
        claim_label=claim_label,
        value_text=value_text,
        max_changes=MAX_CHANGES,
        words=phrasing.key_words,
        nouns=phrasing.NOUNS,
        enough=phrasing.enough,
    )

    def table(head: str, rows: Sequence[tuple[str, str]]) -> tuple[chapters.Block, ...]:
        items = tuple(chapters.Item(label, text) for label, text in rows)
        return (chapters.Block(items, head=head, tail=TABLE_TAIL),)

    def sections(rows: Sequence[tuple[str, str]]) -> tuple[chapters.Block, ...]:
        return (chapters.Block(tuple(chapters.Item(label, text) for label, text in rows)),)

    kinds = [
        (
            "beside",
            "The successors beside AlexNet",
            str(pen.beside_intro()),
            table(
                str(pen.beside_head()),
                [(s.analysis.name, str(pen.beside_row(s))) for s in found.successors],
            ),
        ),
        *(
            (
                slug,
                title,
                "",
                sections([(s.analysis.name, str(pen.comparison(s))) for s in stated]),
            )
            for slug, title, stated in (
                ("against-alexnet", "Comparisons with AlexNet", found.against_alexnet),
                ("between", "Comparisons between successors", found.between),
            )
        ),
        (
            "totals",
            "Totals stated by the successors' sources",
            str(pen.totals_intro()),
            table(
                str(pen.totals_head()),
                [(s.analysis.name, str(pen.totals_row(s))) for s in found.totals],
            ),
        ),
        (
            "file-sizes",
            "File sizes stated by the successors' sources",
            str(pen.sizes_intro()),
            sections([(z.network.name, str(pen.size(z))) for z in found.sizes]),
        ),
        (
            "tables",
            "Tables stated row by row",
            str(pen.tables_intro()),
            sections([(t.analysis.name, str(pen.table(t))) for t in found.tables]),
        ),
    ]
    return chapters.Book(
        SUCCESSORS,
        "What the successors say about AlexNet",
        str(pen.intro()),
        tuple(
            chapters.Chapter(slug, title, intro, blocks)
            for slug, title, intro, blocks in kinds
            if any(b.items for b in blocks)
        ),
        wide=True,
    )
