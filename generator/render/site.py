"""Every file the generator adds to the site, by its path: pages, figure data and exports. Pure.

Everything is read off one :class:`~generator.analysis.model.SiteModel`, built before any file
is written: no renderer computes an audit, a reading or a sweep of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from generator.analysis.model import SiteModel
from generator.render import (
    architecture,
    arithmetic,
    contributing,
    export,
    figures,
    highlight,
    pages,
    snippet,
)
from generator.render.templating import data_path, script_path
from generator.spec import schema


def _json(data: Any) -> str:
    # Compact and key-ordered as built: the same specs always give byte-identical files.
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def site_files(
    model: SiteModel, highlight_python: Callable[[str], str] = highlight.python_html
) -> dict[str, str]:
    """Markdown pages and data files, keyed by their path in the docs tree.

    ``highlight_python`` turns a PyTorch script into highlighted HTML: the MkDocs plugin passes
    one that keeps its results between builds (:mod:`generator.edges.cache`).
    """
    return dict(iter_site_files(model, highlight_python))


def iter_site_files(
    model: SiteModel, highlight_python: Callable[[str], str] = highlight.python_html
) -> Iterator[tuple[str, str]]:
    """:func:`site_files` one file at a time, so that a caller writing them out holds only the
    pages: at 1,000 specs the data files are a hundred million characters."""
    yield from pages.site_pages(model).items()

    for arch in model.architectures:
        analysis, name = arch.analysis, arch.name
        for file, figure in figures.network_files(analysis).items():
            yield data_path(name, file), _json(figure)
        yield data_path(name, f"{name}.json"), export.analysis_json(arch)
        yield data_path(name, f"{name}.csv"), export.analysis_csv(arch)
        script = snippet.pytorch_snippet(analysis)
        yield data_path(name, f"{name}.py"), script
        yield script_path(name), highlight_python(script)
        table = architecture.layers_file(analysis)
        if table is not None:
            yield architecture.layers_path(name), table

    # Layer by layer only AlexNet's variants line up: the chart holds them, as the page's tables do.
    yield pages.COMPARE_FIGURE, _json(figures.comparison_figure(pages.alexnets(model)))
    yield arithmetic.PAGE, arithmetic.arithmetic_page(model)
    yield schema.SCHEMA_PATH, schema.schema_text()
    yield contributing.CONTRIBUTING_PAGE, contributing.contributing_page(model)
