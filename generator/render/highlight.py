"""The PyTorch script as highlighted HTML, which the page's script section loads when opened."""

from __future__ import annotations

# Pygments ships no type hints (its stubs are a separate package the project does not install).
from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexers import PythonLexer  # type: ignore[import-untyped]


def python_html(code: str) -> str:
    """``code`` as the site's Markdown highlights a Python block (pymdownx.highlight's markup and
    Pygments' classes, which the theme styles)."""
    formatter = HtmlFormatter(cssclass="language-python highlight", wrapcode=True)
    return str(highlight(code, PythonLexer(), formatter))
