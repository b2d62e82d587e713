"""Shared browser fixtures: Debian's chromium driven by Playwright, the site served on 127.0.0.1.

Software WebGL (SwiftShader) draws Plotly's 3D views on a machine with no GPU; it is slow on two
cores, so tests wait on events the site script sets (``data-state``, ``data-hovered``), never on
sleeps. The fixtures (``browser``, ``server``, ``watched``, ``artifacts``) are in ``conftest.py``, one
of each per test process; this module holds what they and the tests call.
Importing this module skips (locally) or fails (under CI) when chromium or Playwright is missing.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, build
from tests.requirements import require, require_program

CHROMIUM = require_program("chromium", "apt-get install chromium (Debian's package)")
sync_api = require("playwright.sync_api", "pip install playwright (no browser download needed)")

FLAGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    # Pages composited in software, WebGL still drawn by SwiftShader: a tenth less time.
    "--disable-gpu-compositing",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DRAW_TIMEOUT = 90_000


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # The browser cancels requests it no longer needs (a page left mid-load): not an error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_built(project: Path, root: Path) -> Iterator[str]:
    """Build ``project`` into ``root`` for, and serve it at, a free port on 127.0.0.1.

    Material's instant navigation only takes over links under ``site_url``, so the site is built
    with ``SITE_URL`` set to the address it is served from, as the publishing workflow does.
    """
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = _QuietServer(("127.0.0.1", 0), handler)
    address = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        result = build(project, root, env={"SITE_URL": address})
        assert result.returncode == 0, result.stderr
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        yield address
        httpd.shutdown()
    finally:
        httpd.server_close()


def serve_project_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project's site, built for and served at a free port on 127.0.0.1 (the ``server``
    fixture of ``conftest.py``)."""
    with serve_built(ROOT, Path(tmp_path_factory.mktemp("served-site"))) as address:
        yield address


def launch() -> Iterator[Any]:
    """Debian's chromium, driven by Playwright (the ``browser`` fixture of ``conftest.py``)."""
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


class Watched:
    """A page that records console errors, uncaught exceptions and requests leaving 127.0.0.1."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)

    def _request(self, request: Any) -> None:
        if not request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            self.outside.append(request.url)

    def clean(self) -> None:
        assert self.errors == []
        assert self.outside == []


def screenshot_folder() -> Path | None:
    """Where the browser tests keep screenshots for a reader to look at: the folder in
    ``SCREENSHOTS``, or ``None``, and then only the screenshots a test reads are taken (each is a
    frame drawn in software: seconds, over a run)."""
    folder = os.environ.get("SCREENSHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def wait_drawn(page: Any, selector: str = ".arch-figure") -> None:
    page.locator(selector).first.scroll_into_view_if_needed()
    page.wait_for_function(
        f"""() => {{
            const f = document.querySelector({selector!r});
            return f && (f.dataset.state === 'drawn' || f.dataset.state === 'failed' || f.dataset.state === 'no-webgl');
        }}""",
        timeout=DRAW_TIMEOUT,
    )
    assert page.locator(selector).first.get_attribute("data-state") == "drawn"
