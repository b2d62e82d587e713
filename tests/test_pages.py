"""The generated pages say what the numbers say: the flagship answer, the audit, the lineage."""

from __future__ import annotations

import pytest

from generator.analysis import lineage, versions
from generator.analysis.model import SiteModel, build_site_model
from generator.core.results import Analysis
from generator.render import pages, phrasing


@pytest.fixture(scope="module")
def all_analyses(analyses: dict[str, Analysis]) -> SiteModel:
    return build_site_model(list(analyses.values()))


def test_the_flagship_retraces_the_question(all_analyses: SiteModel) -> None:
    text = pages.flagship_page(all_analyses)
    assert text is not None
    assert text.startswith("# Where does 253,440 come from?")
    assert "(224 − 11) / 4 + 1 = **54.25**" in text
    assert "96 × 55 × 55 = **290,400**" in text
    assert "| 1 | 2 × 48 × 48 × 55 = 253,440 |" in text
    assert "7 of the 8 caption numbers are exactly C×H×W" in text
    assert "None of these hypotheses changes the geometry" in text


def test_every_version_of_conv1(analyses: dict[str, Analysis]) -> None:
    """floor: ⌊54.25⌋ = 54; every fix that tiles gives 55; Caffe's ceil pooling brings 54 back to 27."""
    found = {r.key: r for r in versions.versions(analyses["alexnet-2012"])}
    sizes = {key: r.first_conv.output[1] for key, r in found.items() if r.first_conv}
    assert sizes == {
        "floor": 54,
        "cuda-convnet": 55,
        "input-227": 55,
        "padding-2": 55,
        "padding-3": 55,
        "caffe-pooling": 54,
    }
    caffe = found["caffe-pooling"].analysis
    assert caffe is not None and caffe.layer("pool1").output == (96, 27, 27)
    floor = found["floor"].analysis
    assert floor is not None and floor.layer("pool5").output == (256, 5, 5)


def test_no_version_gives_the_caption_number(analyses: dict[str, Analysis]) -> None:
    for version in versions.versions(analyses["alexnet-2012"]):
        assert version.first_conv is not None
        assert version.first_conv.neurons != 253_440


def test_the_audit_page_tallies_every_verdict(all_analyses: SiteModel) -> None:
    """Explained, 13: the caption's 253,440 (2 × 48 × 48 × 55, one 55 written as 48); CS231n's
    227 input (224 rounded up tiles as 227 rounded down); GoogLeNet's 1.5 billion (Table 1's own
    column, 1,502M); the single-column model's "0.2% more parameters" (its released code's
    network); ResNet-34's 3.6 billion (identity shortcuts, option A) and "18%" (the paper's own
    3.6 / 19.6); ptflops' aten backend's 15.48 GMac for VGG-16 (ptflops' own count); and six
    figures of counters' own tables, each the number that counter's rules give (ptflops' pytorch
    backend for ResNet-18, SqueezeNet 1.0, torchvision's AlexNet and VGG-16; fvcore, through
    timm's benchmark, for ResNet-18 and ResNet-34). Every other mismatch is unexplained, its fits
    listed as coincidental."""
    text = pages.audit_page(all_analyses)
    assert "| **matches** | 85 |" in text
    assert "| **rounds to** | 60 |" in text
    assert "| **explained** | 13 |" in text
    assert "| **unexplained** | 29 |" in text
    assert "| all | 187 |" in text
    assert "2 × 48 × 48 × 55 = 253,440" in text
    # A verdict's reason is a sentence, never the number restated as an equation.
    assert "659,272 = 659,272" not in text
    assert "Every difference is stated − computed." in text


def test_caffenet_differs_from_bvlc_only_in_where_pooling_sits(
    analyses: dict[str, Analysis],
) -> None:
    """CaffeNet pools before it normalises: two moves (each pooling layer past its normalisation),
    not a layer added and one removed; the normalisations then work on the pooled maps."""
    found = lineage.differences(analyses["bvlc-alexnet"], analyses["caffenet"])
    assert [(d.base, d.variant) for d in found if d.base is None or d.variant is None] == []
    moves = [(d.base, d.changes[0]) for d in found if isinstance(d.changes[0], lineage.Moved)]
    assert moves == [
        ("pool1", lineage.Moved("max_pool", ("lrn",), after=False)),
        ("pool2", lineage.Moved("max_pool", ("lrn",), after=False)),
    ]
    words = [phrasing.difference_text(d) for d in found]
    assert words == [
        "pooling before normalisation instead of after",
        "output 96×27×27 instead of 96×55×55",
        "pooling before normalisation instead of after",
        "output 256×13×13 instead of 256×27×27",
    ]


def test_lineage_says_differences_in_words(all_analyses: SiteModel) -> None:
    """No internal value: rounding rules, towers and spec values as a reader says them."""
    text = pages.lineage_page(all_analyses)
    assert text is not None
    for internal in ("ceil_unclipped", "None", "→", "towers 1", "k 2.0", "True", "False"):
        assert internal not in text, internal
    assert "| conv1 | conv1 | rounds down instead of up |" in text
    assert "one tower instead of two" in text
    assert "| pool1 | pool1 | pooling before normalisation instead of after;" in text
    assert "k = 1 instead of 2" in text
    assert "a convolution instead of a fully connected layer" in text
    assert "ReLU after normalisation and pooling instead of before" in text


def test_the_home_page_links_the_flagship(all_analyses: SiteModel) -> None:
    assert "](where-does-253440-come-from.md)" in pages.home_page(all_analyses)
