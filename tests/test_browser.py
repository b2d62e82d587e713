"""The built site in a real browser: Debian's chromium driven by Playwright, served on 127.0.0.1.

Software WebGL (SwiftShader) draws Plotly's 3D views on a machine with no GPU; it is slow on two
cores, so the tests wait on events the site script sets (``data-state``, ``data-hovered``), never
on sleeps.
"""

from __future__ import annotations

import functools
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SHIPPED, build
from tests.requirements import require, require_program

CHROMIUM = require_program("chromium", "apt-get install chromium (Debian's package)")
sync_api = require("playwright.sync_api", "pip install playwright (no browser download needed)")
Image = require("PIL.Image", "pip install pillow")

FLAGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DRAW_TIMEOUT = 90_000


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built for, and served at, a free port on 127.0.0.1.

    Material's instant navigation only takes over links under ``site_url``, so the site is built
    with ``SITE_URL`` set to the address it is served from, as the publishing workflow does.
    """
    site = tmp_path_factory.mktemp("served-site")
    root = Path(site)
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    address = f"http://127.0.0.1:{httpd.server_address[1]}/"
    result = build(ROOT, root, env={"SITE_URL": address})
    assert result.returncode == 0, result.stderr
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield address
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
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


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Watched(context.new_page())
    context.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nbrowser screenshots: {folder}")
    return folder


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


def coloured_pixels(png: bytes) -> int:
    """Pixels that are clearly coloured (not white, grey or black): the drawn boxes."""
    raw = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 40)


def test_the_paper_network_is_drawn_in_3d(watched: Watched, server: str, artifacts: Path) -> None:
    page = watched.page
    page.goto(server + "architectures/alexnet-2012/")
    # The tables are there before plotly.js: text first, the figure when it is near.
    assert page.locator("table").count() >= 3
    wait_drawn(page)
    shot = page.locator(".arch-figure__plot").screenshot()
    (artifacts / "alexnet-2012-figure.png").write_bytes(shot)
    assert coloured_pixels(shot) > 5_000
    assert page.locator(".arch-figure canvas").count() >= 1
    watched.clean()


def test_hovering_a_block_names_its_layer(
    watched: Watched, server: str, analyses: dict[str, Any]
) -> None:
    page = watched.page
    page.goto(server + "architectures/alexnet-2012/")
    wait_drawn(page)
    plot = page.locator(".arch-figure__plot").bounding_box()
    names = {r.name for r in analyses["alexnet-2012"].layers} | {"input"}
    hovered = None
    # Sweep the figure until a box is under the pointer; boxes fill much of it, so this is quick.
    for fy in (0.45, 0.55, 0.35, 0.65, 0.25, 0.75):
        for fx in (0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85):
            page.mouse.move(plot["x"] + plot["width"] * fx, plot["y"] + plot["height"] * fy)
            hovered = page.locator(".arch-figure").get_attribute("data-hovered")
            if hovered:
                break
            page.wait_for_timeout(150)
            hovered = page.locator(".arch-figure").get_attribute("data-hovered")
            if hovered:
                break
        if hovered:
            break
    assert hovered in names
    label = page.locator(".hovertext").first.text_content(timeout=10_000) or ""
    assert hovered in label
    watched.clean()


def test_instant_navigation_draws_the_next_figure_and_back(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + "architectures/alexnet-2012/")
    wait_drawn(page)
    page.evaluate("window.__sameDocument = true")
    page.locator('nav a[href$="torchvision-alexnet/"]').first.click()
    page.wait_for_url("**/torchvision-alexnet/")
    wait_drawn(page, "#figure-torchvision-alexnet")
    # Material's instant navigation swapped the page without reloading it.
    assert page.evaluate("window.__sameDocument === true")
    page.go_back()
    page.wait_for_url("**/alexnet-2012/")
    wait_drawn(page, "#figure-alexnet-2012")
    page.go_forward()
    page.wait_for_url("**/torchvision-alexnet/")
    wait_drawn(page, "#figure-torchvision-alexnet")
    watched.clean()


def test_the_figure_follows_the_dark_palette(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + "architectures/torchvision-alexnet/")
    wait_drawn(page)
    before = page.evaluate("document.querySelector('.arch-figure__plot')._fullLayout.font.color")
    page.locator("label[title='Switch to dark mode']").first.click()
    page.wait_for_function(
        "() => document.querySelector('.arch-figure__plot')._fullLayout.font.color !== "
        + repr(before)
    )
    after = page.evaluate("document.querySelector('.arch-figure__plot')._fullLayout.font.color")
    fg = page.evaluate(
        "getComputedStyle(document.body).getPropertyValue('--md-default-fg-color').trim()"
    )
    assert (after != before and after.replace(" ", "") == fg.replace(" ", "")) or after.startswith(
        "rgba"
    )
    watched.clean()


def test_the_comparison_chart_draws(watched: Watched, server: str) -> None:
    page = watched.page
    page.goto(server + "compare/")
    wait_drawn(page)
    assert (
        page.locator(".arch-figure .bars").count() >= 1
        or page.locator(".arch-figure .point").count() > 0
    )
    watched.clean()


def test_without_webgl_the_page_says_so_and_keeps_its_tables(browser: Any, server: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("HTMLCanvasElement.prototype.getContext = function () { return null; };")
    page.goto(server + "architectures/alexnet-2012/")
    page.locator(".arch-figure").scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.arch-figure').dataset.state === 'no-webgl'")
    assert "no WebGL" in page.locator(".arch-figure__status").inner_text()
    assert page.locator("table").count() >= 3
    context.close()


@pytest.mark.parametrize("name", SHIPPED)
def test_screenshot_of_every_architecture_page(
    watched: Watched, server: str, artifacts: Path, name: str
) -> None:
    page = watched.page
    page.goto(server + f"architectures/{name}/")
    wait_drawn(page)
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    watched.clean()
