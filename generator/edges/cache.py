"""What a build keeps for the next one: the costly results that depend only on their own text.

`mkdocs serve` rebuilds the whole site on every save, and most of what the generator computes is
the same as last time. Two results cost the most for what they depend on, and each is keyed by
that alone, so an entry can never be stale:

- the highlighted HTML of each PyTorch script, by the SHA-256 of the script's text and the
  version of Pygments that highlighted it (Pygments takes about a third of the generator's time);
- Jinja's compiled templates, which Jinja itself keys by each template's source checksum.

The cache lives in ``.cache/architectures/`` next to ``mkdocs.yml`` (Material's plugins keep
theirs in ``.cache/`` too). A folder that cannot be written only makes the build slower. After a
build, highlighted scripts that it did not use are removed, so the folder holds one site's worth.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import jinja2

log = logging.getLogger("mkdocs.plugins.architectures")

#: Where the cache lives, relative to the folder of ``mkdocs.yml``.
FOLDER = Path(".cache") / "architectures"


class BuildCache:
    """The cache folder of one project, for one build."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.scripts = folder / "scripts"
        self.templates = folder / "templates"
        self._used: set[str] = set()
        self._version = metadata.version("pygments")
        self.hits = 0
        self.misses = 0

    def bytecode(self) -> jinja2.BytecodeCache | None:
        """Jinja's own file cache of compiled templates, or None where the folder cannot be made."""
        if not _make(self.templates):
            return None
        return jinja2.FileSystemBytecodeCache(str(self.templates))

    def highlighter(self, highlight: Callable[[str], str]) -> Callable[[str], str]:
        """``highlight`` with its results kept here, by the script's text and Pygments' version."""

        def cached(code: str) -> str:
            key = hashlib.sha256(f"{self._version}\0{code}".encode()).hexdigest()
            self._used.add(key)
            path = self.scripts / f"{key}.html"
            try:
                found = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                found = None
            if found is not None:
                self.hits += 1
                return found
            self.misses += 1
            html = highlight(code)
            if _make(self.scripts):
                _write(path, html)
            return html

        return cached

    def prune(self) -> None:
        """Remove the highlighted scripts this build did not use (of specs changed or gone)."""
        try:
            entries = list(self.scripts.glob("*.html"))
        except OSError:
            return
        for entry in entries:
            if entry.stem not in self._used:
                entry.unlink(missing_ok=True)


def _make(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.debug("no build cache in %s: %s", folder, error)
        return False
    return True


def _write(path: Path, text: str) -> None:
    """Write ``text`` whole or not at all: a build stopped halfway never leaves half a file."""
    temporary: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(text)
        os.replace(temporary, path)
    except OSError as error:
        log.debug("could not keep %s: %s", path.name, error)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
