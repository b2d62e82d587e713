"""Results, audits and figures turned into Markdown pages. Pure: returns text, writes nothing.

Templates live in ``generator/templates``. Every value a template prints passes through
:func:`generator.markup.inline` unless the generator marked it safe, so spec text can never add
HTML or script to a page (the default is to escape, not to trust).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jinja2
from markupsafe import Markup

from generator import formatting, markup
from generator.audit import Check, audit
from generator.results import Analysis, LayerResult
from generator.spec import LRN, AdaptivePool, Conv, Dropout, Pool

ARCHITECTURES = "architectures"


def _finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    return markup.inline(value)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
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


def settings(result: LayerResult) -> dict[str, str]:
    """The kernel, stride, padding and groups columns of the layer table."""
    layer = result.layer
    if isinstance(layer, Conv | Pool):
        stride = layer.stride or layer.kernel
        kernel = formatting.pair(layer.kernel)
        if layer.dilation != (1, 1):
            kernel += f" (dilation {formatting.pair(layer.dilation)})"
        return {
            "kernel": kernel,
            "stride": formatting.pair(stride),
            "padding": padding(layer, result),
            "groups": str(layer.groups) if isinstance(layer, Conv) else "",
        }
    if isinstance(layer, AdaptivePool):
        return {
            "kernel": f"→ {formatting.pair(layer.output)}",
            "stride": "",
            "padding": "",
            "groups": "",
        }
    return {"kernel": "", "stride": "", "padding": "", "groups": ""}


def kind_label(result: LayerResult) -> str:
    layer = result.layer
    if isinstance(layer, LRN):
        return f"lrn (n={layer.size}, k={layer.k:g}, α={layer.alpha:g}, β={layer.beta:g})"
    if isinstance(layer, Dropout):
        return f"dropout (p={layer.p:g})"
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


def architecture_page(analysis: Analysis) -> str:
    """The page of one architecture: what it is, every layer worked out, the audit, the sources."""
    return _ENV.get_template("architecture.md.j2").render(
        a=analysis,
        spec=analysis.spec,
        checks=audit(analysis),
        settings=settings,
        kind_label=kind_label,
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


def site_pages(analyses: Sequence[Analysis]) -> dict[str, str]:
    """Every generated page, by its path in the docs tree."""
    pages = {
        "index.md": home_page(analyses),
        f"{ARCHITECTURES}/index.md": architectures_index(analyses),
    }
    for analysis in analyses:
        pages[page_path(analysis.name)] = architecture_page(analysis)
    return pages
