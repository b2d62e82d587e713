"""What each operation counter will say, predicted from the engine: hand-checked numbers and sums.

The counters themselves run in ``tests/test_counters_torch.py`` (slow, with torch); these tests
are pure. The hand-checked numbers are the ones the counters print for the networks' scripts.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from generator.analysis import counters as analysis_counters
from generator.analysis.counters import (
    Prediction,
    Term,
    UnknownModule,
    json_entry,
    module_calls,
    predict,
    predict_all,
    predict_layers,
)
from generator.core.counters import SITE, THOP, TOOLS, CounterRule, Measure, Op, Unit, tool
from generator.core.kinds import kind_of
from generator.core.kinds.base import TorchCode
from generator.core.results import Analysis
from generator.load import loader
from tests.helpers import ROOT

PYPROJECT = ROOT / "pyproject.toml"
FIXTURES = {
    path.stem: path for path in sorted((ROOT / "tests" / "fixtures").glob("mobilenet*.yml"))
}


@pytest.fixture(scope="module")
def fixtures() -> dict[str, Analysis]:
    """The specs that are not shipped: a MobileNet v1, and a small network with every kind."""
    return {name: loader.analyse(loader.load(path)) for name, path in FIXTURES.items()}


def numbers(analysis: Analysis) -> dict[str, int]:
    return {p.tool: p.total for p in predict_all(analysis)}


def terms(analysis: Analysis, name: str) -> dict[str, int]:
    return dict(predict(analysis, tool(name)).terms)


# --- Hand-checked networks -----------------------------------------------------------------------


def test_torchvision_alexnet(analyses: dict[str, Analysis]) -> None:
    """torchvision's AlexNet at 224: 714,188,480 multiply-accumulates on the site.

    - conv and fc outputs, one bias each: 64·55² + 192·27² + 384·13² + 2·256·13² + 2·4096 + 1000
      = 193,600 + 139,968 + 64,896 + 86,528 + 8,192 + 1,000 = 494,184 (fvcore's activations too);
    - ReLU outputs: the same less the last fc's 1,000: 493,184;
    - max-pool inputs: 193,600 + 139,968 + 43,264 = 376,832; the adaptive pool's 256·6² = 9,216,
      each window one value (6×6 in, 6×6 out).

    fvcore adds the adaptive pool's inputs; torch's flop counter doubles; ptflops' aten backend and
    torchinfo add the biases; ptflops' pytorch backend adds the biases, and the ReLUs and pools
    twice (module hook and patched function); thop adds one addition per window input and one
    division per output of the adaptive pool.
    """
    analysis = analyses["torchvision-alexnet"]
    assert analysis.totals.macs == 714_188_480
    assert numbers(analysis) == {
        "fvcore": 714_188_480 + 9_216,
        "fvcore-activations": 494_184,
        "torch-flop-counter": 2 * 714_188_480,
        "ptflops-aten": 714_188_480 + 494_184,
        "ptflops-pytorch": 714_188_480 + 494_184 + 2 * 493_184 + 2 * 376_832 + 2 * 9_216,
        "thop": 714_188_480 + 9_216 + 9_216,
        "torchinfo": 714_188_480 + 494_184,
    }
    assert numbers(analysis) == {
        "fvcore": 714_197_696,
        "fvcore-activations": 494_184,
        "torch-flop-counter": 1_428_376_960,
        "ptflops-aten": 714_682_664,
        "ptflops-pytorch": 716_441_128,
        "thop": 714_206_912,
        "torchinfo": 714_682_664,
    }
    assert terms(analysis, "ptflops-pytorch") == {
        "biases": 494_184,
        "activation functions": 986_368,
        "pooling": 753_664,
        "adaptive pooling": 18_432,
    }
    assert terms(analysis, "torch-flop-counter") == {"× 2 (FLOPs)": 714_188_480}
    assert terms(analysis, "fvcore-activations") == {}


def test_alexnet_2012_lrn_and_softmax(analyses: dict[str, Analysis]) -> None:
    """The paper's AlexNet: LRN after conv1 (96×55×55) and conv2 (256×27×27), size 5.

    ptflops' patched functions inside ``F.local_response_norm`` count 3 per input value (a square,
    ``mul(alpha)``, ``add(k)``) and 1 per square of the channel-padded average pool:
    ``3·96·55² + 100·55² + 3·256·27² + 260·27² = 1,173,700 + 749,412 = 1,923,112``. thop counts a
    softmax over 1,000 values as 1,000 exponentials, 999 additions and 1,000 divisions: 2,999.
    """
    analysis = analyses["alexnet-2012"]
    assert terms(analysis, "ptflops-pytorch")["LRN"] == 1_923_112
    assert terms(analysis, "ptflops-pytorch")["Softmax"] == 1_000
    assert terms(analysis, "thop") == {"Softmax": 2_999}
    assert predict(analysis, tool("fvcore-activations")).total == 659_272 == analysis.totals.neurons


def test_resnet_18_batch_norm(analyses: dict[str, Analysis]) -> None:
    """ResNet-18: 20 batch norms over 2,483,712 values of 4,800 channels in all.

    fvcore counts 2 per value (eval mode, affine), ptflops 2, thop 4 (``2·n``, doubled when
    affine); torchinfo counts the parameters, 2 per channel: 9,600. The 512×7×7 adaptive pool
    gives fvcore 25,088 and thop 25,088 + 512.
    """
    analysis = analyses["resnet-18"]
    assert terms(analysis, "fvcore") == {"batch norm": 4_967_424, "adaptive pooling": 25_088}
    assert terms(analysis, "thop") == {
        "batch norm": 4 * 2_483_712,
        "adaptive pooling": 25_088 + 512,
        "Softmax": 2_999,
    }
    assert terms(analysis, "torchinfo") == {"batch norm": 9_600, "biases": 1_000}
    assert numbers(analysis)["torchinfo"] == 1_814_083_944


def test_mobilenet_v1(fixtures: dict[str, Analysis]) -> None:
    """MobileNet v1 (Table 8: 569 million mult-adds, 4.2 million parameters): 568,740,352 MACs,
    4,231,976 parameters, no bias but the fc's. Its 27 batch norms follow every convolution.

    torchinfo adds 2 per batch-norm channel: 2·(32 + Σ dw channels + Σ pw channels) with the
    depthwise convolutions keeping 32, 64, 128, 128, 256, 256, 512 ×6, 1024 channels and the
    pointwise ones making 64, 128, 128, 256, 256, 512 ×6, 1024, 1024: 2·(32 + 4,960 + 5,952)
    = 21,888; and the fc's 1,000 biases.
    """
    analysis = fixtures["mobilenet-v1"]
    assert (analysis.totals.macs, analysis.totals.params) == (568_740_352, 4_231_976)
    assert terms(analysis, "torchinfo") == {"batch norm": 21_888, "biases": 1_000}
    assert terms(analysis, "torch-flop-counter") == {"× 2 (FLOPs)": 568_740_352}


def test_average_pool_windows_are_clipped_to_the_padded_input(
    fixtures: dict[str, Analysis],
) -> None:
    """thop's average pool: the values of every window, padding counted but clipped, then one
    division per output. ``pool2`` is 3×3/2, padding 1, ``ceil``, over 32×14×14: 8 windows per
    axis starting at −1, 1, …, 13, the last clipped to the padded input [−1, 15): 7·3 + 2 = 23
    values per axis, ``32·23² + 32·8² = 16,928 + 2,048 = 18,976``."""
    (layer,) = [
        layer
        for layer in predict_layers(fixtures["mobilenet-mixed"], tool("thop"))
        if layer.layer == "pool2"
    ]
    assert layer.total == 18_976


def test_an_adaptive_pool_counts_overlapping_windows(fixtures: dict[str, Analysis]) -> None:
    """3×3 to 2×2: windows [0, 2) and [1, 3) per axis overlap, 4 values per axis: thop counts
    32·4·4 = 512 additions and 32·2·2 = 128 divisions."""
    (call,) = module_calls(fixtures["mobilenet-mixed"].layer("pool4"))
    assert call.op is Op.ADAPTIVE_AVG_POOL
    (layer,) = [
        layer
        for layer in predict_layers(fixtures["mobilenet-mixed"], tool("thop"))
        if layer.layer == "pool4"
    ]
    assert layer.total == 32 * 4 * 4 + 32 * 2 * 2


# --- Every network -------------------------------------------------------------------------------


def every_analysis(analyses: dict[str, Analysis], fixtures: dict[str, Analysis]) -> list[Analysis]:
    return [*analyses.values(), *fixtures.values()]


def test_terms_add_up_to_the_counters_numbers(
    analyses: dict[str, Analysis], fixtures: dict[str, Analysis]
) -> None:
    for analysis in every_analysis(analyses, fixtures):
        for prediction in predict_all(analysis):
            assert prediction.total == prediction.baseline + sum(v for _, v in prediction.terms)
            assert all(value != 0 for _, value in prediction.terms)
            assert SITE not in dict(prediction.terms), "the site's count is the baseline"


@pytest.mark.slow
def test_the_layers_add_up_to_the_network(
    analyses: dict[str, Analysis], fixtures: dict[str, Analysis]
) -> None:
    for analysis in every_analysis(analyses, fixtures):
        for counter in TOOLS:
            layers = predict_layers(analysis, counter)
            assert [layer.layer for layer in layers] == [r.name for r in analysis.layers]
            assert sum(layer.total for layer in layers) == predict(analysis, counter).total
            site = sum(dict(layer.terms).get(SITE, 0) for layer in layers)
            assert site == predict(analysis, counter).baseline, counter.name


def test_the_mixed_fixture_builds_every_module_the_rules_know(
    fixtures: dict[str, Analysis],
) -> None:
    built = {call.op for r in fixtures["mobilenet-mixed"].layers for call in module_calls(r)}
    assert built == set(Op)


def test_no_counter_counts_the_site_s_parameters_differently(
    analyses: dict[str, Analysis],
) -> None:
    for prediction in predict_all(analyses["resnet-18"]):
        assert prediction.params in (None, 11_689_512)


def test_a_counter_that_skips_some_of_the_site_s_count_shows_it_as_a_term(
    analyses: dict[str, Analysis],
) -> None:
    """torchvision AlexNet's fc layers: 9216·4096 + 4096·4096 + 4096·1000 = 58,621,952 MACs."""
    skipping = dataclasses.replace(
        THOP, rules={**THOP.rules, Op.LINEAR: CounterRule((), "thop/nowhere.py", "Nothing.")}
    )
    prediction = predict(analyses["torchvision-alexnet"], skipping)
    assert prediction.terms == (
        ("the site's count it leaves out", -58_621_952),
        ("adaptive pooling", 18_432),
    )
    assert prediction.total == 714_206_912 - 58_621_952


def test_as_json() -> None:
    prediction = Prediction("ptflops-aten", Unit.MACS, 12, 3, 10, (Term("biases", 2),))
    assert json_entry(prediction) == {"macs": 12, "params": 3, "terms": [["biases", 2]]}
    flops = Prediction("torch-flop-counter", Unit.FLOPS, 20, None, 10, (Term("× 2 (FLOPs)", 10),))
    assert json_entry(flops)["flops"] == 20


def test_a_module_without_rules_is_named(
    analyses: dict[str, Analysis], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new kind whose PyTorch module the counters do not know fails with what to do."""
    result = analyses["torchvision-alexnet"].layer("conv1")

    class Unknown:
        @staticmethod
        def torch(_: object) -> TorchCode:
            return TorchCode(("nn.Hardswish()",))

    monkeypatch.setattr(analysis_counters, "kind_of", lambda layer: Unknown)
    with pytest.raises(UnknownModule, match="no rules for module 'Hardswish'"):
        module_calls(result)
    monkeypatch.undo()
    assert kind_of(result.layer).names == ("conv",)


# --- The conventions as data ---------------------------------------------------------------------


def test_every_counter_has_a_rule_with_a_source_for_every_module() -> None:
    for counter in TOOLS:
        assert set(counter.rules) == set(Op), counter.name
        for op, rule in counter.rules.items():
            assert re.search(r"\w+/[\w/]+\.py", rule.source), (counter.name, op)
            assert rule.note.endswith("."), (counter.name, op)


def test_every_quantity_is_counted_by_some_rule() -> None:
    used = {c.quantity for t in TOOLS for rule in t.rules.values() for c in rule.counts}
    assert used == set(Measure)


def test_the_rules_cite_the_versions_the_test_extra_pins() -> None:
    """A version bump is a change to the pins and to the rules' versions at once."""
    pins = dict(re.findall(r'^\s*"([\w.-]+)==([\w.]+)",', PYPROJECT.read_text("utf-8"), re.M))
    for counter in TOOLS:
        assert pins[counter.package] == counter.version, counter.name


def test_names_are_unique_and_found() -> None:
    assert len({counter.name for counter in TOOLS}) == len(TOOLS)
    assert tool("thop").package == "ultralytics-thop"
    with pytest.raises(KeyError):
        tool("calflops")


def test_fixtures_are_not_shipped() -> None:
    assert not any(
        Path(ROOT / "docs" / "architectures" / f"{name}.yml").exists() for name in FIXTURES
    )
