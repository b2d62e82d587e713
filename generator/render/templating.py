"""What every page template shares: the Jinja environment, where pages and data files live, and
the few helpers more than one page prints with. Pure: returns text, writes nothing.

Templates live in ``generator/render/templates``. Every value a template prints passes through
:func:`generator.render.markup.inline` unless the generator marked it safe, so spec text can never add
HTML or script to a page (the default is to escape, not to trust).
"""

from __future__ import annotations

import html
from typing import Any

import jinja2
from markupsafe import Markup

from generator.analysis.audit import Check
from generator.core import formatting
from generator.render import markup, phrasing
from generator.render.phrasing import short_title

ARCHITECTURES = "architectures"


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    # Most values a page prints are counts and plain names: the output is text (autoescape is
    # off), so they need no Markup. At 1,000 specs the pages print over half a million values.
    if type(value) is int:
        return str(value)
    if type(value) is str and markup.plain(value):
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
        short=short_title,
    )
    env.globals.update(
        fmt=formatting,
        figure_text=formatting.figure_text,
        explanation=phrasing.explanation,
        changes=phrasing.changes,
        fit_changes=phrasing.fit_changes,
        fit_sentence=phrasing.fit_sentence,
        width_sentence=phrasing.width_sentence,
        doubts_text=phrasing.doubts_text,
        verdict_reason=phrasing.verdict_reason,
        comparison_reason=phrasing.comparison_reason,
        sign=phrasing.SIGN_CONVENTION,
        difference_text=phrasing.difference_text,
    )
    return env


ENV = _environment()
"""The one Jinja environment of the site's templates (it caches them compiled)."""


def page_path(name: str) -> str:
    """Where an architecture's generated page lives in the docs tree."""
    return f"{ARCHITECTURES}/{name}.md"


def claim_label(check: Check) -> str:
    """What a stated number is about: ``conv1 neurons`` or ``total params``."""
    return f"{check.about} {check.claim.quantity.value}"


def value_text(value: int | list[int] | tuple[int, ...]) -> str:
    return (
        formatting.shape(tuple(value))
        if isinstance(value, list | tuple)
        else formatting.count(value)
    )


def data_path(name: str, file: str) -> str:
    """Where an architecture's data files (figure, exports) live in the site."""
    return f"{ARCHITECTURES}/{name}/{file}"


def script_path(name: str) -> str:
    """Where an architecture's PyTorch script lives as highlighted HTML, loaded when its section
    is opened (relative to the site root)."""
    return data_path(name, "script.html")


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
