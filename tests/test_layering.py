"""The pipeline's folders are its stages, and each stage imports only the stages before it.

The contract is in ``pyproject.toml`` (``[tool.importlinter]``): edges → render → analysis → load
→ core → spec. import-linter reads the imports of the whole package, including those inside
functions, so a renderer that quietly calls the loader, or a core module that reaches for the
pages, fails here with the offending line named.
"""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def test_each_stage_imports_only_the_stages_before_it() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout, result.stdout
