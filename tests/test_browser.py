"""The built site in a real browser: the 3D views draw, hover, survive instant navigation."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import Watched, wait_drawn
from tests.requirements import require

# Chromium on a built site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

Image = require("PIL.Image", "pip install pillow")


def coloured_pixels(png: bytes) -> int:
    """Pixels that are clearly coloured (not white, grey or black): the drawn boxes."""
    raw = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 40)


def test_the_paper_network_is_drawn_in_3d(
    watched: Watched, server: str, artifacts: Path | None
) -> None:
    page = watched.page
    page.goto(server + "architectures/alexnet-2012/")
    # The tables are there before plotly.js: text first, the figure when it is near.
    assert page.locator("table").count() >= 3
    wait_drawn(page)
    shot = page.locator(".arch-figure__plot").screenshot()
    if artifacts is not None:
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
