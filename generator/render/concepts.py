"""The concepts page: the words the site counts with (neuron, activation, parameter,
multiply-accumulate and FLOP, receptive field, tower, the rounding rules), each worked on the
paper's network. Pure: returns text, writes nothing.

Every page links each term, at its first use, to its section here: :func:`link_terms` does it on
the built HTML of a page, outside headings, links, code and figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from generator.analysis.model import SiteModel
from generator.analysis.versions import first_conv
from generator.core.results import Analysis, LayerResult
from generator.render.templating import ENV, page_path
from generator.spec.models import Conv

#: Where the page lives in the docs tree.
PAGE = "concepts.md"


@dataclass(frozen=True, slots=True)
class Term:
    """A term of the page: its section's anchor and the words that name it in running text."""

    anchor: str
    pattern: re.Pattern[str]


#: The terms, in the page's order; each is linked at the first of its words on every page.
TERMS = (
    Term("neuron", re.compile(r"\bneurons?\b", re.IGNORECASE)),
    Term("activation", re.compile(r"\bactivations?\b", re.IGNORECASE)),
    Term("parameter", re.compile(r"\bparameters?\b", re.IGNORECASE)),
    Term("mac", re.compile(r"\bmultiply-accumulates?\b|\bMACs?\b|\bFLOPs?\b")),
    Term("receptive-field", re.compile(r"\breceptive fields?\b", re.IGNORECASE)),
    Term("tower", re.compile(r"\btowers?\b", re.IGNORECASE)),
    Term(
        "rounding",
        re.compile(r"\brounding rules?\b|\bround(?:s|ed|ing)? (?:up|down)\b", re.IGNORECASE),
    ),
)


def _first(analysis: Analysis, kind: str, after: int = -1) -> LayerResult | None:
    return next((r for r in analysis.layers if r.kind == kind and r.index > after), None)


def concepts_page(model: SiteModel) -> str:
    """The page, worked on the paper's network (or the first network, without it)."""
    found = model.paper.analysis if model.paper else None
    if found is None and model.architectures:
        found = model.architectures[0].analysis
    conv = first_conv(found) if found else None
    grouped = next(
        (
            r
            for r in (found.layers if found else ())
            if isinstance(r.layer, Conv) and r.layer.groups > 1
        ),
        None,
    )
    windowed = [r for r in (found.layers if found else ()) if r.axes is not None]
    after = next((r for r in windowed if conv and r.index > conv.index), None)
    fc = _first(found, "fc") if found else None
    return ENV.get_template("concepts.md.j2").render(
        a=found,
        conv=conv,
        conv_in=conv.input[0] // conv.layer.groups if conv and isinstance(conv.layer, Conv) else 0,
        after=after,
        last=windowed[-1] if windowed else None,
        fc=fc,
        grouped=grouped,
        page=page_path(found.name) if found else "",
        ex=model.arithmetic.conv1,
    )


_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+", re.DOTALL)
#: Elements whose text is never linked: links, code, headings, figures and controls.
_SKIPPED = frozenset(
    [
        "a",
        "code",
        "pre",
        "kbd",
        "samp",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "script",
        "style",
        "svg",
        "figure",
        "button",
        "label",
        "select",
        "option",
        "textarea",
        "summary",
        "title",
    ]
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)


def link_terms(html: str, href: str) -> str:
    """``html`` with each term's first use in running text linked to ``href#anchor`` (``href``
    is the concepts page from the page's own address). Text inside the elements of
    :data:`_SKIPPED` is left alone, and so is everything else: tags stay exactly as written."""
    # A term the page already links to by hand needs no second link.
    waiting = [t for t in TERMS if f'href="{href}#{t.anchor}"' not in html]
    out: list[str] = []
    skipped = 0
    tokens: Iterator[re.Match[str]] = _TOKEN.finditer(html)
    for token in tokens:
        text = token.group(0)
        if text.startswith("<"):
            tag = _TAG.match(text)
            if tag and tag.group(2).lower() in _SKIPPED and not text.endswith("/>"):
                skipped += -1 if tag.group(1) else 1
                skipped = max(skipped, 0)
            out.append(text)
            continue
        if skipped or not waiting:
            out.append(text)
            if not waiting:
                out.append(html[token.end() :])
                break
            continue
        out.append(_link_text(text, waiting, href))
    return "".join(out)


def _link_text(text: str, waiting: list[Term], href: str) -> str:
    """One run of text with the first use of each waiting term linked (and no longer waiting)."""
    found: list[tuple[int, int, Term]] = []
    for term in waiting:
        match = term.pattern.search(text)
        if match:
            found.append((match.start(), match.end(), term))
    if not found:
        return text
    found.sort(key=lambda f: f[0])
    out, position = [], 0
    for start, end, term in found:
        if start < position:
            continue  # overlaps a term linked just before: it waits for a later use
        out.append(text[position:start])
        out.append(f'<a class="concept" href="{href}#{term.anchor}">{text[start:end]}</a>')
        position = end
        waiting.remove(term)
    out.append(text[position:])
    return "".join(out)
