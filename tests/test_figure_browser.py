"""The 3D views as a browser draws them: framed, labelled without overlaps, branches visible.

Positions on the screen come from Plotly's own camera (the model, view and projection matrices of
the drawn scene), not from the site script's arithmetic: at 1280 and at 390 pixels, every box of
the longest shipped network, its first and its last among them, lies inside the figure, in every
view; the labels shown do not overlap and their ink stays where they were placed. A residual block
(ResNet-18) and an inception module (GoogLeNet) are drawn as branches, and a 150-layer network
opens collapsed and expands on a click. Screenshots go to the folder the run prints: look at them.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.core.results import Analysis
from generator.render import figures
from tests.browser_support import DRAW_TIMEOUT, Watched, serve_built, wait_drawn
from tests.helpers import SHIPPED, copy_project
from tests.requirements import require
from tests.test_figure_layout import write_resnet50

# Chromium on a built site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

Image = require("PIL.Image", "pip install pillow")

WIDTHS = (1280, 390)

#: Every drawn box's corners and the labels shown, as Plotly's camera puts them on the screen
#: (page pixels), with the plot's and the viewport's rectangles.
PROJECTED = """
() => {
  const figure = document.querySelector('.arch-figure');
  const plot = figure.querySelector('.arch-figure__plot');
  const scene = plot._fullLayout.scene._scene;
  const camera = scene.glplot.cameraParams;
  const box = scene.container.getBoundingClientRect();
  const scale = scene.dataScale;
  const times = (m, v) => [0, 1, 2, 3].map(
    (r) => m[r] * v[0] + m[4 + r] * v[1] + m[8 + r] * v[2] + m[12 + r] * v[3]);
  const project = (x, y, z) => {
    let v = [x * scale[0], y * scale[1], z * scale[2], 1];
    v = times(camera.projection, times(camera.view, times(camera.model, v)));
    return [box.left + (0.5 + 0.5 * v[0] / v[3]) * box.width,
            box.top + (0.5 - 0.5 * v[1] / v[3]) * box.height];
  };
  const boxes = [], labels = [];
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = '11px "Open Sans", verdana, arial, sans-serif';
  plot.data.forEach((trace) => {
    if (trace.visible === false) return;
    if (trace.type === 'mesh3d') {
      boxes.push({name: trace.name, corners: trace.x.map((x, k) => project(x, trace.y[k], trace.z[k]))});
    } else if (trace.mode === 'text') {
      trace.text.forEach((text, k) => {
        if (!text) return;
        const lines = text.split('<br>');
        const width = Math.max(...lines.map((line) => measure.measureText(line).width));
        labels.push({text, anchor: project(trace.x[k], trace.y[k], trace.z[k]), width, lines: lines.length});
      });
    }
  });
  const rect = plot.getBoundingClientRect();
  return {
    boxes, labels, view: figure.dataset.view,
    plot: {left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom},
    viewport: window.innerWidth,
  };
}
"""


def longest(analyses: dict[str, Analysis], by: str = "columns") -> str:
    """The shipped network with the most columns in its view of every layer (the longest as
    drawn), or with the most layers."""

    def length(name: str) -> tuple[int, int]:
        columns, layers = figures.views(analyses[name])[0].columns, len(analyses[name].layers)
        return (columns, layers) if by == "columns" else (layers, columns)

    return max(SHIPPED, key=length)


def output_box(analysis: Analysis, label: str) -> str:
    """The name of the last box (the network's output) in one of a network's views."""
    found = next(v for v in figures.views(analysis) if v.label == label)
    return found.graph.nodes[found.graph.sink].name


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request: pytest.FixtureRequest) -> int:
    """A phone's 390 pixels, a laptop's 1280."""
    found: int = request.param
    return found


@pytest.fixture
def sized(browser: Any, width: int) -> Iterator[Watched]:
    """A page in a window ``width`` pixels wide."""
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844})
    yield Watched(context.new_page())
    context.close()


def frames(page: Any) -> int:
    return int(page.locator(".arch-figure").get_attribute("data-frames") or 0)


def choose(page: Any, label: str) -> None:
    """Press one of the figure's controls and wait until the figure is drawn again."""
    before = frames(page)
    page.locator(".arch-figure__button", has_text=label).first.click()
    page.wait_for_function(
        f"() => Number(document.querySelector('.arch-figure').dataset.frames) > {before}",
        timeout=DRAW_TIMEOUT,
    )
    page.wait_for_timeout(300)


def projected(page: Any) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(PROJECTED)
    return found


def assert_framed(found: dict[str, Any], first: str, last: str) -> None:
    """Every box inside the plot, which is inside the window; the first and last among them."""
    plot = found["plot"]
    assert plot["left"] >= 0 and plot["right"] <= found["viewport"] + 0.5, plot
    names = [b["name"] for b in found["boxes"]]
    assert first in names and last in names, (first, last, names[:3], names[-3:])
    for box in found["boxes"]:
        for x, y in box["corners"]:
            inside = plot["left"] - 0.5 <= x <= plot["right"] + 0.5 and (
                plot["top"] - 0.5 <= y <= plot["bottom"] + 0.5
            )
            assert inside, f"{found['view']}: {box['name']} at ({x:.0f}, {y:.0f}) outside {plot}"


def label_rects(found: dict[str, Any]) -> list[tuple[float, float, float, float]]:
    """Where each shown label's text is: centred over its anchor, its last line's foot 8 pixels
    above it, 13 pixels a line (what ``figures.js`` assumes; the ink test checks it)."""
    rects = []
    for label in found["labels"]:
        x, y = label["anchor"]
        bottom = y - 8
        rects.append(
            (x - label["width"] / 2, bottom - 13 * label["lines"], x + label["width"] / 2, bottom)
        )
    return rects


def assert_labels_apart(found: dict[str, Any]) -> None:
    rects = label_rects(found)
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            apart = a[2] <= b[0] + 1 or b[2] <= a[0] + 1 or a[3] <= b[1] + 1 or b[3] <= a[1] + 1
            assert apart, f"{found['view']}: labels overlap: {a} {b}"


def shot(page: Any, artifacts: Path | None | None, name: str) -> None:
    """Keeps a screenshot of the figure as ``name``, when screenshots are kept."""
    if artifacts is not None:
        page.locator(".arch-figure").screenshot(path=str(artifacts / name))


def open_figure(page: Any, url: str) -> None:
    page.goto(url)
    wait_drawn(page)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("by", ["columns", "layers"])
def test_the_longest_network_is_in_view_in_every_view_and_camera(
    sized: Watched,
    width: int,
    server: str,
    artifacts: Path | None,
    analyses: dict[str, Analysis],
    by: str,
) -> None:
    page = sized.page
    name = longest(analyses, by)
    open_figure(page, server + f"architectures/{name}/")
    labels = [v.label for v in figures.views(analyses[name])]
    for label in labels:
        if page.locator(".arch-figure").get_attribute("data-view") != label:
            choose(page, label)
        found = projected(page)
        assert found["view"] == label
        assert_framed(found, "input", output_box(analyses[name], label))
        assert_labels_apart(found)
        shot(page, artifacts, f"{name}-{width}-{label.replace(' ', '-').lower()}.png")
    for control in ("Side", "Top", "proportional", "3D"):
        choose(page, control)
        found = projected(page)
        assert_framed(found, "input", output_box(analyses[name], labels[-1]))
        assert_labels_apart(found)
    sized.clean()


def test_the_first_and_last_layer_answer_to_the_pointer(
    sized: Watched, server: str, analyses: dict[str, Analysis]
) -> None:
    """Drawn, not just placed: hovering each one's centre names it."""
    page = sized.page
    name = longest(analyses)
    open_figure(page, server + f"architectures/{name}/")
    found = projected(page)
    for wanted in ("input", output_box(analyses[name], found["view"])):
        corners = next(b["corners"] for b in found["boxes"] if b["name"] == wanted)
        x = sum(c[0] for c in corners) / len(corners)
        y = sum(c[1] for c in corners) / len(corners)
        page.mouse.move(x, y)
        page.wait_for_function(
            f"() => document.querySelector('.arch-figure').dataset.hovered === {wanted!r}",
            timeout=20_000,
        )
        page.mouse.move(1, 1)
    sized.clean()


def test_a_narrower_window_frames_the_figure_again(
    watched: Watched, server: str, analyses: dict[str, Analysis]
) -> None:
    page = watched.page
    name = longest(analyses)
    open_figure(page, server + f"architectures/{name}/")
    before = frames(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(
        f"() => Number(document.querySelector('.arch-figure').dataset.frames) > {before}",
        timeout=DRAW_TIMEOUT,
    )
    page.wait_for_timeout(300)
    found = projected(page)
    assert found["plot"]["right"] <= 390
    assert_framed(found, "input", output_box(analyses[name], found["view"]))
    assert_labels_apart(found)
    watched.clean()


def test_labels_are_drawn_where_they_were_placed(
    watched: Watched, server: str, artifacts: Path | None
) -> None:
    """With only the labels shown, all their ink is inside the rectangles the overlap test uses."""
    page = watched.page
    open_figure(page, server + "architectures/googlenet/")
    found = projected(page)
    rects = label_rects(found)
    assert len(rects) >= 5
    page.evaluate(
        """() => {
          const plot = document.querySelector('.arch-figure__plot');
          const visible = plot.data.map((t) => t.visible !== false && t.mode === 'text');
          return window.Plotly.restyle(plot, {visible: visible});
        }"""
    )
    page.wait_for_timeout(1500)
    png = page.locator(".arch-figure__plot").screenshot()
    if artifacts is not None:
        (artifacts / "googlenet-labels-only.png").write_bytes(png)
    plot = found["plot"]
    image = Image.open(io.BytesIO(png)).convert("L")
    pixels = image.load()
    stray = 0
    inked = 0
    for py in range(image.height):
        for px in range(image.width):
            if pixels[px, py] > 140:
                continue
            inked += 1
            x, y = plot["left"] + px + 0.5, plot["top"] + py + 0.5
            if not any(r[0] - 2 <= x <= r[2] + 2 and r[1] - 2 <= y <= r[3] + 2 for r in rects):
                stray += 1
    assert inked > 200
    assert stray <= inked * 0.01, f"{stray} of {inked} dark pixels outside the labels' places"
    watched.clean()


def shortcut_pixels(png: bytes) -> int:
    """Pixels of the shortcuts' violet (#8e5cc2), as drawn over a light page."""
    raw = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    found = 0
    for r, g, b in zip(raw[0::3], raw[1::3], raw[2::3], strict=True):
        if abs(r - 0x8E) < 30 and abs(g - 0x5C) < 30 and abs(b - 0xC2) < 30:
            found += 1
    return found


def test_a_residual_block_is_drawn_as_branches(
    sized: Watched, width: int, server: str, artifacts: Path | None
) -> None:
    page = sized.page
    open_figure(page, server + "architectures/resnet-18/")
    if page.locator(".arch-figure").get_attribute("data-view") != "Every layer":
        choose(page, "Every layer")
    found = projected(page)
    assert_framed(found, "input", "fc1000")
    centre = {
        b["name"]: (
            sum(c[0] for c in b["corners"]) / 8,
            sum(c[1] for c in b["corners"]) / 8,
        )
        for b in found["boxes"]
    }
    # The projection shortcut of res3a is drawn above its main branch, in the same column.
    assert centre["res3a_branch1"][1] < centre["res3a_branch2a"][1] - 3
    assert abs(centre["res3a_branch1"][0] - centre["res3a_branch2a"][0]) < 6
    png = page.locator(".arch-figure").screenshot()
    if artifacts is not None:
        (artifacts / f"resnet-18-{width}-every-layer.png").write_bytes(png)
    # The identity shortcuts' arcs are on the screen.
    assert shortcut_pixels(png) > 150
    sized.clean()


def test_an_inception_module_is_drawn_as_branches(
    sized: Watched, width: int, server: str, artifacts: Path | None
) -> None:
    page = sized.page
    open_figure(page, server + "architectures/googlenet/")
    choose(page, "Every layer")
    found = projected(page)
    assert_framed(found, "input", "loss3.classifier")
    rows = []
    for branch in ("1x1", "3x3_reduce", "5x5_reduce", "pool"):
        corners = next(
            b["corners"] for b in found["boxes"] if b["name"] == f"inception_3a.{branch}"
        )
        # The face towards the reader (plotly_json.py lists its corners 0, 1, 4 and 5).
        front = [corners[i] for i in (0, 1, 4, 5)]
        rows.append((min(c[1] for c in front), max(c[1] for c in front)))
    # Four boxes one above the other on the screen, in the order the spec declares them.
    for upper, lower in itertools.pairwise(rows):
        assert upper[1] <= lower[0] + 1, rows
    shot(page, artifacts, f"googlenet-{width}-every-layer.png")
    sized.clean()


@pytest.fixture(scope="module")
def resnet50_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project's site with a 175-layer ResNet-50 added, served on 127.0.0.1."""
    project = copy_project(tmp_path_factory.mktemp("resnet50-project"))
    write_resnet50(project / "docs" / "architectures")
    with serve_built(project, Path(tmp_path_factory.mktemp("resnet50-site"))) as address:
        yield address


def test_a_150_layer_network_opens_collapsed_and_expands(
    sized: Watched, width: int, resnet50_server: str, artifacts: Path | None
) -> None:
    page = sized.page
    open_figure(page, resnet50_server + "architectures/resnet-50/")
    figure = page.locator(".arch-figure")
    assert figure.get_attribute("data-view") in ("Blocks", "Stages")
    found = projected(page)
    assert_framed(found, "input", "fc1000")
    assert_labels_apart(found)
    assert len(found["labels"]) >= 4
    shot(page, artifacts, f"resnet-50-{width}-{figure.get_attribute('data-view').lower()}.png")
    choose(page, "Every layer")
    found = projected(page)
    assert len(found["boxes"]) > 70
    assert_framed(found, "input", "fc1000")
    assert_labels_apart(found)
    shot(page, artifacts, f"resnet-50-{width}-every-layer.png")
    sized.clean()


# --- What a figure opens on, and its toolbar (issue 22) ----------------------------------------


@pytest.fixture
def laptop(browser: Any) -> Iterator[Watched]:
    """A laptop's 1280 × 800 window, with a mouse."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield Watched(context.new_page())
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Watched]:
    """A phone's 390 × 844 touch screen (no hover)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield Watched(context.new_page())
    context.close()


def branching_view(analysis: Analysis) -> str:
    """The most detailed view that draws a network's branches."""
    return next(v.label for v in figures.views(analysis) if v.branches)


# GoogLeNet's: test_googlenet_opens_with_its_inception_branches_drawn.
@pytest.mark.parametrize("name", ["squeezenet-1.0", "resnet-18", "resnet-34"])
def test_a_branching_network_opens_with_its_branches_on_a_laptop(
    laptop: Watched, server: str, artifacts: Path | None, analyses: dict[str, Analysis], name: str
) -> None:
    """What the caption promises ("its branches side by side"), without a click."""
    page = laptop.page
    open_figure(page, server + f"architectures/{name}/")
    found = projected(page)
    assert found["view"] == branching_view(analyses[name])
    assert_framed(found, "input", output_box(analyses[name], found["view"]))
    assert_labels_apart(found)
    shot(page, artifacts, f"{name}-1280-opens.png")
    laptop.clean()


def test_googlenet_opens_with_its_inception_branches_drawn(
    laptop: Watched, server: str, artifacts: Path | None, analyses: dict[str, Analysis]
) -> None:
    """At 1280 × 800, inception_3a's four branches are on the screen, one above the other, as
    the caption promises (test_a_branching_network_opens_with_its_branches_on_a_laptop)."""
    page = laptop.page
    open_figure(page, server + "architectures/googlenet/")
    found = projected(page)
    assert found["view"] == "Every layer" == branching_view(analyses["googlenet"])
    assert_framed(found, "input", output_box(analyses["googlenet"], found["view"]))
    assert_labels_apart(found)
    shot(page, artifacts, "googlenet-1280-opens.png")
    names = {b["name"] for b in found["boxes"]}
    for module in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"):
        for branch in ("1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool_proj"):
            assert f"inception_{module}.{branch}" in names
    tops = []
    for branch in ("1x1", "3x3_reduce", "5x5_reduce", "pool"):
        corners = next(
            b["corners"] for b in found["boxes"] if b["name"] == f"inception_3a.{branch}"
        )
        front = [corners[i] for i in (0, 1, 4, 5)]
        tops.append((min(c[1] for c in front), max(c[1] for c in front)))
    for upper, lower in itertools.pairwise(tops):
        assert upper[1] <= lower[0] + 1, tops
    laptop.clean()


def shown_labels(page: Any) -> list[str]:
    return [label["text"] for label in projected(page)["labels"]]


def test_conv1_is_labelled_on_a_phone(phone: Watched, server: str, artifacts: Path | None) -> None:
    """AlexNet's view at 390 pixels: conv1 (and the input, and the output) labelled, in every
    camera, apart from the other labels and inside the figure."""
    page = phone.page
    open_figure(page, server + "architectures/alexnet-2012/")
    for camera in ("3D", "Side", "Top"):
        if camera != "3D":
            choose(page, camera)
        found = projected(page)
        texts = [label["text"].split("<br>")[0] for label in found["labels"]]
        assert {"input", "conv1", "fc8"} <= set(texts), (camera, texts)
        assert_labels_apart(found)
        plot = found["plot"]
        for left, top, right, bottom in label_rects(found):
            assert plot["left"] - 1 <= left and right <= plot["right"] + 1, (camera, left, right)
            assert plot["top"] - 1 <= top and bottom <= plot["bottom"] + 1, (camera, top, bottom)
        shot(page, artifacts, f"alexnet-2012-390-{camera.lower()}.png")
    phone.clean()


def ink_width(image: Any, box: tuple[float, float, float, float]) -> int:
    """How wide the dark pixels within ``box`` (left, top, right, bottom: image pixels, with 2
    to spare) of a greyscale ``image`` spread."""
    pixels = image.load()
    left, top = max(0, int(box[0]) - 2), max(0, int(box[1]) - 2)
    right, bottom = min(image.width, int(box[2]) + 2), min(image.height, int(box[3]) + 2)
    inked = [x for x in range(left, right) for y in range(top, bottom) if pixels[x, y] < 140]
    return max(inked) - min(inked) if inked else 0


def test_labels_are_full_size_after_a_change_of_camera(
    phone: Watched, server: str, artifacts: Path | None
) -> None:
    """A label first shown after the camera changed is drawn as large as the first ones: its ink
    spans most of the width its 11-pixel text takes (Plotly would draw a new text at half size
    in an updated trace)."""
    page = phone.page
    open_figure(page, server + "architectures/alexnet-2012/")
    choose(page, "Side")
    found = projected(page)
    rects = label_rects(found)
    page.evaluate(
        """() => {
          const plot = document.querySelector('.arch-figure__plot');
          const visible = plot.data.map((t) => t.visible !== false && t.mode === 'text');
          return window.Plotly.restyle(plot, {visible: visible});
        }"""
    )
    page.wait_for_timeout(1500)
    png = page.locator(".arch-figure__plot").screenshot()
    if artifacts is not None:
        (artifacts / "alexnet-2012-390-side-labels-only.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("L")
    plot = found["plot"]
    for label, (left, top, right, bottom) in zip(found["labels"], rects, strict=True):
        box = (left - plot["left"], top - plot["top"], right - plot["left"], bottom - plot["top"])
        inked = ink_width(image, box)
        assert inked >= 0.6 * label["width"], f"{label['text']}: {inked} of {label['width']:.0f} px"
    phone.clean()


#: The figure's toolbar: its buttons, any link in the figure, Plotly's settings that could send
#: the figure elsewhere, and where the toolbar ends against where the plotting area starts.
TOOLBAR = """
(selector) => {
  const figure = document.querySelector(selector);
  const plot = figure.querySelector('.arch-figure__plot');
  const bar = plot.querySelector('.modebar');
  const shown = !!bar && getComputedStyle(bar).display !== 'none' && bar.getBoundingClientRect().height > 0;
  const buttons = [...plot.querySelectorAll('.modebar-btn')].map((b) => {
    const r = b.getBoundingClientRect();
    return {title: b.getAttribute('data-title'), width: r.width, height: r.height};
  });
  const links = [...figure.querySelectorAll('a[href]')].map((a) => a.href);
  const context = plot._context;
  return {
    shown, buttons, links, origin: location.origin,
    bottom: bar ? bar.getBoundingClientRect().bottom : null,
    // The plotting area's top: the scene, or the chart's panels, start under the top margin.
    top: plot.getBoundingClientRect().top + plot._fullLayout._size.t,
    settings: {cloud: context.showSendToCloud, server: context.plotlyServerURL,
               logo: context.displaylogo},
  };
}
"""
#: Every button a toolbar may have: none uploads, shares or links anywhere.
TOOLBAR_BUTTONS = {"Download plot as a PNG", "Pan", "Turntable rotation", "Reset the view"}


def toolbar(page: Any, selector: str) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(TOOLBAR, selector)
    return found


def assert_stays_on_site(found: dict[str, Any]) -> None:
    titles = {b["title"] for b in found["buttons"]}
    assert titles <= TOOLBAR_BUTTONS, titles
    assert all(link.startswith(found["origin"]) for link in found["links"]), found["links"]
    # Nowhere to send it to: no cloud button, no server, no logo linking to Plotly's site.
    assert found["settings"] == {"cloud": False, "server": "", "logo": False}


@pytest.mark.parametrize("where", ["architectures/alexnet-2012/", "compare/"])
def test_no_toolbar_button_leads_off_the_site(
    laptop: Watched, server: str, artifacts: Path | None, where: str
) -> None:
    """With a mouse, the toolbar shows on hover, above the plotting area (it covers no label),
    and none of its buttons uploads, shares or links anywhere."""
    page = laptop.page
    page.goto(server + where)
    selector = ".arch-figure"
    wait_drawn(page, selector)
    page.wait_for_timeout(300)
    page.locator(f"{selector} .arch-figure__plot").hover()
    page.wait_for_timeout(600)
    found = toolbar(page, selector)
    assert found["shown"] and found["buttons"], found
    assert_stays_on_site(found)
    assert found["bottom"] <= found["top"] + 1, (found["bottom"], found["top"])
    if artifacts is not None:
        page.locator(selector).screenshot(
            path=str(artifacts / f"toolbar-{where.split('/')[-2]}-1280.png")
        )
    laptop.clean()


@pytest.mark.parametrize("where", ["architectures/alexnet-2012/", "compare/"])
def test_no_toolbar_on_a_touch_screen_unless_asked_for(
    phone: Watched, server: str, artifacts: Path | None, where: str
) -> None:
    """On a phone the toolbar is not there; a 3D view's "Toolbar" button brings it, with buttons
    a finger can hit, in a band over the plot."""
    page = phone.page
    page.goto(server + where)
    wait_drawn(page)
    page.wait_for_timeout(300)
    found = toolbar(page, ".arch-figure")
    assert not found["shown"] and not found["buttons"], found
    assert found["settings"]["cloud"] is False
    ask = page.locator(".arch-figure__button--toolbar")
    if "architectures" not in where:
        assert ask.count() == 0
        phone.clean()
        return
    before = frames(page)
    ask.click()
    page.wait_for_function(
        f"() => Number(document.querySelector('.arch-figure').dataset.frames) > {before}",
        timeout=DRAW_TIMEOUT,
    )
    page.wait_for_timeout(300)
    found = toolbar(page, ".arch-figure")
    assert found["shown"] and found["buttons"], found
    assert_stays_on_site(found)
    assert all(b["height"] >= 40 and b["width"] >= 40 for b in found["buttons"]), found["buttons"]
    assert found["bottom"] <= found["top"] + 1, (found["bottom"], found["top"])
    assert "conv1" in [t.split("<br>")[0] for t in shown_labels(page)]
    shot(page, artifacts, "alexnet-2012-390-toolbar.png")
    phone.clean()
