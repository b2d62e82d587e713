"""torchvision's AlexNet: padding 2 makes a 224 input give 55, and 61,100,840 parameters."""

from __future__ import annotations

from generator.analysis.audit import Verdict, audit
from generator.core.results import Analysis


def test_conv1_is_64_by_55_by_55(analyses: dict[str, Analysis]) -> None:
    """⌊(224 + 2·2 − 11) / 4⌋ + 1 = ⌊54.25⌋ + 1 = 55."""
    assert analyses["torchvision-alexnet"].layer("conv1").output == (64, 55, 55)


def test_shapes_through_the_features(analyses: dict[str, Analysis]) -> None:
    tv = analyses["torchvision-alexnet"]
    assert [
        tv.layer(n).output
        for n in ("pool1", "conv2", "pool2", "conv5", "pool5", "avgpool", "flatten")
    ] == [
        (64, 27, 27),
        (192, 27, 27),
        (192, 13, 13),
        (256, 13, 13),
        (256, 6, 6),
        (256, 6, 6),
        (9216,),
    ]


def test_parameters(analyses: dict[str, Analysis]) -> None:
    tv = analyses["torchvision-alexnet"]
    assert tv.totals.params == 61_100_840
    exact = [c for c in audit(tv) if c.claim.quantity.value == "params" and not c.claim.approximate]
    assert [c.claim.source for c in exact] == ["torchvision", "calflops-readme"]
    assert all(c.verdict is Verdict.MATCHES for c in exact)
