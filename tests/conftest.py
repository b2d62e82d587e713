"""Shared fixtures: the shipped specs analysed once, the site built once, a way to write specs for
error tests, the ``--update-goldens`` option, and Hypothesis's profiles.

Plain functions and constants (paths, the minimal spec, running the CLI and MkDocs) are in
``tests/helpers.py``; import them from there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from generator.core.results import Analysis
from generator.load import loader
from tests import helpers
from tests.helpers import ROOT, SPECS, build
from tests.requirements import in_ci

#: Hypothesis's profiles. "ci" is Hypothesis's own (derandomized, no deadline, no example
#: database) with its default 100 examples, what every property test ran before the quick loop;
#: "quick" runs a tenth of that, for ``pytest -m "not slow"`` while editing. A test that asks for
#: more examples than the default asks for a multiple of ``settings.default.max_examples``, so
#: that it scales with the profile. ``HYPOTHESIS_PROFILE`` picks one (also "default": Hypothesis's
#: randomized 100 examples with a deadline); otherwise CI (``CI=true``) runs "ci", and anyone else
#: "quick". ``pytest --hypothesis-profile=NAME`` overrides both.
settings.register_profile("ci", settings.get_profile("ci"), max_examples=100)
settings.register_profile("quick", max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if in_ci() else "quick"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/goldens/ from the generator's current output",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``pytest -n``, the modules that hold slow tests first, each module's tests together.

    xdist hands whole modules to its workers in this order (``--dist loadfile``): the longest ones
    started first, the quick ones fill the gaps at the end, instead of one long browser module
    running alone after everything else. A run without xdist keeps the usual order.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when run as ``pytest --update-goldens``: golden files are rewritten, not compared."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built once per test run."""
    out = tmp_path_factory.mktemp("site")
    result = build(ROOT, out)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out


@pytest.fixture(scope="session")
def analyses() -> dict[str, Analysis]:
    return {a.name: a for a in loader.load_folder(SPECS)}


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """:func:`tests.helpers.write_spec` into this test's own folder."""

    def write(layers: str = "", *, text: str | None = None, name: str = "tiny") -> Path:
        return helpers.write_spec(tmp_path, layers, text=text, name=name)

    return write


# --- The browser tests' fixtures ---------------------------------------------------------------
# Here, not in tests/browser_support.py, so that there is one of each per test process: a
# session fixture imported into several modules is a fixture per module, and a second Playwright
# cannot start while the first runs. browser_support is imported inside them because importing it
# skips (or, under CI, fails) when chromium or Playwright is missing, which only the browser
# tests need.


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, driven by Playwright; each test opens its own context."""
    from tests import browser_support

    yield from browser_support.launch()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project's site, built for and served at a free port on 127.0.0.1."""
    from tests import browser_support

    yield from browser_support.serve_project_site(tmp_path_factory)


@pytest.fixture(scope="session")
def artifacts() -> Path | None:
    """The folder in ``SCREENSHOTS``, where browser tests keep screenshots, or ``None``."""
    from tests import browser_support

    return browser_support.screenshot_folder()


@pytest.fixture
def watched(browser: Any) -> Iterator[Any]:
    """A page at 1280 × 900 that records console errors and requests leaving 127.0.0.1."""
    from tests import browser_support

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield browser_support.Watched(context.new_page())
    context.close()
