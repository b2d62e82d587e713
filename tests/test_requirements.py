"""The optional-dependency helper: a skip with a how-to locally, a failure under CI."""

from __future__ import annotations

import json

import pytest

from tests.requirements import require, require_program

MISSING = "no_such_module_for_these_tests"


def test_an_available_module_is_returned() -> None:
    assert require("json", "it is in the standard library") is json


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_a_missing_module_skips_with_how_to_install_it(
    ci: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match=r"pip install torch==2\.13\.0 to run"):
        require(MISSING, "pip install torch==2.13.0")


@pytest.mark.parametrize("ci", ["true", "TRUE", "1"])
def test_a_missing_module_fails_under_ci(ci: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require(MISSING, "pip install torch==2.13.0")


def test_a_missing_program_skips_locally_and_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install"):
        require_program(MISSING, "apt-get install it")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install"):
        require_program(MISSING, "apt-get install it")
