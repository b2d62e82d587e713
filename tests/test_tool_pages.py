"""What your tool will say: each architecture page's counters table and the conventions page, as a
reader sees them. The counters themselves run in ``tests/test_counters_torch.py`` (slow); the
predictions' arithmetic is checked by hand in ``tests/test_counters.py``."""

from __future__ import annotations

import html
import json
import re

import pytest

from generator.analysis import counters as analysis_counters
from generator.core.counters import TOOLS, Op
from generator.core.kinds.base import TorchCode
from generator.core.results import Analysis
from generator.load import loader
from generator.render import concepts, conventions, pages
from generator.render.phrasing import short_title
from tests.helpers import ROOT, Table, generated_files, html_tables, number

HEAD = ["Tool", "Reports", "Its number", "Against the site's count"]
TITLES = [
    "fvcore FlopCountAnalysis",
    "fvcore ActivationCountAnalysis",
    "torch FlopCounterMode",
    "ptflops aten backend",
    "ptflops pytorch backend",
    "ultralytics-thop profile",
    "torchinfo summary",
]
#: A signed amount of a row's words: ``+ 494,184:``, ``− 58,621,952:``.
AMOUNT = re.compile(r"([+−]) ([\d,]+):")


@pytest.fixture(scope="module")
def files(analyses: dict[str, Analysis]) -> dict[str, str]:
    mobilenet = loader.analyse(loader.load(ROOT / "tests" / "fixtures" / "mobilenet-v1.yml"))
    return generated_files([*analyses.values(), mobilenet])


def tools_table(page: str) -> Table:
    (table,) = [t for t in html_tables(page) if t.headers == HEAD]
    return table


def rows(page: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in tools_table(page).rows}


def test_torchvision_alexnet_says_what_each_tool_will_say(files: dict[str, str]) -> None:
    """714,188,480 MACs on the site; 494,184 conv and fc outputs, one bias addition each; the
    adaptive pool's 256·6² = 9,216 inputs; ReLU outputs 493,184 and max-pool inputs 376,832,
    each counted twice by ptflops' pytorch backend (the module hook and the patched function)."""
    page = files["architectures/torchvision-alexnet.md"]
    assert "## What your tool will say" in page
    assert "This site counts 714,188,480 multiply-accumulates and 494,184 neurons per image" in page
    found = rows(page)
    assert list(found) == TITLES
    assert found["fvcore FlopCountAnalysis"] == [
        "multiply-accumulates",
        "714,197,696",
        "+ 9,216: the adaptive pooling (AdaptiveAvgPool2d: 1 per input value); biases not counted",
    ]
    assert found["torch FlopCounterMode"] == [
        "FLOPs",
        "1,428,376,960",
        "× 2: FLOPs, a multiplication and an addition per multiply-accumulate; biases not counted",
    ]
    assert found["ptflops aten backend"][1:] == [
        "714,682,664",
        "+ 494,184: one addition per bias, at each output of a layer with biases",
    ]
    assert found["fvcore ActivationCountAnalysis"][1:] == [
        "494,184",
        "= the site's neurons (conv and fc outputs)",
    ]
    pytorch = found["ptflops pytorch backend"][2]
    assert "+ 986,368: the activation functions (ReLU: 2 per output value)" in pytorch
    assert "+ 753,664: the pooling layers (MaxPool2d: 2 per input value)" in pytorch
    assert "also report 61,100,840 parameters, the site's count" in page
    assert "Versions: fvcore 0.1.5.post20221221, torch 2.13.0, ptflops 0.7.5" in page


def test_every_page_s_words_add_up_to_each_tool_s_number(
    files: dict[str, str], analyses: dict[str, Analysis]
) -> None:
    """Read as a reader would: the site's count, plus each amount the row names (or twice the
    site's count for FLOPs), is the number in the row."""
    for name, analysis in analyses.items():
        found = rows(files[f"architectures/{name}.md"])
        assert list(found) == TITLES, name
        for title, (unit, shown, words) in found.items():
            site = (
                analysis.totals.neurons if unit.startswith("activations") else analysis.totals.macs
            )
            if words.startswith("× 2"):
                assert number(shown) == 2 * site, (name, title)
                continue
            amounts = [
                (1 if sign == "+" else -1) * number(value) for sign, value in AMOUNT.findall(words)
            ]
            assert number(shown) == site + sum(amounts), (name, title, words)
            assert amounts or words.startswith("= the site's"), (name, title, words)


def test_a_network_with_batch_norm_says_how_each_tool_counts_it(files: dict[str, str]) -> None:
    """MobileNet v1, a spec the site does not ship: 27 batch norms, one after every convolution.
    torchinfo counts 2 per channel: 2·(32 + 4,960 + 5,952) = 21,888."""
    found = rows(files["architectures/mobilenet-v1.md"])
    assert found["torchinfo summary"][2].startswith(
        "+ 21,888: the batch norms (BatchNorm2d: 1 per parameter)"
    )
    assert found["torch FlopCounterMode"][1] == "1,137,480,704"


def test_a_network_built_from_a_module_without_rules_says_so(
    analyses: dict[str, Analysis], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unknown:
        @staticmethod
        def torch(_: object) -> TorchCode:
            return TorchCode(("nn.Hardswish()",))

    monkeypatch.setattr(analysis_counters, "kind_of", lambda layer: Unknown)
    page = generated_files([analyses["torchvision-alexnet"]])[
        "architectures/torchvision-alexnet.md"
    ]
    assert (
        "No counter's number: layer 'conv1' (conv): the counters have no rules for module " in page
    )
    assert not [t for t in html_tables(page) if t.headers == HEAD]


def test_the_conventions_page_gives_every_rule_its_source_and_version(
    files: dict[str, str],
) -> None:
    page = files[conventions.PAGE]
    assert page.startswith("# Counting conventions: what your tool will say")
    assert "**two FLOPs per MAC**" in page
    sections = page.split("\n### ")[1:]
    assert len(sections) == len(TOOLS)
    for tool, section in zip(TOOLS, sections, strict=True):
        assert section.startswith(f"{TITLES[TOOLS.index(tool)]} {{ #{tool.name} }}")
        text = html.unescape(re.sub(r"<[^>]+>", "", section))
        assert f"{tool.label}: {tool.package} {tool.version}." in text
        modules = [
            name.strip()
            for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| Module")
            for name in line.split(" | ")[0].removeprefix("| ").split(",")
        ]
        assert sorted(modules) == sorted(op.value for op in Op), tool.name
        for rule in tool.rules.values():
            assert rule.source in text, tool.name


def test_the_conventions_page_gives_every_network_under_every_counter(
    files: dict[str, str], analyses: dict[str, Analysis]
) -> None:
    """torchvision's AlexNet: the site's 714,188,480 and each MAC counter's (fvcore's 9,216
    more); then twice the site's in FLOPs, and the 494,184 activations."""
    page = files[conventions.PAGE]
    link = "| [torchvision AlexNet](architectures/torchvision-alexnet.md) |"
    rows = [li for li in page.splitlines() if li.startswith(link)]
    assert rows == [
        f"{link} 714,188,480 | 714,197,696 | 714,682,664 | 716,441,128 | 714,206,912 "
        "| 714,682,664 |"
    ]
    # The second table names the networks without linking them again.
    assert "| torchvision AlexNet | 714,188,480 | 1,428,376,960 | 494,184 | 494,184 |" in page
    for a in analyses.values():
        assert page.count(f"| [{short_title(a.spec.title)}](architectures/{a.name}.md) |") == 1


def test_the_conventions_page_is_linked_and_in_the_nav(files: dict[str, str]) -> None:
    assert "[counting conventions](conventions.md)" in files[concepts.PAGE]
    assert "[counting conventions](../conventions.md)" in files["architectures/alexnet-2012.md"]
    rank = pages.nav_rank(conventions.PAGE)[0]
    assert rank == pages.nav_rank(concepts.PAGE)[0] + 1


def test_the_pages_download_holds_each_tools_number(files: dict[str, str]) -> None:
    """The JSON a reader downloads is ``show --json``: each counter's number and its terms."""
    data = json.loads(files["architectures/torchvision-alexnet/torchvision-alexnet.json"])
    assert data["tools"]["fvcore"] == {
        "macs": 714_197_696,
        "params": 61_100_840,
        "terms": [["adaptive pooling", 9_216]],
    }
    assert data["tools"]["torch-flop-counter"]["flops"] == 2 * data["totals"]["macs"]
