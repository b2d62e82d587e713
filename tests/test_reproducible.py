"""The same tree builds to the same bytes, file for file.

Two runs of the README's plain ``mkdocs build --strict`` (no ``SOURCE_DATE_EPOCH``: what a
contributor gets) into two folders must give identical sites: each run is a new process with its
own hash seed, so any output that depends on set or dict-of-set order, a clock, a temporary path or
the output folder shows up here. MkDocs itself writes one date, the build's day, into
``sitemap.xml`` (``lastmod``) and the gzip header of ``sitemap.xml.gz``; it takes that date from
``SOURCE_DATE_EPOCH`` when set. A build of a copy of the project elsewhere, with
``SOURCE_DATE_EPOCH`` on another day, must differ in those two files and nowhere else.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.helpers import BUILD_ENV, ROOT

# Builds of the whole site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

#: 2012-12-03, the first day of NIPS 2012: a date no test run happens on.
OTHER_DAY = 1354492800
DATED = {"sitemap.xml", "sitemap.xml.gz"}


def plain_build(project: Path, site: Path, epoch: int | None = None) -> None:
    """``mkdocs build --strict`` as the README runs it; ``SOURCE_DATE_EPOCH`` only if given."""
    env = {k: v for k, v in BUILD_ENV.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    config = str(project / "mkdocs.yml")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def differences(first: Path, second: Path) -> set[str]:
    a, b = files(first), files(second)
    return {path for path in a.keys() | b.keys() if a.get(path) != b.get(path)}


def today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def test_two_plain_builds_are_byte_identical(tmp_path: Path) -> None:
    for attempt in range(2):
        day = today()
        first, second = tmp_path / f"a{attempt}", tmp_path / f"b{attempt}"
        plain_build(ROOT, first)
        plain_build(ROOT, second)
        if today() == day:  # else the runs straddled midnight (UTC): the sitemap date moved on
            break
    assert len(files(first)) > 20
    assert sorted(differences(first, second)) == []


def test_only_the_sitemap_carries_the_build_date(tmp_path: Path) -> None:
    """Elsewhere, on another day: the pages and data are the same; the sitemap has that day."""
    here = tmp_path / "here"
    plain_build(ROOT, here)
    project = tmp_path / "elsewhere" / "project"
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    there = tmp_path / "elsewhere" / "site"
    plain_build(project, there, epoch=OTHER_DAY)
    assert differences(here, there) == DATED

    sitemap = (there / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {"2012-12-03"}
    with gzip.open(there / "sitemap.xml.gz") as packed:
        assert packed.read().decode("utf-8") == sitemap
    header_mtime = int.from_bytes((there / "sitemap.xml.gz").read_bytes()[4:8], "little")
    assert header_mtime == OTHER_DAY

    # No path of either tree or site leaks into what was built.
    for site in (here, there):
        for path, content in files(site).items():
            if path.endswith((".html", ".json", ".xml", ".csv", ".py", ".js", ".css")):
                text = content.decode("utf-8")
                for leak in (str(tmp_path), str(ROOT), os.path.expanduser("~") + os.sep):
                    assert leak not in text, (site, path, leak)
