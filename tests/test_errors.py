"""Mistakes in spec files: each is reported with its file, line, layer and field, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from generator.load import loader, yaml_nodes
from generator.spec.errors import SpecError, article, suggest
from generator.spec.models import LAYER_KINDS, NAME, SPEC_NAME, Spec
from tests.helpers import MINIMAL, ROOT, build, copy_project, problems, spec_data

#: One layer, to follow :data:`MINIMAL` in a spec whose layers are not the point.
LAYER = "  - {name: fc, kind: fc, out_features: 10}\n"


def test_a_negative_stride_names_file_line_layer_and_field(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        """\
        - {name: conv1, kind: conv, out_channels: 8, kernel: 3}
        - {name: conv2, kind: conv, out_channels: 8, kernel: 3,
           stride: -2}
        """
    )
    assert problems(path) == [
        f"{path}:9: layer 'conv2': field 'stride': must be greater than 0, got -2"
    ]


def test_95_channels_in_a_two_group_conv(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        """\
        - {name: conv1, kind: conv, out_channels: 95, kernel: 3}
        - {name: conv2, kind: conv, out_channels: 64, kernel: 3, groups: 2}
        """
    )
    assert problems(path) == [
        f"{path}:8: layer 'conv2': field 'groups': 95 input channels do not split into 2 groups"
    ]


def test_all_problems_of_a_file_are_reported_together(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        """\
        - name: conv1
          kind: conv
          out_channels: 0
          kernel: 3
          strid: 2
        - {name: pool1, kind: maxpool, kernel: 2}
        - {name: fc, kind: fc, out_features: "10"}
        """
    )
    assert problems(path) == [
        f"{path}:9: layer 'conv1': field 'out_channels': must be greater than 0, got 0",
        f"{path}:11: layer 'conv1': field 'strid': unknown field; did you mean 'stride'?",
        f"{path}:12: layer 'pool1': field 'kind': unknown layer kind 'maxpool': the kind is "
        "written 'max_pool'",
        f"{path}:13: layer 'fc': field 'out_features': expected a whole number, got the text '10'",
    ]


def test_a_kernel_larger_than_the_padded_input(write_spec: Callable[..., Path]) -> None:
    path = write_spec("- {name: big, kind: conv, out_channels: 4, kernel: 33, padding: 0}\n")
    assert problems(path) == [
        f"{path}:7: layer 'big': field 'kernel': kernel spans 33 pixels but the padded input is only 32 (32 + 0 + 0)"
    ]


def test_a_size_that_reaches_zero(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        """\
        - {name: pool, kind: max_pool, kernel: 16, stride: 16}
        - {name: pool2, kind: max_pool, kernel: 3}
        """
    )
    assert problems(path) == [
        f"{path}:8: layer 'pool2': field 'kernel': the output size would be 0: kernel 3 does not fit input 2"
    ]


def test_yaml_syntax_errors_carry_the_line(write_spec: Callable[..., Path]) -> None:
    path = write_spec("- {name: conv1, kind: conv, out_channels: 8, kernel: [3, 3}\n")
    (message,) = problems(path)
    assert message.startswith(f"{path}:7: YAML syntax error")


def test_missing_fields_and_wrong_types_at_the_top(write_spec: Callable[..., Path]) -> None:
    path = write_spec(text="title: 5\ninput: [3, 32]\nlayers: []\n")
    assert problems(path) == [
        f"{path}:1: field 'title': expected text, got 5",
        f"{path}:1: field 'summary': is required",
        f"{path}:1: field 'sources': is required",
        f"{path}:2: field 'input': expected [channels, height, width], got 2 values",
        f"{path}:3: field 'layers': expected at least 1 item(s), got 0",
    ]


def test_duplicate_layer_names(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        """\
        - {name: a, kind: relu}
        - {name: a, kind: relu}
        """
    )
    assert problems(path) == [
        f"{path}:8: layer 'a': field 'name': the name 'a' is already used by layer #1"
    ]


def test_a_stated_number_must_name_a_known_source_and_layer(
    write_spec: Callable[..., Path],
) -> None:
    text = MINIMAL.replace(
        "layers:\n",
        "stated:\n  - {quantity: neurons, layer: conv9, value: 5, source: paper}\nlayers:\n"
        "  - {name: conv1, kind: conv, out_channels: 8, kernel: 3}\n",
    )
    path = write_spec(text=text)
    assert problems(path) == [
        f"{path}:7: field 'stated[1].source': no source named 'paper' in 'sources'",
        f"{path}:7: field 'stated[1].layer': no layer named 'conv9'; did you mean 'conv1'?",
    ]


def test_problems_of_every_file_in_a_folder_are_reported(write_spec: Callable[..., Path]) -> None:
    first = write_spec("- {name: a, kind: relu, extra: 1}\n", name="first")
    second = write_spec("- {name: b, kind: conv, out_channels: 2, kernel: 99}\n", name="second")
    with pytest.raises(SpecError) as caught:
        loader.load_folder(first.parent)
    assert [p.location.path for p in caught.value.problems] == [str(first), str(second)]


def test_a_stated_value_of_the_wrong_type_names_the_field_not_pydantics_union(
    write_spec: Callable[..., Path],
) -> None:
    # A stated value is a number or a shape: pydantic reports each union member under its own
    # tag ("constrained-int"), which is no field of the file.
    path = write_spec(
        text=MINIMAL
        + "  - {name: fc, kind: fc, out_features: 10}\n"
        + "stated:\n"
        + "  - {quantity: params, value: {a: 1}, source: src}\n"
    )
    found = problems(path)
    assert found and all(f"{path}:9: field 'stated[1].value': expected" in p for p in found), found


# --- each rule words its own message ---------------------------------------------------------

#: The spec-name rule as every message about it says it, written out once here to be read.
SPEC_NAME_RULE = (
    "expected a spec name of lower-case letters, digits, '-', '_' or '.' starting with a letter "
    "or a digit (at most 64)"
)
COMPARED = "compared:\n  - {{quantity: params, to: {to}, percent: 5, source: src}}\n"


def test_the_spec_name_rule_is_worded_once() -> None:
    assert SPEC_NAME.message("Alex Net") == f"{SPEC_NAME_RULE}, got the text 'Alex Net'"


def test_a_bad_compared_to_is_told_the_spec_name_rule_not_the_layer_name_rule(
    write_spec: Callable[..., Path],
) -> None:
    # A spec name may start with a digit and run to 64 characters; a layer name may not.
    path = write_spec(text=COMPARED.format(to="Alex Net") + MINIMAL + LAYER)
    assert problems(path) == [
        f"{path}:2: field 'compared[1].to': {SPEC_NAME_RULE}, got the text 'Alex Net'"
    ]
    assert "starting with a letter (at most 40)" not in problems(path)[0]


@pytest.mark.parametrize("to", ["1cycle-net", "a" * 64])
def test_a_compared_to_that_follows_the_spec_name_rule_is_looked_up(
    write_spec: Callable[..., Path], to: str
) -> None:
    path = write_spec(text=COMPARED.format(to=to) + MINIMAL + LAYER)
    (message,) = problems(path)
    assert f"field 'compared[1].to': {to!r} is no spec of this folder" in message


def test_extends_and_file_names_are_told_the_same_rule(write_spec: Callable[..., Path]) -> None:
    variant = write_spec(text="extends: BVLC AlexNet\n", name="variant")
    assert problems(variant) == [
        f"{variant}:1: field 'extends': {SPEC_NAME_RULE}, got the text 'BVLC AlexNet'"
    ]
    badly_named = write_spec(text=MINIMAL + LAYER, name="My Net")
    assert problems(badly_named) == [
        f"{badly_named}: the file name is the spec's name: {SPEC_NAME_RULE}, got the text 'My Net'"
    ]


def test_a_spec_name_with_a_trailing_newline_is_refused(write_spec: Callable[..., Path]) -> None:
    """``$`` in a regular expression also matches before a last newline: the rule matches all."""
    assert not SPEC_NAME.follows("alexnet-2012\n")
    path = write_spec(text='extends: "alexnet-2012\\n"\n', name="variant")
    assert problems(path) == [
        f"{path}:1: field 'extends': {SPEC_NAME_RULE}, got the text 'alexnet-2012\\n'"
    ]


def test_the_models_raise_each_rules_own_error() -> None:
    """The message comes with the rule: pydantic's error already carries it, typed by the rule."""
    data = spec_data(
        {"name": "1conv", "kind": "relu"},
        compared=[{"quantity": "params", "to": "Alex Net", "percent": 5, "source": "src"}],
    )
    with pytest.raises(ValidationError) as caught:
        Spec.model_validate(data)
    found = {(e["type"], e["msg"]) for e in caught.value.errors()}
    assert {
        ("name", NAME.message("1conv")),
        ("spec_name", SPEC_NAME.message("Alex Net")),
    } <= found


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # The bounds of a count and of a size say why they are there.
        (
            "{kind: conv, out_channels: 2000000, kernel: 3}",
            "field 'out_channels': must be at most 1,000,000 (a larger count describes no real "
            "network), got 2000000",
        ),
        (
            "{kind: conv, out_channels: 8, kernel: 200000}",
            "field 'kernel': must be at most 100,000 (a larger size is surely a typo), got 200000",
        ),
        # The number as the file writes it (1, not 1.0), the bound as a reader would (1, not 1.0).
        ("{kind: dropout, p: 1}", "field 'p': must be less than 1, got 1"),
        ("{kind: lrn, size: 5, k: -1.0}", "field 'k': must be at least 0, got -1.0"),
        # A pair is counted, and true is spelt as YAML spells it.
        (
            "{kind: conv, out_channels: 8, kernel: [3, 3, 3]}",
            "field 'kernel': expected a positive integer or a list [height, width], got a list "
            "of 3 values",
        ),
        (
            "{kind: conv, out_channels: 8, kernel: true}",
            "field 'kernel': expected a positive integer or a list [height, width], got true",
        ),
        (
            "{kind: conv, out_channels: 8, kernel: 3, padding: [1]}",
            "field 'padding': a list must be [height, width], got 1 value",
        ),
        # Only the padding form that was written reports (not also "expected 'same' or 'valid'").
        (
            "{kind: conv, out_channels: 8, kernel: 3, padding: {top: -1}}",
            "field 'padding': must be at least 0, got -1",
        ),
        # An unknown key nested in a field is named, and never suggested as itself.
        (
            "{kind: conv, out_channels: 8, kernel: 3, padding: {up: 1}}",
            "field 'padding': unknown field 'up'",
        ),
    ],
)
def test_each_rule_says_what_it_expects_once(
    write_spec: Callable[..., Path], fields: str, message: str
) -> None:
    path = write_spec("- {name: x, " + fields.removeprefix("{") + "\n")
    assert problems(path) == [f"{path}:7: layer 'x': {message}"]


@pytest.mark.parametrize(
    ("top", "message"),
    [
        ("layer: []\n", "field 'layer': unknown field; did you mean 'layers'?"),
        (
            COMPARED.format(to="other").replace("percent: 5", "percent: 5000000"),
            "field 'compared[1].percent': must be at most 1,000,000, got 5000000",
        ),
        (
            COMPARED.format(to="other").replace("percent: 5", "percent: .nan"),
            "field 'compared[1].percent': expected a finite number, got nan",
        ),
        (
            COMPARED.format(to="other").replace("params", "shape"),
            "field 'compared[1].quantity': expected 'neurons', 'params', 'macs' or "
            "'activations', got the text 'shape'",
        ),
    ],
)
def test_top_level_fields_get_one_message_in_the_files_words(
    write_spec: Callable[..., Path], top: str, message: str
) -> None:
    path = write_spec(text=top + MINIMAL + LAYER)
    (line,) = problems(path)
    assert line.split(": ", 1)[1] == message


def test_an_input_of_no_values_is_one_problem(write_spec: Callable[..., Path]) -> None:
    path = write_spec(text=MINIMAL.replace("[3, 32, 32]", "[]") + LAYER)
    assert problems(path) == [
        f"{path}:3: field 'input': expected [channels, height, width], got 0 values"
    ]


# --- hints: what another framework calls a layer, how a source writes a number ---------------


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("linear", "a fully connected layer is kind 'fc', its outputs in 'out_features'"),
        ("Dense", "a fully connected layer is kind 'fc', its outputs in 'out_features'"),
        ("InnerProduct", "a fully connected layer is kind 'fc', its outputs in 'out_features'"),
        (
            "depthwise_conv",
            "a depthwise convolution is kind 'conv' with 'groups' equal to its input channels "
            "('out_channels' a multiple of them)",
        ),
        ("Conv2d", "the kind is written 'conv'"),
        ("MaxPool2d", "the kind is written 'max_pool'"),
        ("batchnorm", "the kind is written 'batch_norm'"),
        ("BatchNorm2d", "the kind is written 'batch_norm'"),
        ("LeakyReLU", "the kind is written 'leaky_relu'"),
        (
            "global_avg_pool",
            "global average pooling is kind 'adaptive_avg_pool' with 'output: 1'",
        ),
        ("Eltwise", "an element-wise sum is kind 'add', the layers it sums in 'inputs'"),
    ],
)
def test_a_kind_from_another_framework_is_told_how_it_is_written(
    write_spec: Callable[..., Path], kind: str, hint: str
) -> None:
    path = write_spec(f"- {{name: x, kind: {kind}}}\n")
    assert problems(path) == [
        f"{path}:7: layer 'x': field 'kind': unknown layer kind {kind!r}: {hint}"
    ]


def test_an_unknown_kind_without_a_hint_lists_the_kinds(write_spec: Callable[..., Path]) -> None:
    path = write_spec("- {name: x, kind: relu7}\n")
    (message,) = problems(path)
    assert message == (
        f"{path}:7: layer 'x': field 'kind': unknown layer kind 'relu7'; expected one of "
        f"{', '.join(map(repr, LAYER_KINDS))}; did you mean 'relu'?"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "133M",
            "expected a whole number, got the text '133M': write it in full, 133000000, with "
            "'approximate: true' if the source rounded it",
        ),
        # 60,000,000 would read as rounded to ten millions: the place is said.
        (
            "60 million",
            "expected a whole number, got the text '60 million': write it in full, 60000000, "
            "with 'approximate: true' and 'rounded_to: 1000000' if the source rounded it",
        ),
        (
            '"61,100,840"',
            "expected a whole number, got the text '61,100,840': write it without separators, "
            "61100840",
        ),
        ("6.1e7", "expected a whole number, got the text '6.1e7': write it in full, 61000000"),
        ("6.5", "expected a whole number, got 6.5"),
        ("true", "expected a whole number, got true"),
        ("[96, a]", "expected a whole number, got the text 'a'"),
    ],
)
def test_a_stated_number_written_as_a_source_writes_it_gets_one_message(
    write_spec: Callable[..., Path], value: str, message: str
) -> None:
    stated = f"stated:\n  - {{quantity: params, value: {value}, source: src}}\n"
    path = write_spec(text=stated + MINIMAL + LAYER)
    field = "stated[1].value[2]" if value.startswith("[") else "stated[1].value"
    assert problems(path) == [f"{path}:2: field {field!r}: {message}"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [("add", "an"), ("concat", "a"), ("fc", "an"), ("lrn", "an"), ("elu", "an"), ("relu", "a")],
)
def test_messages_say_a_or_an_as_the_kind_is_read(word: str, expected: str) -> None:
    assert article(word) == expected


# --- the size limit ------------------------------------------------------------------------

#: 2 MB of comments above a valid spec.
COMMENTS = ("# " + "x" * 97 + "\n") * 20_000


def many_layers(count: int) -> str:
    return "".join(f"  - {{name: r{i}, kind: relu}}\n" for i in range(count))


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(
    write_spec: Callable[..., Path],
) -> None:
    path = write_spec(text=COMMENTS + MINIMAL + LAYER)
    assert problems(path) == [
        f"{path}: the file has {path.stat().st_size:,} bytes, too many: a spec file may have at "
        "most 1,000,000 bytes (1 MB) and 10,000 layers"
    ]


@pytest.mark.slow
def test_a_spec_over_the_layer_limit_is_refused(write_spec: Callable[..., Path]) -> None:
    path = write_spec(text=MINIMAL + many_layers(20_000))
    assert path.stat().st_size < loader.MAX_BYTES  # the layers, not the bytes
    assert problems(path) == [
        f"{path}:6: field 'layers': the spec has 20,000 layers, too many: a spec file may have "
        "at most 1,000,000 bytes (1 MB) and 10,000 layers"
    ]


def test_the_limit_is_said_in_one_place() -> None:
    limits = f"{loader.MAX_BYTES:,} bytes (1 MB) and {loader.MAX_LAYERS:,} layers"
    assert loader.LIMITS.endswith(f"may have at most {limits}")
    assert f"at most {limits}" in " ".join((ROOT / "README.md").read_text("utf-8").split())


@pytest.mark.slow
def test_layers_added_by_a_variant_count_towards_the_limit(
    write_spec: Callable[..., Path],
) -> None:
    write_spec(text=MINIMAL + many_layers(loader.MAX_LAYERS), name="parent")
    child = write_spec(
        text="extends: parent\ninsert:\n  - {after: r0, layers: [{name: extra, kind: relu}]}\n",
        name="child",
    )
    (message,) = problems(child)
    assert "field 'layers': the spec has 10,001 layers, too many" in message


def test_spec_text_in_memory_is_held_to_the_byte_limit() -> None:
    with pytest.raises(SpecError) as caught:
        loader.load_text(Path("big.yml"), COMMENTS + MINIMAL + LAYER)
    assert "big.yml: the file has 2,000," in caught.value.report()


@pytest.mark.slow
def test_aliases_that_multiply_are_refused_in_their_own_words(
    write_spec: Callable[..., Path],
) -> None:
    laughs = "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
        for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
    )
    path = write_spec(text=laughs + MINIMAL + LAYER)
    (message,) = problems(path)
    assert message.endswith(
        f"aliases repeat more than {yaml_nodes.MAX_ALIAS_VALUES:,} values (an alias of a list "
        "of aliases multiplies them): write the values out instead"
    )


def test_aliases_that_share_a_value_are_fine(write_spec: Callable[..., Path]) -> None:
    shared = "".join(
        f"  - {{name: c{i}, kind: conv, out_channels: 4, kernel: *k, padding: *p}}\n"
        for i in range(100)
    )
    path = write_spec(
        text=MINIMAL
        + "  - {name: c, kind: conv, out_channels: 4, kernel: &k [3, 3], padding: &p 1}\n"
        + shared
    )
    assert len(loader.load(path).spec.layers) == 101


@pytest.mark.slow
def test_neither_an_oversized_file_nor_a_long_spec_is_published(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    specs = project / "docs" / "architectures"
    (specs / "comments.yml").write_text(COMMENTS + MINIMAL + LAYER, "utf-8")
    (specs / "long.yml").write_text(MINIMAL + many_layers(20_000), "utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "comments.yml: the file has 2,000," in result.stderr
    assert "long.yml:6: field 'layers': the spec has 20,000 layers, too many" in result.stderr
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").rglob("*comments*"))


def test_a_placeholder_left_in_is_refused_naming_its_field(write_spec: Callable[..., Path]) -> None:
    """What the scaffolds of ``new`` and ``import`` leave to fill in is never published."""
    text = MINIMAL.replace("title: Tiny", "title: 'Tiny (TODO: authors, year)'").replace(
        "https://tiny.test/", "https://www.example.org/TODO"
    )
    path = write_spec(text=text + "  - {name: fc, kind: fc, out_features: 2}\n")
    assert problems(path) == [
        f"{path}:1: field 'title': still holds the scaffold's placeholder 'TODO': write the "
        "network's name",
        f"{path}:5: field 'sources.src.url': still holds the scaffold's example address: write "
        "the address where a reader can check the source",
    ]


def test_a_suggestion_offers_every_name_as_near() -> None:
    assert suggest("vgg11", ["vgg-16", "vgg-19", "alexnet-2012"]) == (
        "; did you mean 'vgg-16' or 'vgg-19'?"
    )
    assert suggest("kernal", ["kernel", "stride"]) == "; did you mean 'kernel'?"
    assert suggest("zzz", ["kernel"]) == ""
