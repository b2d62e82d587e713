"""Every file the generator adds to the site, by its path: pages, figure data and exports. Pure.

Everything is read off one :class:`~generator.analysis.model.SiteModel`, built before any file
is written: no renderer computes an audit, a reading or a sweep of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from generator.analysis.model import Architecture, SiteModel
from generator.render import (
    architecture,
    arithmetic,
    concepts,
    contributing,
    conventions,
    export,
    figures,
    highlight,
    pages,
    snippet,
)
from generator.render.templating import data_path, page_path, script_path
from generator.spec import schema


def _json(data: Any) -> str:
    # Compact and key-ordered as built: the same specs always give byte-identical files.
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def site_files(model: SiteModel) -> dict[str, str]:
    """Markdown pages and data files, keyed by their path in the docs tree."""
    files = dict(shared_files(model))
    for arch in model.architectures:
        files.update(architecture_files(arch))
    return files


def shared_files(model: SiteModel) -> Iterator[tuple[str, str]]:
    """The files that read several architectures, or none: the site-wide pages, the comparison
    chart, the arithmetic, concepts, conventions and contributing pages, the spec schema."""
    site_pages = pages.site_pages(model)
    yield from site_pages.items()
    yield pages.REGISTER_CSV, export.register_csv(model.register)
    yield pages.REGISTER_JSON, export.register_json(model.register)
    # Layer by layer only AlexNet's variants line up: the chart holds them, as the page's tables do.
    yield pages.COMPARE_FIGURE, _json(figures.comparison_figure(model.side_by_side.alexnets))
    yield arithmetic.PAGE, arithmetic.arithmetic_page(model)
    yield concepts.PAGE, concepts.concepts_page(model)
    yield (
        conventions.PAGE,
        conventions.conventions_page(model, pages.entry(site_pages, pages.AUDIT)),
    )
    yield schema.SCHEMA_PATH, schema.schema_text()
    yield contributing.CONTRIBUTING_PAGE, contributing.contributing_page(model.examples)


def architecture_files(arch: Architecture) -> Iterator[tuple[str, str]]:
    """One architecture's page, figure data, exports and PyTorch script: what depends on its
    spec alone, and on the networks its sources compare it with."""
    analysis, name = arch.analysis, arch.name
    script = snippet.pytorch_snippet(analysis)
    table = architecture.layer_table(analysis)
    views = figures.views(analysis)
    page = architecture.architecture_page(arch, script=script, table=table, views=views)
    yield page_path(name), page
    for file, figure in figures.network_files(views).items():
        yield data_path(name, file), _json(figure)
    yield data_path(name, f"{name}.json"), export.analysis_json(arch)
    yield data_path(name, f"{name}.csv"), export.analysis_csv(arch)
    yield data_path(name, f"{name}.py"), script
    yield script_path(name), highlight.python_html(script)
    layers = architecture.layers_file(table)
    if layers is not None:
        yield architecture.layers_path(name), layers
