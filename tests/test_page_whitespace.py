"""Built pages lose the indentation of Material's templates, and nothing a reader sees.

The plugin passes every built page through :func:`generator.render.markup.collapse_indentation`:
a run of blanks holding a line break becomes the line break alone, except in ``<pre>`` and
``<textarea>``, whose white space is their content.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.render.markup import collapse_indentation

CODE = '<pre><code>def f():\n    return "  kept  "\n</code></pre>'


class Text(HTMLParser):
    """The text of a page as a browser lays it out outside <pre>: white space runs as one space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.parts.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.parts.append(f"&#{name};")

    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.parts)).strip()


def text_of(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return parser.text()


def test_indentation_goes_and_line_breaks_stay() -> None:
    assert (
        collapse_indentation("<div>\n    <p>a\n      b</p>\n  </div>")
        == "<div>\n<p>a\nb</p>\n</div>"
    )


def test_pre_and_textarea_keep_every_blank() -> None:
    page = f"<main>\n  {CODE}\n  <textarea>\n   typed\n</textarea>\n</main>"
    collapsed = collapse_indentation(page)
    assert CODE in collapsed
    assert "<textarea>\n   typed\n</textarea>" in collapsed


def test_escaped_text_stays_escaped() -> None:
    page = "<title>\n  &lt;script&gt;alert(1)&lt;/script&gt;\n</title>"
    assert collapse_indentation(page) == "<title>\n&lt;script&gt;alert(1)&lt;/script&gt;\n</title>"


@pytest.mark.slow
@pytest.mark.parametrize("page", ["index.html", "architectures/alexnet-2012/index.html"])
def test_a_built_page_reads_the_same_and_is_lighter(built_site: Path, page: str) -> None:
    built = (built_site / page).read_text("utf-8")
    # The build already collapsed it: collapsing again changes nothing.
    assert collapse_indentation(built) == built
    assert not re.search(r"\n[ \t]+<", re.sub(r"<pre\b.*?</pre>", "", built, flags=re.S))


def test_the_text_of_an_indented_page_survives() -> None:
    page = (
        "<html>\n  <body>\n    <h1>\n      Title\n    </h1>\n    <p>One\n       two,"
        ' <a href="x">three</a>\n       four.</p>\n    ' + CODE + "\n  </body>\n</html>"
    )
    assert text_of(collapse_indentation(page)) == text_of(page)
    assert len(collapse_indentation(page)) < len(page)
