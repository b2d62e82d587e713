"""Optional test dependencies: skip with a how-to locally, fail under CI so nothing is silently lost.

A contributor without torch (or chromium) still gets a green run of everything else, with a skip
message saying what to install. CI (``CI=true``, as GitHub Actions and ``.ci/run`` set it) installs
everything, so there a missing dependency is a broken environment and must fail the run.

Use at module level, before the tests that need the dependency::

    torch = require("torch", "pip install torch==2.13.0")
    CHROMIUM = require_program("chromium", "apt-get install chromium")
"""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """Whether this run is CI's: ``CI`` set to ``true`` (any case) or ``1``."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def missing(what: str, how_to_install: str) -> NoReturn:
    """Skip (locally) or fail (under CI) because ``what`` is not available; never returns."""
    message = f"{what} is not available: {how_to_install} to run these tests"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing dependency fails the run)", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def require(module: str, how_to_install: str) -> ModuleType:
    """Import ``module``, or skip/fail with ``how_to_install`` (e.g. ``pip install torch==2.13.0``)."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        reason = str(error)
    # Outside the except block, so that the report is not chained to the ImportError.
    missing(f"Python module {module!r} ({reason})", how_to_install)


def require_program(name: str, how_to_install: str) -> str:
    """The path of executable ``name`` on ``PATH``, or skip/fail with ``how_to_install``."""
    path = shutil.which(name)
    if path is None:
        missing(f"program {name!r}", how_to_install)
    return path
