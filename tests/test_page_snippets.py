"""Every page's "Reproduce in PyTorch" script prints the numbers of that page's layer table.

The script is the one the page shows: the page's script section loads the highlighted HTML its
``data-src`` names, which is taken from the generated files, turned back into text and run in-process (torch is already imported by
the other PyTorch tests, so this costs little), and its output compared with the table rows
parsed from the same page (or, for a long network, from the full table the page loads when its
section is opened): a page cannot show one thing and its script another.
"""

from __future__ import annotations

import contextlib
import html
import io
import re

import pytest

from generator.analysis.model import audited
from generator.core.results import Analysis
from generator.render import architecture, highlight, site, snippet, templating
from tests.helpers import SHIPPED, number
from tests.requirements import require

# PyTorch (or ONNX) as the oracle: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

require("torch", "pip install torch==2.13.0")

SCRIPT = re.compile(r'<details class="arch-code" data-src="([^"]+)" data-what="script">')
LAYERS = re.compile(r'<details class="arch-code arch-code--table" data-src="([^"]+)"')
TAG = re.compile(r"<[^>]+>")
TABLE = re.compile(r'<div class="arch-table arch-table--(?:layers|graph)">(.*?)</table>', re.S)
HEADER = re.compile(r"<thead><tr>(.*?)</tr></thead>")
ROW = re.compile(r"<tr><td>\d+</td>(.*?)</tr>")
CELL = re.compile(r"<t[dh]>(.*?)</t[dh]>")


def table_rows(text: str) -> dict[str, tuple[str, int, int]]:
    """Layer → (output shape, params, MACs) from a layer table's HTML, read by column name
    (a branching network's table has a *Connected to* column)."""
    table = TABLE.search(text)
    assert table is not None
    header = HEADER.search(table.group(1))
    assert header is not None
    columns = CELL.findall(header.group(1))[1:]
    name, output, params, macs = (columns.index(c) for c in ("Layer", "Output", "Params", "MACs"))
    rows = {}
    for match in ROW.finditer(table.group(1)):
        cells = [html.unescape(TAG.sub("", cell)) for cell in CELL.findall(match.group(1))]
        rows[cells[name]] = (
            cells[output].strip().replace("×", "x"),
            number(cells[params]),
            number(cells[macs]),
        )
    return rows


def run_script(code: str) -> dict[str, tuple[str, int, int]]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "<page snippet>", "exec"), {"__name__": "__main__"})
    lines = printed.getvalue().splitlines()
    assert lines[0].split("\t") == ["layer", "output", "params", "macs"]
    result = {}
    for line in lines[1:]:
        name, shape, params, macs = line.split("\t")
        result[name] = (shape, int(params), int(macs))
    return result


@pytest.mark.parametrize("name", SHIPPED)
def test_the_snippet_prints_the_page_table(name: str, analyses: dict[str, Analysis]) -> None:
    files = dict(site.architecture_files(audited(analyses[name])))
    markdown = files[templating.page_path(name)]
    (src,) = SCRIPT.findall(markdown)
    assert src == templating.script_path(name)
    # The file the generator writes at that path: the script highlighted, back to its text.
    shown = highlight.python_html(snippet.pytorch_snippet(analyses[name]))
    code = html.unescape(TAG.sub("", shown))
    assert code.rstrip("\n") == snippet.pytorch_snippet(analyses[name]).rstrip("\n")
    # The page's own table, or the full one it loads (the generator writes it at that path).
    full = files.get(architecture.layers_path(name))
    loaded = [] if full is None else [architecture.layers_path(name)]
    assert LAYERS.findall(markdown) == loaded
    table = table_rows(full or markdown)
    printed = run_script(code)
    total = printed.pop("total")
    assert printed == table
    assert total[1:] == (analyses[name].totals.params, analyses[name].totals.macs)
