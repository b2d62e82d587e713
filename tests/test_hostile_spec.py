"""A spec full of HTML, script and Markdown tricks is a valid spec, and the site shows it as text.

Spec files are contributions. Their free text (title, summary, notes, layer notes, source
citations and statements, stated quotes) may hold raw HTML, ``<script>``, event handlers,
``javascript:`` links, attribute lists, snippet syntax and entities; none of it is a spec error,
and none of it may become markup, script or a request on the built site. The browser half of
these checks is in ``test_hostile_browser.py``.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config

from generator.load import loader
from generator.render import markup
from generator.spec import models
from generator.spec.errors import SpecError, label
from tests.helpers import ROOT, SPECS, build, copy_project

NAME = "hostile"
#: The page whose scripts the hostile page must match: same folder depth, same theme.
NORMAL = "torchvision-alexnet"

#: Text that must reach the reader as these very characters (after whitespace is collapsed).
SHOWN = [
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(3)>",
    "[inline](javascript:alert(4))",
    '<a href="javascript:alert(5)">a</a>',
    '{: onclick="alert(6)" }',
    "<svg onload=alert(7)>",
    "&lt;script&gt;alert(8)&lt;/script&gt;",
    "&#60;b&#62; &amp; &nbsp;",
    "<!-- comment -->",
    "<style>body{display:none}</style>",
    "<iframe src=//evil.example/></iframe>",
    "<https://evil.example/>",
    "javascript:alert(9)",
    "</title><script>alert(10)</script>",
    "{{ 7*7 }} {% raw %}",
]
#: Markdown that may render as Markdown (emphasis, links to web pages), but never as HTML.
TRICKS = [
    "![image](http://evil.example/x.png)",
    "[reference][evil]",
    "[protocol-relative](//evil.example/p)",
    "[web page](https://tiny.test/ok)",
    "[spec](torchvision-alexnet.md)",
    "**bold** _em_ `code` ~~~ ??? !!! ::: [^1] *[HTML]: x | a | b |",
    "\\<script>alert(11)\\</script>",
]
INLINE = " ".join(SHOWN + TRICKS)
TOKEN = "x" * 2_000
LONG_LINE = " ".join(["word"] * 3_000) + " " + TOKEN
BLOCK = "\n\n".join(
    [
        "# heading <script>alert(12)</script>",
        '--8<-- "README.md"',
        "--8<--\nREADME.md\n--8<--",
        "[evil]: javascript:alert(13)",
        '??? note "<script>alert(14)</script>"\n    inside',
        "!!! danger\n    inside",
        "~~~\n<script>alert(15)</script>\n~~~",
        "    indented <script>alert(16)</script>",
        "- list <img src=x onerror=alert(17)>",
        "<div markdown>\n<script>alert(18)</script>\n</div>",
        INLINE,
        LONG_LINE,
    ]
)
TITLE = (
    "Hostile <script>alert(1)</script> </title><script>alert(10)</script> & &amp; "
    "[x](javascript:alert(4)) {: onclick=\"alert(6)\" }\nimport os; os.system('echo pwned')"
)


def hostile_spec() -> dict[str, Any]:
    """torchvision's AlexNet with hostile text in every free-text field."""
    data = copy.deepcopy(yaml.safe_load((SPECS / f"{NORMAL}.yml").read_text(encoding="utf-8")))
    data["title"] = TITLE
    data["summary"] = BLOCK
    data["notes"] = BLOCK
    for source in data["sources"].values():
        source["citation"] = INLINE
        source["states"] = INLINE
    first = next(iter(data["sources"]))
    data["sources"]["tricky-url"] = {
        "citation": "A web address with quotes, brackets and tags in it",
        "url": 'https://tiny.test/a"onmouseover="alert(19)"/)](javascript:alert(20))/<script>',
        "states": INLINE,
    }
    data["stated"] = [{**claim, "quote": INLINE} for claim in data["stated"]] + [
        {"quantity": "neurons", "layer": "fc8", "value": 1000, "source": first, "quote": INLINE},
        {"quantity": "params", "value": 1, "source": "tricky-url", "quote": INLINE},
    ]
    for layer in data["layers"][::4]:
        layer["note"] = INLINE
    return data


def write_project(folder: Path) -> Path:
    """The project's mkdocs.yml and specs, plus the hostile spec, in ``folder``."""
    copy_project(folder)
    text = yaml.safe_dump(hostile_spec(), sort_keys=False, allow_unicode=True, width=10**6)
    (folder / "docs" / "architectures" / f"{NAME}.yml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("hostile-project"))


@pytest.fixture(scope="module")
def site(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile-site")
    result = build(project, out)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


# --- reading HTML ----------------------------------------------------------------------------


class Page(HTMLParser):
    """Tags, attributes, script elements and visible text of an HTML page."""

    HIDDEN = ("script", "style", "svg", "template", "title")

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.title = ""
        self._text: list[str] = []
        self._open: list[str] = []
        self._script: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script = [self.get_starttag_text() or ""]
        if tag not in ("meta", "link", "img", "input", "br", "hr", "source", "wbr"):
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        if self._open and self._open[-1] == "title":
            self.title += data
        if not any(tag in self.HIDDEN for tag in self._open):
            self._text.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self._text).split())

    def attributes(self) -> Iterator[tuple[str, str, str]]:
        for tag, attrs in self.tags:
            for name, value in attrs:
                yield tag, name, value or ""


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def collapse(text: str) -> str:
    return " ".join(text.split())


DANGEROUS_TAGS = ("script", "iframe", "object", "embed", "img", "style", "base", "form", "link")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")


def unsafe_markup(page: Page) -> list[str]:
    """Event handlers and script URLs: what would run code in a reader's browser."""
    found = []
    for tag, name, value in page.attributes():
        if name.startswith("on"):
            found.append(f"<{tag} {name}={value!r}>")
        if name in URL_ATTRIBUTES and re.sub(r"\s", "", value).lower().startswith(
            ("javascript:", "vbscript:", "data:text/html")
        ):
            found.append(f"<{tag} {name}={value!r}>")
    return found


# --- the spec --------------------------------------------------------------------------------


def test_hostile_text_is_a_valid_spec(project: Path) -> None:
    analysis = loader.analyse(loader.load(project / "docs" / "architectures" / f"{NAME}.yml"))
    assert analysis.spec.title == TITLE
    assert analysis.spec.summary == BLOCK
    assert {claim.quote for claim in analysis.spec.stated} == {INLINE}


# --- the built site --------------------------------------------------------------------------


@pytest.mark.slow
def test_the_hostile_page_has_exactly_the_scripts_of_a_normal_page(site: Path) -> None:
    hostile = read(site / "architectures" / NAME / "index.html")
    normal = read(site / "architectures" / NORMAL / "index.html")
    assert hostile.scripts == normal.scripts
    for tag in DANGEROUS_TAGS:
        count = sum(1 for t, _ in hostile.tags if t == tag)
        assert count == sum(1 for t, _ in normal.tags if t == tag), tag


@pytest.mark.slow
def test_no_page_has_event_handlers_script_urls_or_hostile_scripts(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        page = read(path)
        assert unsafe_markup(page) == [], path
        for script in page.scripts:
            assert "alert(" not in script, (path, script[:200])
            assert "pwned" not in script, path


@pytest.mark.slow
def test_the_hostile_text_is_shown_as_text(site: Path) -> None:
    page = read(site / "architectures" / NAME / "index.html")
    for fragment in SHOWN:
        assert collapse(fragment) in page.text, fragment
    assert TOKEN in page.text
    assert '--8<-- "README.md"' in page.text
    assert "[evil]: javascript:alert(13)" in page.text
    # The title is the page's heading and its <title>, as text.
    assert page.title == f"{collapse(TITLE)} - AlexNet, layer by layer"
    raw = (site / "architectures" / NAME / "index.html").read_text(encoding="utf-8")
    head_title = raw[raw.index("<title>") + len("<title>") : raw.index("</title>")]
    assert "<" not in head_title


@pytest.mark.slow
def test_only_web_links_survive(site: Path) -> None:
    page = read(site / "architectures" / NAME / "index.html")
    hrefs = [value for tag, name, value in page.attributes() if tag == "a" and name == "href"]
    assert "https://tiny.test/ok" in hrefs
    # ![image](...) stays a link: the "!" that would make it an image, loaded from elsewhere, is text.
    assert "http://evil.example/x.png" in hrefs
    # Links to other sites have a scheme; page-relative links ([spec](x.md)) are text.
    assert not [h for h in hrefs if h.startswith("//")]
    assert "[spec](torchvision-alexnet.md)" in page.text
    assert "[protocol-relative](//evil.example/p)" in page.text
    assert not [h for h in hrefs if "evil.example" in h and not h.startswith("http://")]
    tricky = [h for h in hrefs if h.startswith("https://tiny.test/a")]
    assert tricky and all(re.fullmatch(r"[A-Za-z0-9:/._~%?#=&+,;@-]+", h) for h in tricky)


@pytest.mark.slow
def test_other_pages_that_show_the_title_show_it_as_text(site: Path) -> None:
    title = collapse(TITLE)
    for page_path in ("index.html", "audit/index.html", "lineage/index.html"):
        page = read(site / page_path)
        assert title.split(" & ")[0] in page.text, page_path
        assert unsafe_markup(page) == []


@pytest.mark.slow
def test_the_search_index_holds_text_not_markup(site: Path) -> None:
    """Material puts search results into the page as HTML: the index must be inert HTML."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    hostile = [doc for doc in index["docs"] if doc["location"].startswith(f"architectures/{NAME}/")]
    assert hostile
    for doc in index["docs"]:
        for field in ("title", "text"):
            page = Page(doc[field])
            assert unsafe_markup(page) == [], doc["location"]
            assert not [t for t, _ in page.tags if t in DANGEROUS_TAGS], (doc["location"], field)


@pytest.mark.slow
def test_the_exports_carry_the_text_as_data(site: Path) -> None:
    folder = site / "architectures" / NAME
    data = json.loads((folder / f"{NAME}.json").read_text(encoding="utf-8"))
    assert data["title"] == TITLE
    assert {claim["quote"] for claim in data["audit"]} == {INLINE}
    rows = list(csv.reader(io.StringIO((folder / f"{NAME}.csv").read_text(encoding="utf-8"))))
    assert all(re.fullmatch(r"[\w.\-x]*", cell) for row in rows for cell in row)
    figure = (folder / "figure.json").read_text(encoding="utf-8")
    json.loads(figure)
    assert "alert" not in figure and "<script" not in figure
    script = (folder / f"{NAME}.py").read_text(encoding="utf-8")
    compile(script, f"{NAME}.py", "exec")
    for line in script.splitlines():
        if "pwned" in line or "alert" in line:
            assert line.startswith("#"), line


# --- hostile text where a rule checks it: the message quotes it, never reads it ---------------

#: Text that breaks a name rule and looks like a message's own placeholders, markup or noise.
BROKEN_NAMES = [
    "{expected}",
    "{got} {0} {} {{",
    "</script><script>alert(21)</script>",
    "x\u2028y\x85z",
    "{got}" * 200,
]


@pytest.mark.parametrize("text", BROKEN_NAMES, ids=range(len(BROKEN_NAMES)))
def test_a_rules_message_quotes_hostile_text_as_it_was_written(text: str) -> None:
    """Each rule fills its message in once, the file's text last: braces in that text stay
    braces, and very long text is cut short (``errors.label``)."""
    written = json.dumps(text)  # a YAML scalar holding exactly ``text``
    spec = (
        f"compared:\n  - {{quantity: params, to: {written}, percent: 5, source: src}}\n"
        "title: T\nsummary: S\ninput: [3, 8, 8]\n"
        "sources: {src: {citation: C, url: 'https://tiny.test/', states: S}}\n"
        f"layers:\n  - {{name: {written}, kind: relu}}\n"
    )
    with pytest.raises(SpecError) as caught:
        loader.load_text(Path("hostile.yml"), spec)
    messages = {(p.field, p.message) for p in caught.value.problems}
    assert messages == {
        ("compared[1].to", models.SPEC_NAME.message(text)),
        ("name", models.NAME.message(text)),
    }
    quoted = f"got the text {label(text)!r}"
    assert all(
        message.endswith(quoted) and message.count("expected") == 1 + text.count("expected")
        for _, message in messages
    )


# --- generator.render.markup on its own: any text, rendered as the site renders it -----------------

TOKENS = [
    *"<>&\"'`[](){}!#*_-=+|\\:;/.?~^$%@ \n\tab1",
    "javascript:",
    "JaVaScRiPt:",
    "data:text/html,",
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "onerror=",
    "](",
    "][",
    "--8<--",
    "&lt;",
    "&#60;",
    "&#x3C;",
    "http://",
    "https://",
    "//",
    "{:",
    " .cls #id onclick=x}",
    "\n\n",
    "    ",
    "```",
    "~~~",
    "???",
    "!!!",
    "<!--",
    "-->",
    "<![CDATA[",
    "\u2028",
    "\x85",
]
ALLOWED_TAGS = {
    "p", "a", "strong", "em", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "div", "pre", "code", "span",
    "details", "summary", "br",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"href", "id", "class", "title", "open"}


@pytest.fixture(scope="module")
def renderer() -> markdown.Markdown:
    """Python-Markdown with the extensions and settings of the project's mkdocs.yml."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )


CONTEXTS = [
    "{}",
    "# {}",
    "| a | b |\n|---|---|\n| {} | x |",
    "- **key**: {}",
    "> “{}” — source",
    "[{}](https://tiny.test/)",
]


@pytest.mark.slow
@settings(max_examples=3 * settings.default.max_examples, deadline=None)  # ci: 300
@given(text=st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_markup_never_lets_html_or_script_urls_through(
    text: str, renderer: markdown.Markdown
) -> None:
    for context in CONTEXTS:
        for escaped in (markup.inline(text), markup.block(text)):
            if "\n" in escaped and context != "{}":
                continue  # block text is only ever printed on its own
            renderer.reset()
            html = renderer.convert(context.format(escaped))
            page = Page(html)
            assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS, html
            for tag, name, value in page.attributes():
                assert name in ALLOWED_ATTRIBUTES, (tag, name, html)
                if name == "href":
                    assert re.match(r"(https?://|#|(?![a-z][a-z0-9+.-]*:)(?!//))", value), html
