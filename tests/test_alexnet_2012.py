"""The paper's network, checked by hand against the paper and cuda-convnet's rules.

conv1: cuda-convnet gives 1 + ⌈(224 − 11) / 4⌉ = 1 + ⌈53.25⌉ = 55 positions, so 96×55×55 = 290,400
neurons, while the Figure 2 caption says 253,440. Every other caption number is C×H×W of its layer.
"""

from __future__ import annotations

from fractions import Fraction

from generator.analysis.audit import Verdict, audit
from generator.core.results import Analysis


def test_conv1_is_96_by_55_by_55(analyses: dict[str, Analysis]) -> None:
    conv1 = analyses["alexnet-2012"].layer("conv1")
    assert conv1.output == (96, 55, 55)
    assert conv1.neurons == 290_400


def test_conv1_size_is_54_25_before_rounding_up(analyses: dict[str, Analysis]) -> None:
    height = analyses["alexnet-2012"].layer("conv1").axes[0]  # type: ignore[index]
    assert height.exact == Fraction(217, 4)
    assert height.output == 55
    # The last window starts at 54·4 = 216 and ends at 227: three pixels past the 224 edge.
    assert height.overhang == 3
    assert height.unused == 0


def test_parameters_with_grouped_conv2_conv4_conv5(analyses: dict[str, Analysis]) -> None:
    """34,944 + 307,456 + 885,120 + 663,936 + 442,624 + 37,752,832 + 16,781,312 + 4,097,000."""
    paper = analyses["alexnet-2012"]
    assert [paper.layer(n).params for n in ("conv1", "conv2", "conv3", "conv4", "conv5")] == [
        34_944,
        307_456,
        885_120,
        663_936,
        442_624,
    ]
    assert paper.totals.params == 60_965_224


def test_neurons_of_every_layer(analyses: dict[str, Analysis]) -> None:
    paper = analyses["alexnet-2012"]
    names = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]
    assert [paper.layer(n).neurons for n in names] == [
        290_400,
        186_624,
        64_896,
        64_896,
        43_264,
        4096,
        4096,
        1000,
    ]
    assert paper.totals.neurons == 659_272


def test_only_conv1_disagrees_with_the_caption(analyses: dict[str, Analysis]) -> None:
    checks = [c for c in audit(analyses["alexnet-2012"]) if c.claim.layer not in (None, "input")]
    assert len(checks) == 8
    mismatched = {
        c.claim.layer: (c.claim.value, c.computed)
        for c in checks
        if c.verdict is not Verdict.MATCHES
    }
    assert mismatched == {"conv1": (253_440, 290_400)}


def test_cross_gpu_connections_follow_section_3_5(analyses: dict[str, Analysis]) -> None:
    """conv3 and the fc layers read both GPUs; conv2, conv4 and conv5 only their own."""
    paper = analyses["alexnet-2012"]
    crossing = {r.name for r in paper.layers if r.cross_tower}
    assert crossing == {"conv3", "fc6", "fc7", "fc8"}
    assert paper.layer("conv1").towers == 2


def test_the_abstract_60_million_parameters_rounds_but_650000_neurons_is_unexplained(
    analyses: dict[str, Analysis],
) -> None:
    """60,965,224 rounds to 60 million. 659,272 rounds to 660,000; 650,000 is 659,272 cut off,
    which nothing else in the paper shows, or the neurons without the fc layers' 9,192 (650,080),
    which Figure 2's caption rules out: it counts fc6's 4,096 neurons."""
    totals = {
        c.claim.quantity.value: c
        for c in audit(analyses["alexnet-2012"])
        if c.claim.layer is None and c.claim.source == "paper"
    }
    assert totals["params"].verdict is Verdict.ROUNDS_TO
    neurons = totals["neurons"]
    assert neurons.verdict is Verdict.UNEXPLAINED
    assert neurons.hypotheses == ()
    assert [k.reading.value for k in neurons.coincidences] == [650_080, 659_272]


def test_253440_is_explained_by_a_slip_in_the_tower_product(analyses: dict[str, Analysis]) -> None:
    """2 × 48 × 48 × 55 = 253,440: Figure 2's 2 × 48 × 55 × 55 with one 55 written as 48."""
    (conv1,) = [c for c in audit(analyses["alexnet-2012"]) if c.claim.layer == "conv1"]
    assert conv1.verdict is Verdict.EXPLAINED
    assert conv1.hypotheses[0].expression == "2 × 48 × 48 × 55"
