"""The layer-kind registry: every kind has one home, and nothing else dispatches on a kind's name.

:mod:`generator.core.kinds` holds, per kind, what the engine, the PyTorch script, the tables and
the hypothesis finder ask of it. These tests hold the registry and the spec format to each other,
and keep kind names out of the rest of the package, so a new kind stays one entry.
"""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

from generator.core.kinds import ENTRIES, KINDS, kind_of
from generator.spec.models import LAYER_MODELS, LayerBase
from tests.helpers import ROOT, problems, write_spec

PACKAGE = ROOT / "generator"
#: Where kinds are allowed to be named: their own modules, and the spec format that declares them.
HOMES = (PACKAGE / "core" / "kinds", PACKAGE / "spec")


def _kind_values(model: type[LayerBase]) -> set[str]:
    """The values of a model's ``kind`` field: ``Literal["max_pool", "avg_pool"]`` gives both."""
    return set(typing.get_args(model.model_fields["kind"].annotation))


def test_every_spec_model_has_one_entry_and_every_entry_a_model() -> None:
    assert [entry.model for entry in ENTRIES] != []
    assert sorted(e.model.__name__ for e in ENTRIES) == sorted(m.__name__ for m in LAYER_MODELS)


@pytest.mark.parametrize("model", LAYER_MODELS, ids=lambda m: m.__name__)
def test_each_kind_a_spec_can_write_is_a_registry_key(model: type[LayerBase]) -> None:
    for value in _kind_values(model):
        assert KINDS[value].model is model


def test_the_registry_knows_no_kind_the_format_does_not() -> None:
    declared = {value for model in LAYER_MODELS for value in _kind_values(model)}
    assert set(KINDS) == declared


def test_a_kind_that_slides_a_window_says_how_it_crosses_its_input() -> None:
    """Conv and pooling layers have axes; a kind with axes is one the finder may re-pad."""
    assert {name for name, kind in KINDS.items() if kind.windowed} == {
        "conv",
        "max_pool",
        "avg_pool",
    }


def _kind_names_in(node: ast.AST) -> list[str]:
    return [
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in KINDS
    ]


def _dispatch_on_kind_names(path: Path, root: Path = ROOT) -> list[str]:
    """``x.kind == "conv"``, ``kind in ("lrn", "dropout")``, ``{"conv": ...}``: where a file
    decides something by a kind's name instead of asking the registry."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(root)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and _kind_names_in(node):
            found.append(f"{where}:{node.lineno}: compares with a kind name")
        collection = isinstance(node, ast.Set | ast.Tuple | ast.List | ast.Dict)
        if collection and len(_kind_names_in(node)) > 1:
            found.append(f"{where}:{node.lineno}: a set of kind names")
    return found


def test_no_module_outside_the_registry_dispatches_on_a_kinds_name() -> None:
    modules = [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not any(path.is_relative_to(home) for home in HOMES)
    ]
    assert len(modules) > 10
    found = [line for path in modules for line in _dispatch_on_kind_names(path)]
    assert found == []


def test_the_dispatch_check_sees_a_kind_chain(tmp_path: Path) -> None:
    """The check above can fail: a ``kind ==`` chain of the kind the registry replaced is caught."""
    module = tmp_path / "chain.py"
    module.write_text(
        'def f(layer):\n    if layer.kind == "conv":\n        return 1\n'
        'PASS = frozenset({"relu", "dropout"})\n'
    )
    assert _dispatch_on_kind_names(module, tmp_path) == [
        "chain.py:2: compares with a kind name",
        "chain.py:4: a set of kind names",
    ]


def test_an_unknown_kind_is_a_located_error(tmp_path: Path) -> None:
    path = write_spec(tmp_path, "- {name: conv1, kind: convolution, out_channels: 4, kernel: 3}\n")
    (line,) = problems(path)
    assert line.startswith(f"{path}:7: layer 'conv1': field 'kind': unknown layer kind")
    assert "'conv'" in line  # the kinds it could have meant are listed


def test_every_shipped_layer_finds_its_kind(analyses: dict[str, typing.Any]) -> None:
    for analysis in analyses.values():
        for result in analysis.layers:
            assert result.kind in kind_of(result.layer).names
