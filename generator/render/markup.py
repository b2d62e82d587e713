"""Spec text made safe for Markdown pages: shown as text, never run as HTML or script.

Spec files are contributions; a title or quote may contain ``<script>``, raw HTML, attribute
lists or ``javascript:`` links. Templates pass every value through :func:`inline` or
:func:`block` by default (see :mod:`generator.render.pages`); only values the generator built itself are
marked safe.

Spec text is Markdown, within limits: emphasis (``*a*``, ``**a**``) renders, a code span
(`` `a` ``) becomes ``<code>`` with its text escaped, a link to a web page stays a link; any
other markup is shown as the characters it was written with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from markupsafe import Markup

# An inline link to a web page: the only links kept. Page-relative links are not: the same text
# is shown on pages at different depths (a quote on its architecture page and on the audit page),
# so a relative target is right on one of them at most, and a broken link fails a strict build.
_SAFE_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\((https?://[^\s()<>]+)\)")
_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",  # would end a table cell
    "{": "&#123;",  # would open an attribute list
    "}": "&#125;",
    "[": "&#91;",  # would start a link or a reference definition
    "]": "&#93;",
    "!": "&#33;",  # would turn a link into an image loaded from elsewhere
    "\\": "&#92;",
    "`": "&#96;",
}


_TABLE = str.maketrans(_ESCAPES)
# Inside a code span nothing is Markdown: the characters emphasis and links use are escaped too.
_CODE_TABLE = str.maketrans({**_ESCAPES, "*": "&#42;", "_": "&#95;", "#": "&#35;"})
# A code span as Markdown reads it: a run of backticks, text, and a run of as many.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
# Text with none of these needs no work: most values a page prints are numbers and names.
_PLAIN = re.compile(r"[^&<>|{}\[\]!\\`\s]*\Z")
_SPACES = re.compile(r"\s+")


def _escape(text: str) -> str:
    return text.translate(_TABLE)


def plain(text: str) -> bool:
    """Whether ``text`` is safe as it is in a line or a table cell (:func:`inline` keeps it)."""
    return _PLAIN.match(text) is not None


def inline(text: object) -> Markup:
    """Text for one line or table cell: emphasis, code spans and Markdown links to web pages
    survive, nothing else does."""
    value = str(text)
    if plain(value):
        return Markup(value)
    value = _SPACES.sub(" ", value)
    if "`" not in value:
        return Markup(_links(value))
    out: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(value):
        out.append(_links(value[position : match.start()]))
        out.append(code(match.group(2).strip(" ") or match.group(2)))
        position = match.end()
    out.append(_links(value[position:]))
    return Markup("".join(out))


def code(text: str) -> str:
    """``text`` as inline code: a ``<code>`` element whose text Markdown leaves alone."""
    return f"<code>{text.translate(_CODE_TABLE)}</code>"


def _links(value: str) -> str:
    """Text outside code spans: links to web pages kept, every other markup character escaped."""
    if "](" not in value:
        return _escape(value)
    out: list[str] = []
    position = 0
    for match in _SAFE_LINK.finditer(value):
        out.append(_escape(value[position : match.start()]))
        out.append(f"[{_escape(match.group(1))}]({url(match.group(2))})")
        position = match.end()
    out.append(_escape(value[position:]))
    return "".join(out)


def block(text: object) -> Markup:
    """Paragraphs of text: blank lines separate paragraphs; each is made safe like :func:`inline`."""
    paragraphs = re.split(r"\n\s*\n", str(text).strip())
    return Markup("\n\n".join(_not_a_heading(inline(p)) for p in paragraphs if p.strip()))


def _not_a_heading(paragraph: str) -> str:
    """A paragraph of spec text that starts with '#' stays text, not a heading with a TOC entry."""
    stripped = paragraph.lstrip()
    return "&#35;" + stripped[1:] if stripped.startswith("#") else paragraph


def url(address: str) -> Markup:
    """A link target with the characters that could end it or open markup percent-encoded."""
    return Markup(quote(address, safe="/:?#=&%+,;@~._-"))


# A <pre> or <textarea> element, whose line breaks and indentation are its content, or else a line
# break and the blanks after it: what a browser shows as one space, or nothing, between tags.
_PRESERVED_OR_INDENT = re.compile(
    r"(<(pre|textarea)\b.*?</\2\s*>)|\n[ \t\r\n]+", re.DOTALL | re.IGNORECASE
)


def collapse_indentation(html: str) -> str:
    """A built page without the indentation of its lines: each run of blanks that holds a line
    break becomes that line break alone, except inside ``<pre>`` and ``<textarea>``.

    Outside those, HTML shows a run of white space as one space whatever it holds, and a line
    break stays a line break (which a script may need), so nothing a reader sees changes. Not a
    minifier: tags, attributes and character references stay exactly as written, so text that
    had to be escaped stays escaped.
    """
    return _PRESERVED_OR_INDENT.sub(lambda m: m.group(1) or "\n", html)


def series(items: Sequence[str]) -> str:
    """``['a', 'b', 'c'] → 'a, b and c'``; Markup items give Markup (plain text in them is
    escaped as Markup joins do)."""
    if not items:
        return ""
    glue = Markup if isinstance(items[0], Markup) else str
    head = glue(", ").join(items[:-1])
    return glue(" and ").join([head, items[-1]]) if head else items[-1]
