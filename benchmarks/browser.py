"""Page load timings in headless Chromium (Playwright), everything served from 127.0.0.1.

Three pages, loaded in alternation, each in a fresh browser context (an empty cache, as a first
visit), in one browser run:

* ``site``: an architecture page of the generated site (its figure drawn by the site script);
* ``plain``: the same page built from the same Markdown without the figure (text only);
* ``standalone``: ``plotly.io.to_html`` of the same figure (the view ``figure.json`` holds, its
  packed boxes unpacked into the plain Plotly traces the site script draws), at the same pixel
  size, loading the same ``plotly.min.js`` file from the same server.

Times are ``performance.now()`` values, milliseconds from the start of navigation:

* ``text``: when the page's ``<h1>`` is visible: the later of the first animation frame in which
  it is laid out and Chromium's first contentful paint (``fcp``, also recorded on its own);
* ``drawn``: for the site, when the figure's ``data-state`` becomes ``drawn`` (the site script sets
  it once ``Plotly.newPlot`` and its theme relayout have resolved); for the standalone page, when
  ``Plotly.newPlot`` resolves (a ``post_script``).
"""

from __future__ import annotations

import functools
import http.server
import json
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 120_000
SETTLE_S = 1.0

#: Records, in every page of a context, when the H1 is first laid out and when a figure is drawn.
PROBE = """
(() => {
  const bench = (window.__bench = {});
  const mark = (name) => { if (bench[name] === undefined) bench[name] = performance.now(); };
  new MutationObserver(() => {
    const figure = document.querySelector('.arch-figure');
    if (figure && figure.dataset.state) {
      bench.state = figure.dataset.state;
      if (figure.dataset.state === 'drawn') mark('drawn');
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-state']});
  const poll = () => {
    const h1 = document.querySelector('h1');
    if (h1 && h1.getBoundingClientRect().height > 0) { mark('text'); return; }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();
"""
#: The standalone page's post_script: runs once Plotly.newPlot has resolved.
DRAWN = "window.__bench && (window.__bench.drawn = performance.now());"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A text-only load closes its page while plotly.min.js may still be on its way.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free port of 127.0.0.1; yields the base address (ending in '/')."""
    handler = functools.partial(_Quiet, directory=str(root))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def standalone_html(figure_json: Path, plotly_url: str, width: int, height: int) -> str:
    """plotly's own standalone page of the figure a site page draws first, loading plotly.js from
    ``plotly_url``: ``figure.json``'s view as plain Plotly traces, with its layout."""
    import plotly.io

    from generator.render import figures

    figure = figures.plotly_figure({"figure.json": json.loads(figure_json.read_text("utf-8"))})
    return str(
        plotly.io.to_html(
            figure,
            include_plotlyjs=plotly_url,
            full_html=True,
            div_id="figure",
            default_width=f"{width}px",
            default_height=f"{height}px",
            config={"responsive": True, "displaylogo": False},
            post_script=DRAWN,
        )
    )


@dataclass
class Timings:
    """Milliseconds per page kind, one value per load."""

    text: dict[str, list[float]] = field(default_factory=dict)
    fcp: dict[str, list[float]] = field(default_factory=dict)
    drawn: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, found: dict[str, float]) -> None:
        for name in ("text", "fcp", "drawn"):
            if name in found:
                getattr(self, name).setdefault(kind, []).append(found[name])

    def median(self, name: str, kind: str) -> float:
        return statistics.median(getattr(self, name)[kind])


def load(browser: Any, url: str, *, figure: bool, text: bool) -> dict[str, float]:
    """Load ``url`` in a fresh context; the probe's times (and first contentful paint)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        if text:
            page.wait_for_function(
                "() => window.__bench.text !== undefined && "
                "performance.getEntriesByName('first-contentful-paint').length > 0",
                timeout=TIMEOUT_MS,
            )
        if figure:
            page.wait_for_function(
                "() => window.__bench.drawn !== undefined || "
                "['failed', 'no-webgl'].includes(window.__bench.state)",
                timeout=TIMEOUT_MS,
            )
        found: dict[str, Any] = page.evaluate(
            """() => ({...window.__bench,
                fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime})"""
        )
        if errors or (figure and "drawn" not in found):
            raise RuntimeError(f"{url}: not drawn ({found.get('state')}) {errors}")
        times = {k: float(v) for k, v in found.items() if isinstance(v, int | float)}
        if "text" in times and "fcp" in times:
            # Laid out is not yet painted: the text is visible at the first paint after both.
            times["text"] = max(times["text"], times["fcp"])
        return times
    finally:
        context.close()


def plot_size(browser: Any, url: str) -> tuple[int, int]:
    """The pixel size of the site's figure on ``url`` (the standalone page is drawn alike)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
        box = page.locator(".arch-figure__plot").first.bounding_box()
        assert box is not None, url
        return round(box["width"]), round(box["height"])
    finally:
        context.close()


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium, headless, with software WebGL (SwiftShader)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def measure(
    browser: Any,
    urls: dict[str, str],
    rounds: int,
    text_rounds: int = 0,
    settle: float = SETTLE_S,
) -> Timings:
    """``rounds`` loads of each page in ``urls`` (keys ``site``, ``plain``, ``standalone``).

    One warm-up round (not counted) first; then the order rotates from round to round so that no
    page always goes first. Between loads, ``settle`` seconds let the browser finish tearing down
    the last page (a closed WebGL page keeps the GPU process busy for a moment).

    First paints vary by a few hundred milliseconds from load to load, so ``text_rounds`` more
    loads of the two pages with text (``site`` and ``plain``) add text times only: each ends once
    the text is painted, without waiting for the figure.
    """
    timings = Timings()
    kinds = list(urls)
    for round_ in range(rounds + 1):
        order = kinds[round_ % len(kinds) :] + kinds[: round_ % len(kinds)]
        for kind in order:
            time.sleep(settle)
            found = load(browser, urls[kind], figure=kind != "plain", text=kind != "standalone")
            if round_:
                timings.add(kind, found)
    texts = [kind for kind in kinds if kind != "standalone"]
    for round_ in range(text_rounds):
        for kind in texts if round_ % 2 == 0 else texts[::-1]:
            time.sleep(settle)
            found = load(browser, urls[kind], figure=False, text=True)
            timings.add(kind, {name: found[name] for name in ("text", "fcp") if name in found})
    return timings
