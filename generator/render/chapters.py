"""Site-wide pages that grow with the site, laid out as one page or as an overview with parts. Pure.

The lineage, audit, successors and comparison pages hold something for every architecture. With a
few dozen specs each reads best as one page; with a thousand, one page would weigh megabytes. So
each is written as a :class:`Book`: an introduction, then chapters (a family, a kind of claim),
each an introduction and blocks of items (a table's rows, a variant's differences). While the
whole book fits :data:`PAGE_BUDGET` it is one page, ``STEM.md``; past that the book becomes a
folder: ``STEM/index.md`` with the introduction and every chapter's introduction and the list of
its parts, and ``STEM/CHAPTER.md``, ``STEM/CHAPTER-2.md`` … each holding as many items as fit the
budget. The address of the book's first page is ``/STEM/`` either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.render.templating import ENV

#: Issue 13's ceiling on one page's HTML, in bytes.
HTML_LIMIT = 500_000
#: How much Markdown grows into HTML, at most: measured 3.1 for a wide table of right-aligned
#: numbers (every cell carries its alignment), about 2 for the shipped pages, less for prose.
HTML_PER_MARKDOWN = 4
#: Room for Material's header, sidebar and footer around the content, which grows with the site's
#: navigation rather than with the page.
CHROME_SHARE = 4 / 3
#: The most Markdown one page of a book may hold, in bytes.
PAGE_BUDGET = int(HTML_LIMIT / HTML_PER_MARKDOWN / CHROME_SHARE)


@dataclass(frozen=True, slots=True)
class Item:
    """One indivisible piece of a block: a table row, or a network's section."""

    label: str
    """What names it in a part's range (a spec's name)."""
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """A run of items under one head: a table (the head is its header row), or sections."""

    items: tuple[Item, ...]
    head: str = ""
    """Written before the block's items on every page the block reaches."""
    tail: str = ""
    """Written after the block's items on every page the block reaches (a closing tag)."""


@dataclass(frozen=True, slots=True)
class Chapter:
    """A part of a book with its own heading: a family, a kind of claim."""

    slug: str
    """Its file name in the book's folder, without ``.md``."""
    title: str
    intro: str
    """Shown under its heading, and on the overview when the book is split."""
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class Book:
    """A site-wide page as chapters."""

    stem: str
    """``lineage``: the page is ``lineage.md`` or the folder ``lineage/``."""
    title: str
    intro: str
    chapters: tuple[Chapter, ...]
    wide: bool = False
    """Its pages hide the site's navigation (Material's ``hide: [navigation]``): their tables
    of sentences need the width; the table of contents stays."""


@dataclass(frozen=True, slots=True)
class Part:
    """One page of a chapter, when the book is split."""

    path: str
    """Its file name in the book's folder: ``CHAPTER.md`` or ``CHAPTER-N.md``."""
    number: int
    text: str
    """Its blocks' heads, items and tails."""
    first: str
    """The label of its first item ('' for a chapter without items)."""
    last: str

    @property
    def span(self) -> str:
        """Its items by their labels: ``bvlc-alexnet to zfnet``, or one label."""
        return self.first if self.first == self.last else f"{self.first} to {self.last}"


def whole(book: Book) -> str:
    """The book as one page."""
    return ENV.get_template("book.md.j2").render(book=book, body=_body)


def _body(blocks: Sequence[Block]) -> str:
    """Every block with its head, items and tail."""
    return "".join(b.head + "".join(i.text for i in b.items) + b.tail for b in blocks)


def lay_out(render: Callable[[bool], Book | None], budget: int = PAGE_BUDGET) -> dict[str, str]:
    """The book as one page while it fits ``budget`` bytes, else as an overview and parts; no
    page when ``render`` has no book (the site lacks what it is about).

    ``render(split)`` builds the book; split, its links start one folder down and its items'
    headings one level up (a part's title is the page's only first-level heading).
    """
    book = render(False)
    if book is None:
        return {}
    page = whole(book)
    if len(page.encode()) <= budget:
        return {f"{book.stem}.md": page}
    parted = render(True)
    assert parted is not None  # the same model gives the same book, split or not
    return split(parted, budget)


def split(book: Book, budget: int) -> dict[str, str]:
    """``STEM/index.md`` and each chapter's parts, every part within ``budget`` bytes of items
    (an item larger than the budget gets a part of its own)."""
    parts = {c.slug: parts_of(c, budget) for c in book.chapters}
    files = {
        f"{book.stem}/index.md": ENV.get_template("overview.md.j2").render(book=book, parts=parts)
    }
    for chapter in book.chapters:
        found = parts[chapter.slug]
        template = ENV.get_template("part.md.j2")
        for part in found:
            files[f"{book.stem}/{part.path}"] = template.render(
                book=book, chapter=chapter, part=part, parts=found, count=len(found)
            )
    return files


def parts_of(chapter: Chapter, budget: int) -> list[Part]:
    """The chapter's items packed in order into pages of at most ``budget`` bytes, each block's
    head and tail repeated on every page it reaches; one page for a chapter without items."""
    pages: list[list[tuple[Block, list[Item]]]] = [[]]
    used = len(chapter.intro.encode())
    for block in chapter.blocks:
        frame = len((block.head + block.tail).encode())
        for item in block.items:
            size = len(item.text.encode())
            current = pages[-1]
            opened = bool(current) and current[-1][0] is block
            cost = size + (0 if opened else frame)
            if used + cost > budget and any(items for _, items in current):
                pages.append([])
                current, opened, cost = pages[-1], False, size + frame
                used = 0
            if not opened:
                current.append((block, []))
            current[-1][1].append(item)
            used += cost
    return [_part(chapter.slug, number, runs) for number, runs in enumerate(pages, 1)]


def _part(slug: str, number: int, runs: list[tuple[Block, list[Item]]]) -> Part:
    items = [item for _, found in runs for item in found]
    text = "".join(b.head + "".join(i.text for i in found) + b.tail for b, found in runs)
    return Part(
        f"{slug}.md" if number == 1 else f"{slug}-{number}.md",
        number,
        text,
        items[0].label if items else "",
        items[-1].label if items else "",
    )
