"""What the successors say about AlexNet: each figure against the specs, worked out by hand.

GoogLeNet claims "12 times fewer parameters" than AlexNet, SqueezeNet "50x fewer", the
Inception-v3 paper "about 3x more" for VGG, the ResNet paper "only 18% of VGG-19" and VGG-16 at
"15.3 billion FLOPs". Each test below gives the arithmetic in its docstring; each reading the
finder may use (another network of the family, a part of the graph left out, another rounding) is
shown to make a figure true where it should and to fail where it should not.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from generator.analysis import families, graph, hypotheses, plausibility, rounding
from generator.analysis.audit import Check, Verdict
from generator.analysis.comparisons import Comparison, OwnFigures, Rounded, compare, count_for
from generator.analysis.model import SiteModel, build_site_model
from generator.analysis.rounding import RoundingRule
from generator.analysis.successors import (
    SuccessorsPage,
    bits_per_parameter,
    file_bytes,
    implied_bytes,
    ops_per_param,
    row_name,
)
from generator.core.results import Analysis
from generator.render import pages, phrasing
from generator.spec.models import Quantity
from tests.helpers import problems, spec_text, write_spec


@pytest.fixture(scope="module")
def site(analyses: dict[str, Analysis]) -> SiteModel:
    return build_site_model(list(analyses.values()))


@pytest.fixture(scope="module")
def page(site: SiteModel) -> SuccessorsPage:
    assert site.successors is not None
    return site.successors


def comparison(analyses: dict[str, Analysis], name: str, to: str) -> Comparison:
    return next(d for d in compare(analyses[name], analyses) if d.claim.to == to)


def stated(site: SiteModel, name: str, source: str, value: int) -> Check:
    """The audit of one stated number, as the site gives it (held to every spec's numbers)."""
    found = site.architecture(name)
    assert found is not None
    return next(c for c in found.checks if (c.claim.source, c.claim.value) == (source, value))


# --- the networks' shapes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "depth"),
    [
        # Five convolutions and three fully connected layers.
        ("alexnet-2012", 8),
        # 13 + 3 and 16 + 3: the number in the name.
        ("vgg-16", 16),
        ("vgg-19", 19),
        # conv1, conv2's reduction and 3×3, two deep in each of nine modules, the classifier:
        # 3 + 18 + 1, the paper's "22 layers deep when counting only layers with parameters".
        ("googlenet", 22),
        # conv1, two per block in 8 or 16 blocks, fc; the projection shortcut lies beside two.
        ("resnet-18", 18),
        ("resnet-34", 34),
        # conv1, squeeze and expand in each of eight Fire modules, conv10: 1 + 16 + 1.
        ("squeezenet-1.0", 18),
    ],
)
def test_depth_counts_the_layers_with_weights_on_the_longest_path(
    analyses: dict[str, Analysis], name: str, depth: int
) -> None:
    assert graph.depth(analyses[name]) == depth


def test_resnets_first_add_branches_are_its_three_projection_shortcuts(
    analyses: dict[str, Analysis],
) -> None:
    """Identity shortcuts are empty branches; where a stage halves the map, the shortcut is a
    strided 1×1 convolution and its batch norm: res3a_branch1, res4a_branch1, res5a_branch1."""
    shortcuts = [a for a in graph.arms(analyses["resnet-18"]) if a.key == ("add", 0, 2)]
    assert len(shortcuts) == 8
    assert [r.name for a in shortcuts for r in a.layers if graph.weighted(r)] == [
        "res3a_branch1",
        "res4a_branch1",
        "res5a_branch1",
    ]


def test_googlenet_has_nineteen_reductions_and_its_variant_fourteen_auxiliary_layers(
    analyses: dict[str, Analysis],
) -> None:
    """conv2's 1×1 before its 3×3, and two per inception module: 1 + 2 × 9 = 19. Each auxiliary
    classifier is seven layers (pool, conv, relu, fc, relu, dropout, fc): 14 feed only the
    declared outputs; googlenet itself declares none."""
    reductions = graph.reductions(analyses["googlenet"])
    assert len(reductions) == 19
    assert reductions[0].name == "conv2.3x3_reduce"
    assert all(r.name.endswith("_reduce") for r in reductions)
    assert len(graph.auxiliary(analyses["googlenet-aux"])) == 14
    assert graph.auxiliary(analyses["googlenet"]) == ()


def test_squeezenets_squeeze_feeds_two_expands_so_it_is_no_reduction(
    analyses: dict[str, Analysis],
) -> None:
    assert graph.reductions(analyses["squeezenet-1.0"]) == ()


def test_vgg16_stages_are_two_two_three_three_three_then_three_fc(
    analyses: dict[str, Analysis],
) -> None:
    """Strides 1, 2, 4, 8, 16 (each 2×2/2 pool doubles it), then fc6, fc7, fc8."""
    stages = graph.stages(analyses["vgg-16"])
    assert [(s.stride, len(s.layers), s.channels) for s in stages] == [
        (1, 2, 64),
        (2, 2, 128),
        (4, 3, 256),
        (8, 3, 512),
        (16, 3, 512),
        (None, 3, 1000),
    ]


def test_stage_sums_add_up_to_the_totals_on_every_spec(analyses: dict[str, Analysis]) -> None:
    for analysis in analyses.values():
        sums = graph.stage_sums(analysis)
        assert sum(s.params for s in sums) == analysis.totals.params, analysis.name
        assert sum(s.macs for s in sums) == analysis.totals.macs, analysis.name


def test_the_families_are_alexnets_then_one_per_successor_paper(
    analyses: dict[str, Analysis],
) -> None:
    """AlexNet's variants are the chains eight layers deep; successors group by their paper."""
    found = families.families(list(analyses.values()))
    assert [f.name for f in found] == [
        "AlexNet and its variants",
        "GoogLeNet",
        "ResNet",
        "SqueezeNet",
        "VGG",
    ]
    assert found[0].root.name == "alexnet-2012"
    assert "zfnet" in found[0].names and "vgg-16" not in found[0].names
    assert [f.root.name for f in found[1:]] == [
        "googlenet",
        "resnet-18",
        "squeezenet-1.0",
        "vgg-16",
    ]


@pytest.mark.parametrize(
    ("titles", "name"),
    [
        (["VGG-16 (Simonyan and Zisserman, 2014)", "VGG-19 (Simonyan and Zisserman, 2014)"], "VGG"),
        (["SqueezeNet v1.0 (Iandola et al.)", "SqueezeNet v1.1 (forresti)"], "SqueezeNet"),
        (["ZFNet (Zeiler and Fergus, 2013)"], "ZFNet"),
    ],
)
def test_a_familys_name_is_what_its_titles_begin_with(titles: list[str], name: str) -> None:
    assert families.family_name(titles) == name


# --- rounding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stated", "rule", "expected"),
    [
        # 60,965,224 / 1,248,424 = 48.83…: "50" is read to the ten, as its zero says (as a
        # count's trailing zeros say its place): 50 half up, 40 cut off, 50 to one figure.
        (Fraction(60_965_224, 1_248_424), "50", RoundingRule.HALF_UP, True),
        (Fraction(60_965_224, 1_248_424), "50", RoundingRule.DOWN, False),
        (Fraction(60_965_224, 1_248_424), "50", RoundingRule.ONE_FIGURE, True),
        # 12 has two figures: rounding to one cannot give it.
        (Fraction(12), "12", RoundingRule.ONE_FIGURE, False),
        # 3,663,761,408 / 19,632,062,464 × 100 = 18.66…: 19 half up, 18 cut off.
        (Fraction(3_663_761_408 * 100, 19_632_062_464), "18", RoundingRule.HALF_UP, False),
        (Fraction(3_663_761_408 * 100, 19_632_062_464), "18", RoundingRule.DOWN, True),
        # 2.27 to one figure is 2, not "about 3x".
        (Fraction(138_357_544, 60_965_224), "3", RoundingRule.ONE_FIGURE, False),
    ],
)
def test_each_rounding_rule_gives_a_figure_or_does_not(
    value: Fraction, stated: str, rule: RoundingRule, expected: bool
) -> None:
    assert rounding.FIGURE_RULES[rule](value, Decimal(stated)) is expected


@pytest.mark.parametrize(
    ("computed", "stated", "unit", "half_up", "cut_off"),
    [
        # 3,663,761,408: 3.7 billion half up, 3.6 cut off.
        (3_663_761_408, 3_600_000_000, None, False, True),
        # 388,736 against "380K": to the ten thousand (its zeros) it cuts off to 380,000; to the
        # thousand, as the rest of Table 1's column, it is 389K either way.
        (388_736, 380_000, None, False, True),
        (388_736, 380_000, 1_000, False, False),
        (99_850_240, 100_000_000, 1_000_000, True, False),
    ],
)
def test_a_rounded_count_rounds_half_up_or_cuts_off_to_its_unit(
    computed: int, stated: int, unit: int | None, half_up: bool, cut_off: bool
) -> None:
    assert rounding.count_rounds_to(computed, stated, unit) is half_up
    assert rounding.count_truncates_to(computed, stated, unit) is cut_off


# --- the stated totals --------------------------------------------------------------------------


def test_resnet34s_3_6_billion_is_the_network_with_identity_shortcuts(site: SiteModel) -> None:
    """Each shortcut does as much work: 128·64·28·28 = 256·128·14·14 = 512·256·7·7 = 6,422,528.
    3,663,761,408 − 3 × 6,422,528 = 3,644,493,824, 3.6 billion: the network with option (A)'s
    identity shortcuts, as the paper's own residual networks. With them it rounds to 3.7; cut
    off, it gives 3.6, but no other figure of the paper is cut off: a coincidence."""
    paper = stated(site, "resnet-34", "paper", 3_600_000_000)
    assert paper.verdict is Verdict.EXPLAINED
    (best,) = paper.hypotheses
    assert best.value == 3_663_761_408 - 3 * 6_422_528 == 3_644_493_824
    assert best.cause is hypotheses.Cause.OMISSION
    assert "projection shortcuts (res3a_branch1, res4a_branch1, res5a_branch1)" in (
        phrasing.explanation(best)
    )
    (cut,) = paper.coincidences
    assert cut.reading.changes == (hypotheses.CutOff(),)
    assert "which no other figure of the same source shows" in phrasing.doubts_text(cut.doubts)


def test_vgg16s_15_3_billion_is_its_convolutions_alone_only_by_coincidence(
    site: SiteModel,
) -> None:
    """fc6 25,088·4,096 + fc7 4,096·4,096 + fc8 4,096·1,000 = 123,633,664 multiply-accumulates;
    15,470,264,320 − 123,633,664 = 15,346,630,656, 15.3 billion. But the same parenthesis gives
    VGG-19 19.6 billion, which needs the fc layers: 19,632,062,464 rounds to it as it is, and
    without them 19,508,428,800 is 19.5. One count cannot give both."""
    fifteen = stated(site, "vgg-16", "resnet-paper", 15_300_000_000)
    assert fifteen.verdict is Verdict.UNEXPLAINED
    (fit,) = fifteen.coincidences
    assert fit.reading.value == 15_470_264_320 - 123_633_664
    assert phrasing.changes(fit.reading) == ("the fully connected layers left out",)
    (why,) = fit.doubts
    assert isinstance(why, plausibility.Redefines)
    assert (why.evidence.spec, why.value) == ("vgg-19", 19_508_428_800)
    assert stated(site, "vgg-19", "resnet-paper", 19_600_000_000).verdict is Verdict.ROUNDS_TO


def test_a_part_that_is_not_there_is_no_reading(analyses: dict[str, Analysis]) -> None:
    """SqueezeNet has no fully connected layer and VGG no branch: neither reading is offered."""
    squeeze = hypotheses.counts(analyses["squeezenet-1.0"], Quantity.PARAMS)
    assert not any("fc" in c.keys for c in squeeze)
    vgg = hypotheses.counts(analyses["vgg-16"], Quantity.PARAMS)
    assert not any(k.startswith("branch") for c in vgg for k in c.keys)


def test_a_figure_no_reading_gives_stays_unexplained(analyses: dict[str, Analysis]) -> None:
    """A billion: ResNet-34 has 3,663,761,408 multiply-accumulates, 3,663,249,408 without its fc
    layer, 3,644,493,824 without its shortcuts and 137,793,536 without the blocks' two
    convolutions: no reading comes near, cut off or rounded."""
    assert (
        hypotheses.explain_count(
            analyses["resnet-34"], 1_000_000_000, Quantity.MACS, unit=100_000_000
        )
        == ()
    )


# --- the stated comparisons ---------------------------------------------------------------------


def test_googlenets_12_times_fewer_is_unexplained(analyses: dict[str, Analysis]) -> None:
    """60,965,224 / 6,998,552 = 8.71…, 9 half up. For 12 GoogLeNet would need 60,965,224 / 12 =
    5,080,435⅓ parameters; no GoogLeNet, no part left out and no AlexNet of the site gets there."""
    found = comparison(analyses, "googlenet", "alexnet-2012")
    assert found.figure == Fraction(60_965_224, 6_998_552)
    assert found.verdict is Verdict.UNEXPLAINED
    assert found.fits == ()
    assert found.needed == Fraction(60_965_224, 12)


def test_squeezenets_50x_rounds_to_the_ten(analyses: dict[str, Analysis]) -> None:
    """60,965,224 / 1,248,424 = 48.83…: "50" read to the ten, as its zero says, is 50. The
    readings that would count ZFNet (49.95) or one-weird-trick (49.53) as AlexNet are not
    needed, and are not tried."""
    found = comparison(analyses, "squeezenet-1.0", "alexnet-2012")
    assert found.verdict is Verdict.ROUNDS_TO
    assert found.fits == found.coincidences == ()


def test_vgg_about_3x_fits_only_an_alexnet_of_fifty_million_a_coincidence(
    analyses: dict[str, Analysis],
) -> None:
    """138,357,544 / 60,965,224 = 2.27…, 2 half up and to one figure. TF-slim's alexnet_v2 has
    50,303,912 parameters: 2.75, 3; but it is another network than the paper's, which no source
    of the paper's spec describes (and the same passage of Inception-v3 gives AlexNet 60
    million). d2l's AlexNet (46,764,746: 2.96) is for ten classes, not the thousand of the
    others, and is not read."""
    found = comparison(analyses, "vgg-16", "alexnet-2012")
    assert found.figure == Fraction(138_357_544, 60_965_224)
    assert found.verdict is Verdict.UNEXPLAINED
    assert found.fits == ()
    (fit,) = found.coincidences
    assert (fit.reading.other.name, phrasing.fit_changes(fit.reading)) == (
        "tf-slim-alexnet-v2",
        ("tf-slim-alexnet-v2 for alexnet-2012",),
    )
    assert fit.doubts == (plausibility.Stranger("tf-slim-alexnet-v2", "alexnet-2012"),)


def test_resnet34s_18_percent_of_vgg19_is_the_papers_own_3_6_over_19_6(
    analyses: dict[str, Analysis],
) -> None:
    """3,663,761,408 / 19,632,062,464 × 100 = 18.66…%: 19 half up, 18 only cut off, which no
    other figure of the paper is. The paper's own rounded figures, 3.6 / 19.6 × 100 = 18.37%,
    round half up to 18."""
    found = comparison(analyses, "resnet-34", "vgg-19")
    assert found.verdict is Verdict.EXPLAINED
    (own,) = found.fits
    assert own.changes == (OwnFigures(3_600_000_000, 19_600_000_000),)
    assert own.figure == Fraction(3_600, 196)
    assert [k.reading.changes for k in found.coincidences] == [(Rounded(RoundingRule.DOWN),)]


def test_a_bias_convention_holds_for_both_networks_or_neither(
    analyses: dict[str, Analysis],
) -> None:
    """Without SqueezeNet v1.1's biases alone, 60,965,224 / 1,231,552 = 49.50… would round to 50;
    the AlexNet counted the same way, 60,954,656 / 1,231,552 = 49.49…, rounds to 49."""
    found = comparison(analyses, "squeezenet-1.0", "alexnet-2012")
    assert not any("biases" in c for f in found.fits for c in phrasing.fit_changes(f))


@pytest.mark.parametrize(
    ("form", "stated", "other", "needed"),
    [
        ("times_fewer", "12", 60_965_224, Fraction(60_965_224, 12)),
        ("times_more", "3", 60_965_224, 182_895_672),
        ("percent_of", "18", 19_632_062_464, Fraction(19_632_062_464 * 18, 100)),
        ("percent", "0.2", 60_965_224, Fraction(60_965_224 * 1002, 1000)),
    ],
)
def test_the_count_a_figure_needs_inverts_its_form(
    form: str, stated: str, other: int, needed: Fraction
) -> None:
    assert count_for(form, Decimal(stated), other) == needed


# --- SqueezeNet's 510x --------------------------------------------------------------------------


def test_510x_asks_about_three_bits_a_squeezenet_parameter(page: SuccessorsPage) -> None:
    """As 32-bit floats AlexNet's 60,965,224 parameters are 4 × 60,965,224 = 243,860,896 bytes;
    510 times smaller is 478,158.6 bytes, 8 × 478,158.6 / 1,248,424 = 3.06 bits a parameter."""
    assert file_bytes(60_965_224) == 243_860_896
    assert file_bytes(1_248_424) == 4_993_696
    implied = implied_bytes(file_bytes(60_965_224), 510)
    assert implied == Fraction(243_860_896, 510)
    assert bits_per_parameter(implied, 1_248_424) == 8 * implied / 1_248_424
    assert Fraction(306, 100) < bits_per_parameter(implied, 1_248_424) < Fraction(307, 100)
    (size,) = page.sizes
    first = size.files[0]
    assert first.names[0] == "alexnet-2012"
    assert first.size == 243_860_896
    assert first.implied == implied


# --- GoogLeNet's Table 1 ------------------------------------------------------------------------


TABLE_1_ROWS = [
    "conv1.7x7_s2",
    "conv2",
    *(f"inception_{m}" for m in ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")),
    "loss3.classifier",
]


def test_the_table_1_audit_lists_every_row_with_both_columns(page: SuccessorsPage) -> None:
    (table,) = page.tables
    assert table.analysis.name == "googlenet"
    assert [r.name for r in table.rows] == TABLE_1_ROWS
    assert all(r.cell(q) is not None for r in table.rows for q in (Quantity.PARAMS, Quantity.MACS))


def test_conv1s_2_7k_is_unexplained_and_nearest_without_biases(page: SuccessorsPage) -> None:
    """7·7·3·64 = 9,408 weights + 64 biases = 9,472; 2.7K is none of the readings."""
    (table,) = page.tables
    cell = table.rows[0].cell(Quantity.PARAMS)
    assert cell is not None
    assert cell.check.verdict is Verdict.UNEXPLAINED
    assert cell.fitting == ()
    assert (cell.nearest.count.value, cell.nearest.count.changes) == (
        9_408,
        (hypotheses.Biases(Quantity.PARAMS),),
    )


def test_inception_4b_fits_without_its_5x5_reduction_only_by_coincidence(
    page: SuccessorsPage,
) -> None:
    """449,160 − (480·24 + 24) = 449,160 − 12,312 = 436,848, "437K". The same reading misses the
    other rows, and no reading the audit takes gives more than two of the twelve."""
    (table,) = page.tables
    row = next(r for r in table.rows if r.name == "inception_4b")
    cell = row.cell(Quantity.PARAMS)
    assert cell is not None
    assert [(a.count.value, a.count.keys) for a in cell.fitting] == [
        (436_848, ("layer:5x5_reduce",))
    ]
    # The reading that reaches furthest, K = 1,024, gives two rows of the twelve: conv2's
    # 114,944 / 1.024 = 112,250 ("112K") and 3b's 388,736 / 1.024 = 379,625 ("380K").
    reach = table.reach(Quantity.PARAMS)
    assert (reach[0].keys, reach[0].rows) == (("binary",), ("conv2", "inception_3b"))
    # Every row: read to the thousand, loss3's 1,025,000 is 1,025K, not "1000K".
    assert len(table.missed(Quantity.PARAMS)) == 12
    # The audit lists the fit as coincidental: one layer of a row is no convention, and the
    # same reading gives none of the column's other rows.
    assert cell.check.verdict is Verdict.UNEXPLAINED
    (fit,) = cell.check.coincidences
    assert fit.reading.value == 436_848
    assert {type(d) for d in fit.doubts} == {plausibility.Unnamed, plausibility.Lone}


def test_table_1s_operations_follow_its_own_parameters(page: SuccessorsPage) -> None:
    """conv1: 34M / 2.7K = 12,592.6 against 112 × 112 = 12,544 positions; every row is within a
    tenth: the operations were worked out from the stated parameters."""
    (table,) = page.tables
    conv1 = table.rows[0]
    assert conv1.ops_per_param == ops_per_param(34_000_000, 2_700)
    assert conv1.positions == 112 * 112
    low, high = table.ops_to_positions() or (0, 0)
    assert Fraction(1) <= low <= high < Fraction(111, 100)
    assert table.ops_follow_params()


@pytest.mark.parametrize(
    ("first", "layer", "name"),
    [
        ("inception_3a.1x1", "inception_3a.output", "inception_3a"),
        ("conv2.3x3_reduce", "conv2.3x3", "conv2"),
        (None, "conv1.7x7_s2", "conv1.7x7_s2"),
        ("a", "b", "a…b"),
    ],
)
def test_a_rows_name_is_what_its_layers_share(first: str | None, layer: str, name: str) -> None:
    assert row_name(first, layer) == name


# --- the pages ----------------------------------------------------------------------------------


def test_the_successors_page_sets_each_claim_beside_the_specs(site: SiteModel) -> None:
    text = pages.successors_page(site)
    assert text is not None
    assert "\n# What the successors say about AlexNet\n" in text  # after the front matter
    assert "60,965,224 / 6,998,552 = 8.71" in text
    assert "60,965,224 / 1,248,424 = 48.83, which rounds half up to\n50" in text
    # Enough digits for the rounding shown: 2.345…, which rounds half up to 2.3.
    assert "818,924,576 / 349,151,936 = 2.345, which rounds half up to\n2.3" in text
    assert "| no, coincidental: it counts tf-slim-alexnet-v2 as alexnet-2012" in text
    assert "3,663,761,408 / 19,632,062,464 × 100 = 18.66" in text
    assert "| 243,860,896 |" in text and "| 478,159 |" in text
    for row in TABLE_1_ROWS:
        assert f"| **{row}** |" in text


def test_the_successors_page_follows_the_flagship_in_the_nav() -> None:
    ranks = [pages.nav_rank(p) for p in ("index.md", pages.FLAGSHIP_PAGE, pages.SUCCESSORS_PAGE)]
    assert ranks == sorted(ranks)
    assert pages.nav_rank(pages.SUCCESSORS_PAGE) < pages.nav_rank("architectures/")


def test_home_index_compare_and_lineage_group_by_family(site: SiteModel) -> None:
    home = pages.home_page(site)
    index = pages.architectures_index(site)
    for heading in ("AlexNet and its variants", "GoogLeNet", "ResNet", "SqueezeNet", "VGG"):
        assert f"### {heading}" in home
        assert f"## {heading}" in index
    assert "(successors.md)" in home
    compare_text = pages.compare_page(site)
    # ResNet-34 by stage: conv1 9,536 at ×2 … fc 513,000, summing to 21,797,672.
    assert "| 9,536 | 221,952 | 1,116,416 | 6,822,400 | 13,114,368 | 513,000 |" in compare_text
    lineage_text = pages.lineage_page(site)
    assert lineage_text is not None
    # ResNet-34: conv1, then 6, 8, 12 and 6 convolutions deep at strides 4 to 32, then fc.
    assert "| 34 |  | 1 (64) | 6 (64) | 8 (128) | 12 (256) | 6 (512) | 1 (1,000) |" in lineage_text
    # VGG-19's added convolutions are shown where they are, aligned by name.
    assert "|  | conv5_4 | Convolution added, output 512×14×14 |" in lineage_text


# --- the spec format: where a rounded figure was rounded ----------------------------------------


ROUNDED = """\
stated:
  - {{quantity: params, value: {value}, {approximate}rounded_to: {place}, source: src}}
"""


@pytest.mark.parametrize(
    ("value", "approximate", "place", "message"),
    [
        (380_000, "", 1000, "'rounded_to' is for a rounded figure: add 'approximate: true'"),
        (380_000, "approximate: true, ", 300, "'rounded_to' must be a power of ten"),
        (380_500, "approximate: true, ", 1000, "380500 is not a multiple of 'rounded_to' (1000)"),
    ],
)
def test_rounded_to_is_checked_where_it_is_written(
    tmp_path: Path, value: int, approximate: str, place: int, message: str
) -> None:
    text = ROUNDED.format(value=value, approximate=approximate, place=place)
    path = write_spec(
        tmp_path, text=text + spec_text("- {name: fc1, kind: fc, out_features: 10}\n")
    )
    (line,) = problems(path)
    assert line.startswith(f"{path}:2: field 'stated[1]'")
    assert message in line
