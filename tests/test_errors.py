"""Mistakes in spec files: each is reported with its file, line, layer and field, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.load import loader
from generator.spec.errors import SpecError
from tests.helpers import MINIMAL, problems


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
        f"{path}:12: layer 'pool1': field 'kind': unknown layer kind 'maxpool'; expected one of "
        "'conv', 'max_pool', 'avg_pool', 'adaptive_avg_pool', 'adaptive_max_pool', 'lrn', 'batch_norm', 'add', 'concat', 'relu', "
        "'leaky_relu', 'elu', 'gelu', 'tanh', 'sigmoid', 'dropout', 'flatten', 'fc', 'softmax'; "
        "did you mean 'max_pool'?",
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
