"""Every file the generator adds to the site, by its path: pages, figure data and exports. Pure."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from generator.analysis import audit
from generator.core.results import Analysis
from generator.render import arithmetic, contributing, export, figures, pages, snippet
from generator.spec import schema


def _json(data: Any) -> str:
    # Compact and key-ordered as built: the same specs always give byte-identical files.
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def site_files(analyses: Sequence[Analysis]) -> dict[str, str]:
    """Markdown pages and data files, keyed by their path in the docs tree."""
    with audit.remembered():
        return _site_files(analyses)


def _site_files(analyses: Sequence[Analysis]) -> dict[str, str]:
    files = pages.site_pages(analyses)

    for analysis in analyses:
        files[pages.data_path(analysis.name, "figure.json")] = _json(
            figures.network_figure(analysis)
        )
        files[pages.data_path(analysis.name, f"{analysis.name}.json")] = json.dumps(
            export.analysis_data(analysis), indent=2, ensure_ascii=False
        )
        files[pages.data_path(analysis.name, f"{analysis.name}.csv")] = export.analysis_csv(
            analysis
        )
        files[pages.data_path(analysis.name, f"{analysis.name}.py")] = snippet.pytorch_snippet(
            analysis
        )

    files[pages.COMPARE_FIGURE] = _json(figures.comparison_figure(analyses))
    files[arithmetic.PAGE] = arithmetic.arithmetic_page(analyses)
    files[schema.SCHEMA_PATH] = schema.schema_text()
    files[contributing.CONTRIBUTING_PAGE] = contributing.contributing_page()

    return files
