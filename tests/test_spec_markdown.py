"""Spec text is Markdown within limits: emphasis, code spans and links to web pages render, and
nothing else becomes markup (the fuzzing in ``test_hostile_spec.py`` holds the second half)."""

from __future__ import annotations

import re

import markdown
import pytest

from generator.render import markup


@pytest.fixture(scope="module")
def renderer() -> markdown.Markdown:
    return markdown.Markdown(extensions=["tables", "attr_list", "md_in_html"])


def html(renderer: markdown.Markdown, text: str) -> str:
    """``text`` as a page shows it: HTML, with numeric character references read (``&#42;`` is
    ``*`` on the page; ``&lt;`` stays, it is not a tag)."""
    renderer.reset()
    out = str(renderer.convert(str(markup.inline(text))))
    return re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), out)


def test_a_code_span_is_code(renderer: markdown.Markdown) -> None:
    assert html(renderer, "The `torchvision.models.alexnet` model") == (
        "<p>The <code>torchvision.models.alexnet</code> model</p>"
    )


def test_code_keeps_its_characters_as_text(renderer: markdown.Markdown) -> None:
    assert html(renderer, "`**a** <b> [c](https://x.org) a|b _d_`") == (
        "<p><code>**a** &lt;b&gt; [c](https://x.org) a|b _d_</code></p>"
    )


def test_a_longer_run_of_backticks_holds_a_backtick(renderer: markdown.Markdown) -> None:
    assert html(renderer, "``a`b``") == "<p><code>a`b</code></p>"


def test_emphasis_and_web_links_render(renderer: markdown.Markdown) -> None:
    assert html(renderer, "*a* **b** [c](https://example.org/)") == (
        '<p><em>a</em> <strong>b</strong> <a href="https://example.org/">c</a></p>'
    )


def test_an_unmatched_backtick_is_text(renderer: markdown.Markdown) -> None:
    assert html(renderer, "a ` b") == "<p>a ` b</p>"


def test_code_in_a_table_cell_keeps_the_cell(renderer: markdown.Markdown) -> None:
    cell = markup.inline("`x|y`")
    renderer.reset()
    out = renderer.convert(f"| a | b |\n|---|---|\n| {cell} | z |")
    out = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), out)
    assert "<td><code>x|y</code></td>\n<td>z</td>" in out
