"""The build cache: the files one architecture alone produces, kept between builds as JSON.

`mkdocs serve` rebuilds the whole site on every save, and a save usually changes one spec. The
site model is computed in memory at every build (:func:`~generator.analysis.model.build_site_model`:
it reads every spec together); what this cache keeps is rendering: an architecture's page, its
figures, exports, PyTorch script and the script's highlighting, which are most of a build's own
time and depend on a few specs only.

An entry is one JSON file, ``{"key": ..., "files": {path: text}}``, named by a SHA-256 of all it
depends on: the generator's own code, the versions of Python and of the packages whose output it
holds, and the names and texts of the specs the architecture's files read (:func:`key`). Nothing
is unpickled or run: an entry that does not parse, or does not carry its own key, is ignored and
made again. After a build that loaded every spec, the entries it did not use are removed, so the
folder holds one site's worth. A folder that cannot be written only makes builds slower.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

#: Where the cache lives, relative to the folder of ``mkdocs.yml`` (Material keeps its own
#: plugins' caches in ``.cache/`` too).
FOLDER = Path(".cache") / "architectures"
#: The packages whose output an entry holds: the templates, the highlighting, the figures' JSON.
PACKAGES = ("pydantic", "jinja2", "pygments", "plotly", "pyyaml")


@functools.cache
def code_version() -> str:
    """A digest of the generator's own files and of the versions of Python and :data:`PACKAGES`.

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


def key(name: str, texts: Iterable[tuple[str, str]]) -> str:
    """The key of architecture ``name``'s files: a SHA-256 of the code's digest, the name, and
    each ``(spec name, spec text)`` its files read, in a fixed order."""
    digest = hashlib.sha256(f"{code_version()}\0{name}".encode())
    for spec, text in sorted(set(texts)):
        digest.update(f"\0{spec}\0{len(text)}\0{text}".encode())
    return digest.hexdigest()


class BuildCache:
    """The cache folder of one project."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        """The entries the current build used, by file name."""
        self.hits = 0
        self.misses = 0

    def start(self) -> None:
        """Begin a build: no entry used yet."""
        self.used, self.hits, self.misses = set(), 0, 0

    def files(self, entry: str, make: Callable[[], dict[str, str]]) -> dict[str, str]:
        """The files kept under key ``entry``, or ``make()``'s, kept under it for the next build."""
        path = self.folder / f"{entry}.json"
        self.used.add(path.name)
        found = _read(path, entry)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        made = make()
        _write(path, json.dumps({"key": entry, "files": made}, ensure_ascii=False))
        return made

    def prune(self) -> None:
        """Remove the entries this build did not use (a spec removed, edited or renamed), and
        anything else in the folder (a write cut short)."""
        try:
            entries = [p for p in self.folder.iterdir() if p.is_file()]
        except OSError:
            return
        for path in entries:
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def _read(path: Path, entry: str) -> dict[str, str] | None:
    """The files of the entry at ``path``, or None when it is missing, unreadable or not the
    entry it should be (its recorded key differs, a value is not text)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != entry:
        return None
    files = data.get("files")
    if not isinstance(files, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return files


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all; a folder that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
