"""The JSON Schema of a spec file, checked by an independent validator against the loader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from generator.load import loader
from generator.spec import models, schema
from generator.spec.models import Spec
from tests.helpers import ROOT, SHIPPED, SPECS, spec_data
from tests.requirements import require

jsonschema = require("jsonschema", "pip install -e '.[test]'")

COMMITTED = ROOT / schema.SCHEMA_PATH


@pytest.fixture(scope="module")
def spec_schema() -> dict[str, Any]:
    return schema.spec_schema()


@pytest.fixture(scope="module")
def validator(spec_schema: dict[str, Any]) -> Any:
    return jsonschema.Draft202012Validator(spec_schema)


def test_the_committed_schema_is_the_generated_one() -> None:
    assert COMMITTED.is_file(), f"regenerate it: python -m generator schema > {schema.SCHEMA_PATH}"
    assert COMMITTED.read_text(encoding="utf-8") == schema.schema_text(), (
        f"{schema.SCHEMA_PATH} is out of date with generator/spec.py; regenerate it with\n"
        f"    python -m generator schema > {schema.SCHEMA_PATH}"
    )


def test_it_is_a_draft_2020_12_schema_with_an_id_and_a_title(spec_schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(spec_schema)
    assert spec_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert spec_schema["$id"] == schema.SCHEMA_ID
    assert spec_schema["title"]
    assert schema.spec_schema() == spec_schema  # pure: the same every time


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_spec_is_valid(validator: Any, name: str) -> None:
    data = yaml.safe_load((SPECS / f"{name}.yml").read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_spec_names_the_committed_schema_in_its_first_line(name: str) -> None:
    path = SPECS / f"{name}.yml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == schema.EDITOR_LINE
    reference = first.split("$schema=", 1)[1]
    assert (path.parent / reference).resolve() == COMMITTED.resolve()


CONV1: dict[str, Any] = {"name": "conv1", "kind": "conv", "out_channels": 8, "kernel": 3}


def with_layer(**fields: Any) -> dict[str, Any]:
    """The minimal spec with one convolution, given ``fields``."""
    return spec_data({**CONV1, **fields})


def with_fields(**fields: Any) -> dict[str, Any]:
    """The minimal spec with one convolution, and ``fields`` at the top level."""
    return spec_data(CONV1, **fields)


def without(*keys: str, **fields: Any) -> dict[str, Any]:
    return {k: v for k, v in with_fields(**fields).items() if k not in keys}


VALID = {
    "minimal": with_fields(),
    "kernel [h, w]": with_layer(kernel=[5, 3]),
    "stride int": with_layer(stride=2),
    "stride [h, w]": with_layer(stride=[2, 1]),
    "dilation int": with_layer(dilation=2),
    "padding int": with_layer(padding=1),
    "padding [h, w]": with_layer(padding=[1, 2]),
    "padding sides": with_layer(padding={"top": 1, "left": 2}),
    "padding same": with_layer(padding="same"),
    "padding valid": with_layer(padding="valid"),
    "rounding": with_layer(rounding="ceil_unclipped"),
    "a null note": with_layer(note=None),
    "pool without stride": with_fields(
        layers=[{"name": "pool1", "kind": "max_pool", "kernel": 3, "padding": 1}]
    ),
    "adaptive pool": with_fields(
        layers=[{"name": "pool", "kind": "adaptive_avg_pool", "output": [6, 6]}]
    ),
    "stated shape": with_fields(
        stated=[{"quantity": "shape", "layer": "conv1", "value": [8, 30, 30], "source": "src"}]
    ),
    "stated count": with_fields(
        stated=[{"quantity": "params", "value": 224, "source": "src", "approximate": True}]
    ),
    # A spec name may start with a digit and run to 64 characters, as a layer name may not.
    "compared to a spec name": with_fields(
        compared=[{"quantity": "params", "to": "1-net" + "x" * 59, "percent": 5, "source": "src"}]
    ),
}

INVALID = {
    "an unknown top-level key": with_fields(layer=[]),
    "an unknown layer key": with_layer(strides=2),
    "a negative stride": with_layer(stride=-1),
    "a zero stride": with_layer(stride=0),
    "a negative stride in [h, w]": with_layer(stride=[1, -1]),
    "a wrong kind": with_layer(kind="convolution"),
    "a field of another kind": with_fields(layers=[{"name": "r", "kind": "relu", "kernel": 3}]),
    "a kind without its required field": with_fields(layers=[{"name": "c", "kind": "conv"}]),
    "a pair of three": with_layer(kernel=[3, 3, 3]),
    "a negative padding": with_layer(padding=-1),
    "padding 'full'": with_layer(padding="full"),
    "a padding side that does not exist": with_layer(padding={"up": 1}),
    "text for a count": with_layer(out_channels="8"),
    "true for a count": with_layer(out_channels=True),
    "a number for a flag": with_layer(bias=1),
    "an unknown rounding": with_layer(rounding="round"),
    "a bad layer name": with_layer(name="1conv"),
    "a bad source key": with_fields(
        sources={"1src": {"citation": "A", "url": "https://e.org/", "states": "S"}}
    ),
    "an address that is not http": with_fields(
        sources={"src": {"citation": "A", "url": "ftp://e.org/", "states": "S"}}
    ),
    "no layers": with_fields(layers=[]),
    "no title": without("title"),
    "an input of two": with_fields(input=[32, 32]),
    "a dropout of 1": with_fields(layers=[{"name": "d", "kind": "dropout", "p": 1}]),
    "a count for a shape": with_fields(
        stated=[{"quantity": "shape", "layer": "conv1", "value": 8, "source": "src"}]
    ),
    "a list for a count": with_fields(
        stated=[{"quantity": "neurons", "layer": "conv1", "value": [8], "source": "src"}]
    ),
    "remove without extends": with_fields(remove=["conv1"]),
    "compared to no spec name": with_fields(
        compared=[{"quantity": "params", "to": "Alex Net", "percent": 5, "source": "src"}]
    ),
    "compared to a name too long": with_fields(
        compared=[{"quantity": "params", "to": "a" * 65, "percent": 5, "source": "src"}]
    ),
    "change without extends": with_fields(change={"conv1": {"stride": 2}}),
}


@pytest.mark.parametrize("data", VALID.values(), ids=VALID.keys())
def test_the_forms_the_loader_accepts_are_valid(validator: Any, data: dict[str, Any]) -> None:
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize("data", INVALID.values(), ids=INVALID.keys())
def test_malformed_specs_are_rejected(validator: Any, data: dict[str, Any]) -> None:
    assert list(validator.iter_errors(data)) != []


def pydantic_accepts(data: dict[str, Any]) -> bool:
    try:
        Spec.model_validate(data)
    except ValidationError:
        return False
    return True


#: Rules the loader checks after the models, which the schema states as well.
LOADER_CHECKS = {"a count for a shape", "a list for a count"}


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        *((data, True) for data in VALID.values()),
        *((data, False) for name, data in INVALID.items() if name not in LOADER_CHECKS),
    ],
    ids=[*VALID, *(name for name in INVALID if name not in LOADER_CHECKS)],
)
def test_the_schema_and_the_models_agree(data: dict[str, Any], valid: bool) -> None:
    """What the independent validator accepts is what the models the loader uses accept."""
    assert pydantic_accepts(data) is valid


EXTENDS: dict[str, Any] = {"extends": "bvlc-alexnet", "title": "A variant"}


@pytest.mark.parametrize(
    "data",
    [
        EXTENDS,
        {"extends": "bvlc-alexnet"},
        {**EXTENDS, "remove": ["norm1"], "change": {"conv1": {"stride": [2, 2], "padding": 1}}},
        {
            **EXTENDS,
            "insert": [{"after": "pool1", "layers": [{"name": "n", "kind": "lrn", "size": 5}]}],
        },
        {**EXTENDS, "insert": [{"before": "conv2", "layers": []}]},
        {**EXTENDS, "change": {"fc6": {"kind": "conv", "kernel": 6, "out_channels": 4096}}},
    ],
    ids=["title", "nothing", "remove and change", "insert after", "insert before", "change kind"],
)
def test_a_variant_needs_no_required_field(validator: Any, data: dict[str, Any]) -> None:
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize(
    "data",
    [
        {**EXTENDS, "insert": [{"after": "a", "before": "b", "layers": []}]},
        {**EXTENDS, "insert": [{"layers": []}]},
        {**EXTENDS, "insert": [{"after": "pool1"}]},
        {**EXTENDS, "change": {"conv1": {"strides": 2}}},
        {**EXTENDS, "change": {"conv1": {"stride": -2}}},
        {**EXTENDS, "remove": "norm1"},
        {"extends": "BVLC AlexNet"},
        {**EXTENDS, "titel": "typo"},
    ],
    ids=[
        "after and before",
        "neither after nor before",
        "no layers",
        "an unknown field",
        "a negative stride",
        "remove a name",
        "not a file name",
        "an unknown key",
    ],
)
def test_a_malformed_variant_is_rejected(validator: Any, data: dict[str, Any]) -> None:
    assert list(validator.iter_errors(data)) != []


def test_the_override_keys_are_the_loaders(spec_schema: dict[str, Any]) -> None:
    assert set(models.Overrides.model_fields) == set(models.OVERRIDE_KEYS)
    assert set(models.OVERRIDE_KEYS) <= set(spec_schema["properties"])


def fields(spec_schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield from spec_schema["properties"].items()
    for definition, entry in spec_schema["$defs"].items():
        for name, field in entry.get("properties", {}).items():
            yield f"{definition}.{name}", field


def test_every_field_has_a_description(spec_schema: dict[str, Any]) -> None:
    undocumented = [name for name, field in fields(spec_schema) if not field.get("description")]
    assert undocumented == []
    assert all(entry.get("description") for entry in spec_schema["$defs"].values())


def test_every_field_the_loader_knows_is_in_the_schema(spec_schema: dict[str, Any]) -> None:
    names = {name.rsplit(".", 1)[-1] for name, _ in fields(spec_schema)}
    assert set(loader.KNOWN_FIELDS) <= names


def test_defaults_are_the_models(spec_schema: dict[str, Any]) -> None:
    conv = spec_schema["$defs"]["Conv"]["properties"]
    assert conv["stride"]["default"] == [1, 1]
    assert conv["padding"]["default"] == {"top": 0, "bottom": 0, "left": 0, "right": 0}
    assert conv["rounding"]["default"] == "floor"
    assert spec_schema["properties"]["towers"]["default"] == 1


def test_every_example_is_valid(spec_schema: dict[str, Any]) -> None:
    invalid = []
    for name, field in fields(spec_schema):
        check = jsonschema.Draft202012Validator({"$defs": spec_schema["$defs"], **field})
        invalid += [(name, e) for e in field.get("examples", []) if not check.is_valid(e)]
    assert invalid == []


def test_every_enumeration_value_is_described(spec_schema: dict[str, Any]) -> None:
    for name in ("Rounding", "Quantity"):
        entry = spec_schema["$defs"][name]
        assert len(entry["enumDescriptions"]) == len(entry["enum"])
        assert all(entry["enumDescriptions"])


def test_descriptions_are_markdown_not_restructured_text(spec_schema: dict[str, Any]) -> None:
    text = json.dumps(spec_schema, ensure_ascii=False)
    assert "``" not in text
    assert "\\n" not in text


def test_the_schema_command_prints_the_committed_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.edges.cli import main

    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    assert result.output == COMMITTED.read_text(encoding="utf-8")


def patterns(node: Any) -> Iterator[tuple[str, str]]:
    """Every ``pattern`` of the schema and every pattern of a mapping's keys, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern":
                yield "pattern", value
            elif key == "patternProperties":
                yield from (("patternProperties", pattern) for pattern in value)
            yield from patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from patterns(item)


def test_every_pattern_is_a_rule_of_the_models_with_its_words(spec_schema: dict[str, Any]) -> None:
    rules = {rule.pattern for rule in (models.NAME, models.SPEC_NAME, models.WEB_ADDRESS)}
    assert {pattern for _, pattern in patterns(spec_schema)} == rules
    assert all(rule.expected for rule in (models.NAME, models.SPEC_NAME, models.WEB_ADDRESS))


def test_spec_names_are_checked_by_the_spec_name_rule(spec_schema: dict[str, Any]) -> None:
    to = spec_schema["$defs"]["Compared"]["properties"]["to"]
    assert to["pattern"] == spec_schema["properties"]["extends"]["pattern"]
    assert to["pattern"] == models.SPEC_NAME.pattern


@pytest.mark.parametrize(
    "name", ["alexnet-2012", "1cycle", "a" * 64, "a" * 65, "Alex Net", "_net", "net/2", "", "é"]
)
def test_the_schema_and_the_rule_agree_on_spec_names(
    spec_schema: dict[str, Any], name: str
) -> None:
    check = jsonschema.Draft202012Validator(
        {"$defs": spec_schema["$defs"], **spec_schema["properties"]["extends"]}
    )
    assert check.is_valid(name) is models.SPEC_NAME.follows(name)


def test_the_counters_a_stated_number_may_name_are_the_sites() -> None:
    """The spec layer names the counters without importing them: the two lists stay equal."""
    from typing import get_args

    from generator.core.counters import TOOLS
    from generator.spec.models import Counter

    assert get_args(Counter) == tuple(t.name for t in TOOLS)
