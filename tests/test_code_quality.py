"""ruff and mypy over the code, so the one test command also keeps the code clean."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.helpers import ROOT


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "generator", "tests"],
        ["ruff", "format", "--check", "generator", "tests"],
        # Several seconds: the full suite's, not the quick loop's (see pyproject.toml).
        pytest.param([sys.executable, "-m", "mypy"], marks=pytest.mark.slow),
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_clean(command: list[str]) -> None:
    if command[0] == "ruff" and shutil.which("ruff") is None:
        command = [sys.executable, "-m", *command]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
