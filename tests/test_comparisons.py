"""Stated differences between two networks, audited: "0.2% more parameters than the two-tower model".

Krizhevsky's 2014 paper says its single-column model has 0.2% more parameters than the 2012
two-tower network. With the footnote's 384 kernels in conv4 the single-column spec has 61,838,248
parameters against 60,965,224: (61,838,248 − 60,965,224) / 60,965,224 = +1.43%, not +0.2%. With
256 kernels there (cuda-convnet2's configuration) it has 61,100,840: +0.2225%, which rounds to the
paper's 0.2.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from generator.analysis.audit import Verdict
from generator.analysis.comparisons import compare, difference, figure, rounds_to
from generator.core.results import Analysis
from tests.helpers import SPECS, load_spec, problems, run_cli, spec_text, write_spec


@pytest.mark.parametrize(
    ("percent", "stated", "expected"),
    [
        (difference(61_100_840, 60_965_224), "0.2", True),
        (difference(61_838_248, 60_965_224), "0.2", False),
        (difference(61_838_248, 60_965_224), "1.4", True),
        (Fraction(-241, 100), "-2.4", True),
        (Fraction(-235, 100), "-2.4", True),  # half away from zero, as a reader rounds
        (Fraction(-234, 100), "-2.4", False),
        (Fraction(25, 100), "0.2", False),
        (Fraction(12), "12", True),
        (Fraction(125, 10), "12", False),
    ],
)
def test_a_difference_matches_when_it_rounds_as_the_source_rounded(
    percent: Fraction, stated: str, expected: bool
) -> None:
    assert rounds_to(percent, Decimal(stated)) is expected


@pytest.mark.parametrize(
    ("form", "count", "other", "expected"),
    [
        # GoogLeNet against the 2012 network: 60,965,224 / 6,998,552 = 8.71, not "12 times fewer".
        ("times_fewer", 6_998_552, 60_965_224, Fraction(60_965_224, 6_998_552)),
        ("times_more", 138_357_544, 60_965_224, Fraction(138_357_544, 60_965_224)),
        ("percent_of", 3_600, 19_600, Fraction(3_600 * 100, 19_600)),
        ("percent", 102, 100, Fraction(2)),
    ],
)
def test_each_form_computes_the_figure_its_words_say(
    form: str, count: int, other: int, expected: Fraction
) -> None:
    assert figure(form, count, other) == expected


def test_a_comparison_gives_exactly_one_figure(tmp_path: Path) -> None:
    layers = "- {name: fc1, kind: fc, out_features: 10}\n"
    write_spec(tmp_path, layers, name="other")
    both = "compared:\n  - {quantity: params, to: other, percent: 5, times_more: 2, source: src}\n"
    path = write_spec(tmp_path, text=both + spec_text(layers))
    (line,) = problems(path)
    assert line.startswith(f"{path}:2: field 'compared[1]'")
    assert "give exactly one of percent, percent_of, times_more, times_fewer, got percent, " in line


def test_the_single_column_models_0_2_percent_fits_conv4_at_256(
    analyses: dict[str, Analysis],
) -> None:
    owt = analyses["one-weird-trick"]
    params, macs = compare(owt, analyses)
    assert (params.count, params.other) == (61_838_248, 60_965_224)
    assert params.verdict is Verdict.EXPLAINED
    assert [(w.layer, w.was, w.now, w.count) for w in params.widths] == [
        ("conv4", 384, 256, 61_100_840)
    ]
    assert macs.verdict is Verdict.UNEXPLAINED


def test_check_prints_the_stated_differences() -> None:
    result = run_cli("check", str(SPECS / "one-weird-trick.yml"))
    assert result.returncode == 0, result.stderr
    assert "total params against alexnet-2012: stated +0.2%, computed +1.43%" in result.stdout
    assert "— explained (one-weird-trick)" in result.stdout
    assert "If conv4 had 256 out_channels (the spec has 384)" in result.stdout


def test_show_json_exports_them() -> None:
    result = run_cli("show", "one-weird-trick", "--json")
    assert result.returncode == 0, result.stderr
    (params, _) = json.loads(result.stdout)["compared"]
    assert (params["form"], params["stated"]) == ("percent", "0.2")
    assert (params["total"], params["other_total"]) == (61_838_248, 60_965_224)
    assert params["widths"] == [{"layer": "conv4", "field": "out_channels", "was": 384, "now": 256}]


COMPARED = """\
compared:
  - {{quantity: params, to: {to}, percent: 5, source: {source}}}
"""
LAYERS = "- {name: fc1, kind: fc, out_features: 10}\n"


def test_a_difference_against_an_unknown_spec_is_a_located_error(tmp_path: Path) -> None:
    write_spec(tmp_path, LAYERS, name="other")
    path = write_spec(tmp_path, text=COMPARED.format(to="othr", source="src") + spec_text(LAYERS))
    assert problems(path) == [
        f"{path}:2: field 'compared[1].to': 'othr' is no spec of this folder: a difference is "
        "stated against another spec of the folder; did you mean 'other'?"
    ]


def test_a_difference_against_itself_or_an_unknown_source_is_refused(tmp_path: Path) -> None:
    path = write_spec(tmp_path, text=COMPARED.format(to="tiny", source="paper") + spec_text(LAYERS))
    assert problems(path) == [
        f"{path}:2: field 'compared[1].source': no source named 'paper' in 'sources'",
        f"{path}:2: field 'compared[1].to': 'tiny' is this spec itself: a difference is stated "
        "against another spec of the folder",
    ]


def test_a_variant_does_not_inherit_its_parents_differences(tmp_path: Path) -> None:
    write_spec(tmp_path, LAYERS, name="other")
    write_spec(tmp_path, text=COMPARED.format(to="other", source="src") + spec_text(LAYERS))
    variant = tmp_path / "variant.yml"
    variant.write_text("extends: tiny\ntitle: A variant\n", encoding="utf-8")
    assert load_spec(tmp_path / "tiny.yml").spec.compared != ()
    assert load_spec(variant).spec.compared == ()
