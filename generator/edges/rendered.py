"""MkDocs' conversion of a page from Markdown to HTML, kept between builds.

Converting Markdown is most of what MkDocs does: at 1,000 architectures, two thirds of a plain
build's time. A save under `mkdocs serve` changes one spec, so it changes that spec's page and
the site-wide pages that list it; every other page has the very Markdown it had in the last
build, and MkDocs would convert it again to the very same HTML. This keeps each page's
conversion in the build cache (:mod:`generator.edges.cache`), under everything the conversion
reads:

- the page's Markdown as MkDocs hands it to the converter (after every plugin's
  ``on_page_markdown``), its source path and its address;
- every file of the site by source path, address and inclusion (a draft, a page left out of
  the nav), since links are checked and rewritten against them: a page added, moved or removed
  misses every entry;
- the Markdown extensions and their settings, the link validation settings, and the versions of
  Python and of the packages that convert (see :data:`CONVERTERS`).

What a conversion gives is all kept: the HTML, the table of contents, the title found in the
page, the anchors it holds and the links it makes to other pages' anchors (which MkDocs checks
once every page is converted). A conversion that logged anything, such as a link to a missing
page, is not kept, so every build reports it again and ``mkdocs build --strict`` fails every
time.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from generator.core.memo import Key, Memo

#: The packages whose code turns a page's Markdown into HTML.
CONVERTERS = ("mkdocs", "markdown", "pymdown-extensions", "pygments", "mkdocs-material")
#: The build cache's kind for kept conversions.
KIND = "html"
_PAGES_LOG = logging.getLogger("mkdocs.structure.pages")


@dataclass(frozen=True, slots=True)
class Converted:
    """What :meth:`mkdocs.structure.pages.Page.render` sets on a page."""

    content: str
    toc: TableOfContents
    title: str | None
    anchors: frozenset[str]
    """The anchor ids the page holds (``present_anchor_ids``)."""
    links: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """The page's links to anchors, by the source path of the page linked to
    (``links_to_anchors``, whose keys are MkDocs' file objects of this build)."""


@functools.cache
def _versions() -> str:
    return "\0".join([sys.version, *(f"{p} {metadata.version(p)}" for p in CONVERTERS)])


def site_layout(config: MkDocsConfig, files: Files) -> str:
    """A digest of what every page's conversion reads besides its own Markdown: the site's
    files and addresses, the Markdown and validation settings, the converters' versions."""
    digest = hashlib.sha256(_versions().encode())
    settings = (
        config.markdown_extensions,
        config.mdx_configs,
        dict(config.validation),
        config.use_directory_urls,
    )
    digest.update(f"\0{settings!r}".encode())
    for file in sorted(files, key=lambda f: f.src_uri):
        # Whether a file is left out of the site (or of its nav) changes what a link to it gives.
        where = f"{file.src_uri}\0{file.dest_uri}\0{file.url}\0{file.inclusion.name}"
        digest.update(f"\0{where}".encode())
    return digest.hexdigest()


def keep_conversion(page: Page, layout: str, memo: Memo) -> None:
    """Make ``page``'s conversion come from ``memo`` when it was made before from the same
    inputs (``layout`` being :func:`site_layout` of this build)."""
    convert = page.render

    def render(config: MkDocsConfig, files: Files) -> None:
        if page.markdown is None:
            convert(config, files)  # MkDocs' own error
            return
        converted: list[Converted | None] = []

        def work() -> Converted | None:
            converted.append(_converted(page, convert, config, files))
            return converted[0]

        key = Key(KIND, text=f"{layout}\0{page.file.src_uri}\0{page.file.url}\0{page.markdown}")
        found = memo(key, work)
        if converted:
            return  # converted just now
        if found is None:
            convert(config, files)  # it logged: it must log again
        else:
            _restore(page, found, files)

    # MkDocs calls page.render(config, files) after the plugins' on_page_markdown.
    page.render = render  # type: ignore[method-assign]


def _converted(
    page: Page, convert: Callable[[MkDocsConfig, Files], None], config: MkDocsConfig, files: Files
) -> Converted | None:
    """Convert ``page``; what it set, or None when the conversion logged anything."""
    with _logged() as records:
        convert(config, files)
    if records:
        return None
    links = page.links_to_anchors or {}
    return Converted(
        content=page.content or "",
        toc=page.toc,
        title=page._title_from_render,
        anchors=frozenset(page.present_anchor_ids or ()),
        links=tuple(
            (target.src_uri, tuple(sorted(anchors.items()))) for target, anchors in links.items()
        ),
    )


def _restore(page: Page, found: Converted, files: Files) -> None:
    """Set on ``page`` what its conversion set, as :meth:`Page.render` does."""
    page.content = found.content
    page.toc = found.toc
    page._title_from_render = found.title
    page.present_anchor_ids = set(found.anchors)
    # MkDocs collects these only when it will check them.
    if _PAGES_LOG.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {}
        for source, anchors in found.links:
            target = files.get_file_from_path(source)
            if target is not None:
                page.links_to_anchors[target] = dict(anchors)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _logged() -> Iterator[list[logging.LogRecord]]:
    """The records logged meanwhile, at INFO or above (MkDocs' loggers do not reach the root)."""
    handler = _Records()
    loggers = [logging.getLogger("mkdocs"), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
