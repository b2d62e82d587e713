"""The convolution arithmetic page and the calculator's rules (the oracle of the browser test)."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.analysis import sweeps
from generator.analysis.calculator import (
    MAX_VALUE,
    NO_OUTPUT,
    NOTHING,
    RULE_KEYS,
    calculate,
    calculate_text,
    calculator_rows,
    exact_text,
)
from generator.analysis.model import build_site_model
from generator.core import formatting, rules
from generator.core.results import Analysis
from generator.render import arithmetic
from generator.render.arithmetic import arithmetic_page
from generator.spec.models import Rounding

# (n, k, s, p_before, p_after, d) → floor, ceil, ceil_unclipped, tf_valid, tf_same, worked by hand.
CASES = {
    # AlexNet's conv1 as the paper states it: (224 − 11)/4 + 1 = 54.25.
    "paper conv1": ((224, 11, 4, 0, 0, 1), (54, 55, 55, 54, 56)),
    # Caffe's 227: (227 − 11)/4 + 1 = 55 exactly; SAME gives ⌈227/4⌉ = 57.
    "caffe conv1": ((227, 11, 4, 0, 0, 1), (55, 55, 55, 55, 57)),
    # torchvision: (224 + 4 − 11)/4 + 1 = 55.25; VALID ignores the padding: 54.
    "torchvision conv1": ((224, 11, 4, 2, 2, 1), (55, 56, 56, 54, 56)),
    # pool1 of Caffe: (55 − 3)/2 + 1 = 27; SAME ⌈55/2⌉ = 28.
    "caffe pool1": ((55, 3, 2, 0, 0, 1), (27, 27, 27, 27, 28)),
    # The clip: (5 + 2 − 2)/2 + 1 = 3.5; a 4th window would start at 6 = 5 + 1, in the padding.
    "clipped last window": ((5, 2, 2, 1, 1, 1), (3, 3, 4, 2, 3)),
    # ceil keeps the partial window when it starts inside: (6 + 0 − 3)/2 + 1 = 2.5 → 3.
    "kept last window": ((6, 3, 2, 0, 0, 1), (2, 3, 3, 2, 3)),
    # Dilation 2 makes a 3-tap kernel span 5 pixels: (32 − 5)/1 + 1 = 28.
    "dilated": ((32, 3, 1, 0, 0, 2), (28, 28, 28, 28, 32)),
    # Dilation and stride: k_eff = 3·(3 − 1) + 1 = 7; (20 + 1 − 7)/3 + 1 = 5.67.
    "dilated and strided": ((20, 3, 3, 1, 0, 3), (5, 6, 6, 5, 7)),
    # Asymmetric padding: (10 + 0 + 3 − 3)/4 + 1 = 3.5; the 4th window starts at 12 ≥ 10 + 0.
    "asymmetric padding": ((10, 3, 4, 0, 3, 1), (3, 3, 4, 2, 3)),
    # Kernel as large as the padded input: one window; VALID has none.
    "one window": ((9, 11, 4, 1, 1, 1), (1, 1, 1, None, 3)),
    # Kernel larger than the padded input: only SAME has an output.
    "no window": ((9, 11, 4, 0, 0, 1), (None, None, None, None, 3)),
    # Stride 1, kernel 1: the identity.
    "identity": ((7, 1, 1, 0, 0, 1), (7, 7, 7, 7, 7)),
}


@pytest.mark.parametrize("name", CASES)
def test_calculator_rows_hand_checked(name: str) -> None:
    numbers, expected = CASES[name]
    assert calculator_rows(*numbers) == dict(zip(RULE_KEYS, expected, strict=True))


@pytest.mark.parametrize(
    ("numbers", "field"),
    [
        ((0, 11, 4, 0, 0, 1), "Input size n"),
        ((224, 0, 4, 0, 0, 1), "Kernel k"),
        ((224, 11, 0, 0, 0, 1), "Stride s"),
        ((224, 11, 4, -1, 0, 1), "Padding before"),
        ((224, 11, 4, 0, -2, 1), "Padding after"),
        ((224, 11, 4, 0, 0, 0), "Dilation d"),
        ((MAX_VALUE + 1, 11, 4, 0, 0, 1), "Input size n"),
        ((-5, -5, -5, -5, -5, -5), "Input size n"),  # the first bad box is named
    ],
)
def test_invalid_numbers_give_a_message_and_no_results(
    numbers: tuple[int, int, int, int, int, int], field: str
) -> None:
    calc = calculate(*numbers)
    assert not calc.valid
    assert calculator_rows(*numbers) == dict.fromkeys(RULE_KEYS)
    assert calc.message.startswith(f"{field} must be a whole number from ")
    assert "100,000" in calc.message
    assert set(calc.cells().values()) == {NOTHING, calc.message, ""}


@pytest.mark.parametrize("text", ["", "abc", "2.5", "1e3", "-3", "0x10", "1_000", "١٢"])
def test_text_that_is_not_a_whole_number_is_refused(text: str) -> None:
    calc = calculate_text(["224", text, "4", "0", "0", "1"])
    assert not calc.valid
    assert calc.message == "Kernel k must be a whole number from 1 to 100,000."


def test_text_with_spaces_and_leading_zeros_is_read() -> None:
    assert calculate_text([" 224 ", "011", "4", "0", "00", "1"]) == calculate(224, 11, 4, 0, 0, 1)


def test_the_cells_say_what_the_page_shows() -> None:
    cells = calculate(224, 11, 4, 0, 0, 1).cells()
    assert cells["exact"] == "54.25"
    assert (cells["floor"], cells["ceil"], cells["ceil_unclipped"]) == ("54", "55", "55")
    assert (cells["tf_valid"], cells["tf_same"]) == ("54", "56")
    assert cells["pad-floor"] == cells["pad-exact"] == "0 + 0"
    assert cells["pad-tf_same"] == "3 + 4"  # (56 − 1)·4 + 11 − 224 = 7, the odd pixel after
    assert "not a whole number" in cells["message"]
    none = calculate(9, 11, 4, 0, 0, 1).cells()
    assert none["floor"] == none["tf_valid"] == NO_OUTPUT
    assert none["tf_same"] == "3"
    assert none["message"].startswith("No window fits")


def test_messages_name_the_case() -> None:
    assert "whole number: the windows tile" in calculate(227, 11, 4, 0, 0, 1).message
    assert "cuda-convnet keeps it (4)" in calculate(5, 2, 2, 1, 1, 1).message
    assert "PyTorch and Caffe drop it too (3)" in calculate(5, 2, 2, 1, 1, 1).message
    assert calculate(9, 11, 4, 1, 1, 1).message.startswith("TensorFlow VALID gives no output")


def test_padding_pooling_would_refuse_is_noted() -> None:
    assert calculate(224, 11, 4, 5, 5, 1).note == ""  # ⌊11 / 2⌋ = 5 is allowed
    assert calculate(224, 11, 4, 0, 6, 1).note.startswith(
        "PyTorch pooling allows at most ⌊k / 2⌋ = 5"
    )
    assert "Caffe pooling accepts them" in calculate(224, 11, 4, 6, 0, 1).note
    # Padding past the kernel: the clipped ceil may even fall below floor; both frameworks refuse.
    calc = calculate(1, 1, 1, 0, 1, 1)
    assert (calc.outputs["floor"], calc.outputs["ceil"]) == (2, 1)
    assert calc.note.startswith("Pooling would refuse these numbers")
    assert calc.cells()["note"] == calc.note


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(55), "55"),
        (Fraction(217, 4), "54.25"),
        (Fraction(55, 3), "55/3 ≈ 18.333"),
        (Fraction(2, 3), "2/3 ≈ 0.667"),
        (Fraction(-1), "−1"),
        (Fraction(-3, 4), "−0.75"),
        (Fraction(-1, 3), "−1/3 ≈ −0.333"),
        (Fraction(1, 65536), "0.0000152587890625"),
        (Fraction(1000, 7), "1000/7 ≈ 142.857"),
    ],
)
def test_exact_text(value: Fraction, text: str) -> None:
    assert exact_text(value) == text


@given(st.fractions(min_value=0, max_value=10**6, max_denominator=10**5))
def test_exact_text_agrees_with_the_site_where_both_write_decimals(value: Fraction) -> None:
    site = formatting.number(value)
    if not re.fullmatch(r"\d+/\d+", site):  # the site gives up on decimals past 12 places
        assert exact_text(value) == site


numbers = st.tuples(
    st.integers(1, 400),
    st.integers(1, 20),
    st.integers(1, 9),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(1, 5),
)


@given(numbers)
def test_rules_agree_with_their_definitions(values: tuple[int, int, int, int, int, int]) -> None:
    n, k, s, before, after, d = values
    calc = calculate(*values)
    out = calc.outputs
    k_eff = d * (k - 1) + 1
    padded = n + before + after
    assert calc.exact == Fraction(padded - k_eff, s) + 1
    if k_eff > padded:
        assert out["floor"] is out["ceil"] is out["ceil_unclipped"] is None
    else:
        floor, ceil, up = out["floor"], out["ceil"], out["ceil_unclipped"]
        assert floor is not None and ceil is not None and up is not None
        assert 1 <= floor <= up <= floor + 1
        # floor: every window inside the padded input, and no room for one more.
        assert (floor - 1) * s + k_eff <= padded < floor * s + k_eff
        # ceil: the unclipped count, less a last window that would start in the right padding.
        assert ceil == (up - 1 if (up - 1) * s >= n + before else up)
        if after < k_eff:  # padding pooling accepts: the clip never drops below floor
            assert floor <= ceil
    # VALID is floor without padding; SAME is ⌈n/s⌉ and its padding makes floor give exactly that.
    if k_eff <= n:
        assert out["tf_valid"] == rules.output_size(n, k_eff, s, 0, 0, Rounding.FLOOR)
    else:
        assert out["tf_valid"] is None
    pad = calc.padding["tf_same"]
    assert pad is not None and 0 <= pad[1] - pad[0] <= 1
    assert out["tf_same"] == -(-n // s)
    assert rules.output_size(n, k_eff, s, pad[0], pad[1], Rounding.FLOOR) == out["tf_same"]


@pytest.fixture(scope="module")
def page(analyses: dict[str, Analysis]) -> str:
    return arithmetic_page(build_site_model(list(analyses.values())))


def _row(page: str, name: str) -> list[str]:
    line = next(line for line in page.splitlines() if line.startswith(f"| [{name}]("))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_the_sweep_lists_227_but_not_224_for_the_papers_conv1(page: str) -> None:
    cells = _row(page, "AlexNet")
    # (224 − 11) / 4 + 1 is whole when n − 11 is a multiple of 4: 203, 207 … 259.
    assert cells[4] == "203–259 every 4"
    assert cells[5] == "227, 259"
    assert cells[3] == "no, x = 54.25"
    assert _row(page, "BVLC AlexNet")[3] == "yes, x = 55"
    # SqueezeNet's Caffe release reads 227×227 too.
    assert (
        "tiles is **227**, the input of BVLC AlexNet, CaffeNet and SqueezeNet v1.0 in the "
        "authors' Caffe files" in page
    )


def test_sizes_are_written_as_runs_of_one_step() -> None:
    assert arithmetic.sizes_text([227, 231, 235, 239]) == "227–239 every 4"
    assert arithmetic.sizes_text(list(range(200, 261))) == "200–260"
    assert arithmetic.sizes_text([201, 203, 205, 220, 224]) == "201–205 every 2, 220, 224"
    assert arithmetic.sizes_text([]) == "none"


def test_sweep_sizes_are_those_the_engine_tiles(analyses: dict[str, Analysis]) -> None:
    paper = analyses["alexnet-2012"]
    found = sweeps.sweep(paper)
    assert found is not None
    assert found.conv_sizes == tuple(range(203, 261, 4))
    assert 227 in found.network_sizes and 224 not in found.network_sizes
    assert sweeps.conv_tiles(paper, 227) and not sweeps.conv_tiles(paper, 224)
    # Too small for the network: a GeometryError is a size that does not tile, not a crash.
    assert not sweeps.network_tiles(paper, 20)


def test_every_framework_and_rule_is_named(page: str) -> None:
    for name in ("PyTorch", "Caffe", "cuda-convnet", "TensorFlow", "VALID", "SAME", "ceil_mode"):
        assert name in page
    rules_table = page[page.index("## Each framework's rule") : page.index("## Which input")]
    for framework in ("PyTorch", "Caffe", "cuda-convnet", "TensorFlow"):
        assert f"| **{framework}** |" in rules_table
    # The worked examples: floor 54, ceil 55, SAME 56 with padding 3 + 4.
    assert "⌊54.25⌋ = 54" in rules_table
    assert "⌈54.25⌉ = 55" in rules_table
    assert "⌈224 / 4⌉ = 56, padding 7 = 3 before + 4 after" in rules_table
    assert "PyTorch (`ceil_mode=True`)\nand Caffe give 3, cuda-convnet gives 4" in page


def test_the_calculator_starts_with_the_papers_conv1(page: str) -> None:
    values = dict(re.findall(r'data-field="(\w+)"[^>]* value="(\d+)"', page))
    assert values == {"n": "224", "k": "11", "s": "4", "p_before": "0", "p_after": "0", "d": "1"}
    cells = dict(re.findall(r'data-cell="([\w-]+)"[^>]*>([^<]*)<', page))
    assert cells == calculate(224, 11, 4, 0, 0, 1).cells()
    for rule in RULE_KEYS:
        assert f'data-rule="{rule}"' in page
    assert "ignore the two padding boxes" in page


def test_numbers_come_from_the_specs(analyses: dict[str, Analysis]) -> None:
    """Without the paper's spec the page still renders, with the paper's stated numbers."""
    others = [a for name, a in analyses.items() if name != "alexnet-2012"]
    page = arithmetic_page(build_site_model(others))
    assert "| [AlexNet](" not in page
    assert (
        'data-field="n" data-label="Input size n" data-min="1" data-max="100000" value="224"'
        in page
    )
    assert "The paper states" not in page


def test_the_template_types_no_computed_number() -> None:
    template = (arithmetic.__file__.rsplit("/", 1)[0]) + "/templates/arithmetic.md.j2"
    with open(template, encoding="utf-8") as handle:
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", handle.read())
    assert not re.findall(r"\b(?:22[0-9]|5[45]|11|100000|100,000)\b", text)
