"""What a build keeps for the next one, each result under everything it depends on.

`mkdocs serve` rebuilds the whole site on every save, and a save changes one spec. Most of the
generator's work depends on one spec alone: loading and analysing it, its audit and the input
sizes it tiles, its page, figures, exports and highlighted script. This cache keeps those results between builds, so
a rebuild does that work for the edited spec only. The work that reads every spec together
(comparisons, families, the site-wide pages) is done at every build.

A stale result is the worst bug a reference site can have, so every entry is stored under a
SHA-256 of all that it depends on:

- the generator's own code (every file of the package), the versions of the packages whose
  output it keeps (pydantic, Jinja, Pygments) and of Python: any change there misses every entry;
- for a spec's load, its own text and path; the entry records the text of each spec it extends
  and, when it states differences against other specs, the folder's list of specs, and is used
  only while those are unchanged;
- for a result of specs (:class:`~generator.core.memo.Key` with ``spec`` and ``others``), the
  names and texts of those specs and of every spec they extend, as this build read them;
- for anything else, the text the key carries (a script to highlight) or nothing (the schema).

MkDocs' conversion of each page to HTML is kept here too (:mod:`generator.edges.rendered`), and
Jinja's compiled templates, ours and the theme's, by Jinja itself (keyed by each
template's source). Everything lives in ``.cache/architectures/`` next to ``mkdocs.yml``
(Material's plugins keep theirs in ``.cache/`` too). A folder that cannot be written, or an entry
that cannot be read, only makes the build slower. After a complete build, the entries it did not
use are removed, so the folder holds one site's worth. Its ``pages`` folder holds the generated
pages of the last build, which MkDocs reads from there (:class:`PageFolder`).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import jinja2

from generator.core.memo import Key
from generator.load.loader import Analysed, Texts
from generator.spec.errors import SpecError

log = logging.getLogger("mkdocs.plugins.architectures")
T = TypeVar("T")

#: Where the cache lives, relative to the folder of ``mkdocs.yml``.
FOLDER = Path(".cache") / "architectures"
#: The folder of Jinja's compiled templates; every other folder holds one kind of result.
TEMPLATES = "templates"
#: The folder of the generated pages as MkDocs reads them (see :class:`PageFolder`).
PAGES = "pages"
#: The kind under which loaded specs are kept (other kinds are named by :class:`Key`).
SPECS = "specs"
#: The packages whose output an entry may hold.
PACKAGES = ("pydantic", "jinja2", "pygments")
_MISSING = object()


@functools.cache
def code_version() -> str:
    """A digest of the generator's own files and of the packages whose output the cache keeps.

    Computed once per process: under `mkdocs serve` the code does not change between builds.
    """
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(sys.version.encode())
    for name in PACKAGES:
        digest.update(f"\0{name} {metadata.version(name)}".encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"\0{path.relative_to(package).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class _Loaded:
    """A kept load: the spec loaded, and what it was read from besides its own text."""

    analysed: Analysed
    parents: tuple[tuple[Path, str], ...]
    """Each spec it extends, with the digest of the text it had."""
    listing: str | None
    """The digest of the folder's list of specs, when its compared differences name others."""


class BuildCache:
    """The cache folder of one project, for one build: a :class:`~generator.core.memo.Memo`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._specs: dict[str, str] = {}
        """Each loaded spec's name, with the digest of its text and its parents' texts."""
        self._used: dict[str, bytearray] = {}
        """The digests of the entries this build used, by kind, end to end (32 bytes each)."""
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()

    def bytecode(self) -> jinja2.BytecodeCache | None:
        """Jinja's own file cache of compiled templates, or None where the folder cannot be made."""
        templates = self.folder / TEMPLATES
        if not _make(templates):
            return None
        return jinja2.FileSystemBytecodeCache(str(templates))

    def loader(self, load: Callable[[Path, Texts], Analysed]) -> Callable[[Path, Texts], Analysed]:
        """``load`` with its results kept here (see the module's description)."""

        def cached(path: Path, texts: Texts) -> Analysed:
            text = _digest(texts.read(path))
            key = _digest(code_version(), str(path), text)
            found = self._get(SPECS, key)
            if not (isinstance(found, _Loaded) and self._unchanged(found, path, texts)):
                analysed = load(path, texts)
                parents = tuple((p, _digest(texts.read(p))) for p in analysed.parents)
                listing = _listing(path, texts) if analysed.analysis.spec.compared else None
                found = _Loaded(analysed, parents, listing)
                self._put(SPECS, key, found)
            # What every result of this spec depends on: its text and its parents' texts.
            name = found.analysed.analysis.name
            self._specs[name] = _digest(text, *(digest for _, digest in found.parents))
            return found.analysed

        return cached

    def _unchanged(self, found: _Loaded, path: Path, texts: Texts) -> bool:
        try:
            return all(
                texts.exists(parent) and _digest(texts.read(parent)) == digest
                for parent, digest in found.parents
            ) and (found.listing is None or found.listing == _listing(path, texts))
        except SpecError:
            return False  # a parent that cannot be read: the load says so

    def __call__(self, key: Key, work: Callable[[], T], /) -> T:
        """The result of ``work`` kept under ``key`` (the :class:`~generator.core.memo.Memo`
        protocol). A result of specs this build did not all load through :meth:`loader` is not
        kept: what it depends on is not known here."""
        names = (key.spec, *key.others) if key.spec is not None else key.others
        if any(name not in self._specs for name in names):
            return work()
        # The specs' names too: two specs of the same text give different pages.
        inputs = [f"{name}\0{self._specs[name]}" for name in names]
        digest = _digest(code_version(), key.kind, *inputs, "", key.text)
        found = self._get(key.kind, digest)
        if found is not _MISSING:
            return found  # type: ignore[no-any-return]
        value = work()
        self._put(key.kind, digest, value)
        return value

    def pages(self) -> PageFolder | None:
        """The folder the generated pages are written into, or None where it cannot be made."""
        folder = self.folder / PAGES
        return PageFolder(folder) if _make(folder) else None

    def specs_done(self) -> None:
        """Forget the specs loaded so far, when their analyses are let go.

        Until specs are loaded again, a result of specs is computed and not kept (see
        :meth:`__call__`); page conversions name no spec. Kept, the thousand small strings of a
        large site would sit among the freed analyses' memory and pin it: Python returns its
        memory to the system only in whole arenas of a mebibyte.
        """
        self._specs = {}

    def _get(self, kind: str, digest: str) -> Any:
        # One buffer per kind, not a set of strings: made while the model lives, ten thousand
        # small strings would each pin an arena of its memory (see specs_done).
        self._used.setdefault(kind, bytearray()).extend(bytes.fromhex(digest))
        try:
            # Read from the file, not from its bytes: at 1,000 specs, a hundred megabytes of
            # short-lived buffers would fragment the memory MkDocs then needs for the pages.
            with (self.folder / kind / f"{digest}.pickle").open("rb") as handle:
                found = pickle.load(handle)
        except FileNotFoundError:
            found = _MISSING
        except Exception as error:
            log.debug("unreadable cache entry %s/%s: %s", kind, digest, error)
            found = _MISSING
        (self.misses if found is _MISSING else self.hits)[kind] += 1
        return found

    def _put(self, kind: str, digest: str, value: object) -> None:
        folder = self.folder / kind
        if _make(folder):
            _write(folder / f"{digest}.pickle", value)

    def prune(self) -> None:
        """Remove the entries this build did not use (of specs changed or gone, of old code)."""
        try:
            self._prune()
        except OSError as error:
            log.debug("could not prune the build cache: %s", error)

    def _prune(self) -> None:
        folders = [
            f for f in self.folder.iterdir() if f.is_dir() and f.name not in {TEMPLATES, PAGES}
        ]
        for folder in folders:
            buffer = self._used.get(folder.name, b"")
            used = {buffer[i : i + 32].hex() for i in range(0, len(buffer), 32)}
            for entry in folder.iterdir():
                # Anything else, such as an earlier version's files, is not this build's either.
                if entry.suffix != ".pickle" or entry.stem not in used:
                    entry.unlink(missing_ok=True)
            if not used:
                folder.rmdir()


class PageFolder:
    """The generated pages of one build, written where MkDocs reads them as it reads ``docs/``.

    Handed to MkDocs as text, each page would be held twice through the build (MkDocs keeps
    the text it was given besides the Markdown it reads from it): at 1,000 architectures, a
    fifth of the build's memory. A plain build reads its pages from files too.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._written: set[str] = set()

    def write(self, path: str, content: str) -> Path | None:
        """Write one page (``path`` as in the site's sources) unless it already holds
        ``content``: its path on disk, or None where it could not be written."""
        target = self.folder / path
        self._written.add(target.relative_to(self.folder).as_posix())
        try:
            if target.read_text("utf-8") == content:
                return target
        except (OSError, ValueError):
            pass  # new, or unreadable: written below
        temporary: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Whole or not at all, as the cache's entries: another build may be reading it.
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=target.parent, suffix=".tmp", delete=False
            ) as handle:
                temporary = handle.name
                handle.write(content)
            os.replace(temporary, target)
        except OSError as error:
            log.debug("could not write the page %s: %s", path, error)
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            return None
        return target

    def remove_others(self) -> None:
        """Remove the pages this build did not write (of specs removed or renamed)."""
        for found in sorted(self.folder.rglob("*"), reverse=True):
            if found.is_file() and found.relative_to(self.folder).as_posix() not in self._written:
                found.unlink(missing_ok=True)
            elif found.is_dir() and not any(found.iterdir()):
                found.rmdir()


def _listing(path: Path, texts: Texts) -> str:
    return _digest(*texts.names(path.parent))


def _make(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.debug("no build cache in %s: %s", folder, error)
        return False
    return True


def _write(path: Path, value: object) -> None:
    """Pickle ``value`` into ``path`` whole or not at all: a build stopped halfway never leaves
    half a file."""
    temporary: str | None = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            temporary = handle.name
            pickle.dump(value, handle, pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError) as error:
        log.debug("could not keep %s: %s", path.name, error)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
