"""Every operation counter, run on every network's PyTorch script, gives the number predicted for it.

The counters (fvcore, ``torch.utils.flop_counter``, ptflops with both backends, ultralytics-thop,
torchinfo) run on ``Network`` from the script each page offers (:mod:`generator.render.snippet`),
at the spec's input size, batch 1, and their numbers must equal, to the integer, what
:mod:`generator.analysis.counters` predicts from the engine's layers and the rules of
:mod:`generator.core.counters`. The pins in ``pyproject.toml``'s ``test`` extra are the versions
those rules cite; a new version that counts differently fails here, and the failure runs the
counter on each layer alone to name the layers (and their kinds) whose count moved, and by how much.

Slow (a few minutes: every network is built once per counter); skipped with a how-to when torch or
a counter is missing, and failed instead under ``CI=true``, where they are installed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.analysis.counters import predict, predict_layers
from generator.core.counters import PTFLOPS_ATEN, TOOLS, Op, Tool
from generator.core.results import Analysis
from generator.load import loader
from generator.render.snippet import pytorch_snippet
from tests.helpers import ROOT, SHIPPED
from tests.requirements import require

pytestmark = pytest.mark.slow

INSTALL = "pip install -e '.[test]'"
torch = require("torch", "pip install torch==2.13.0")
with warnings.catch_warnings():
    # fvcore.nn scripts its focal loss with torch.jit.script when imported, which torch 2.13
    # deprecates; nothing here uses it.
    warnings.simplefilter("ignore", DeprecationWarning)
    fvcore_nn = require("fvcore.nn", INSTALL)
flop_counter = require("torch.utils.flop_counter", "pip install torch==2.13.0")
ptflops = require("ptflops", INSTALL)
thop = require("thop", INSTALL)
torchinfo = require("torchinfo", INSTALL)
nn = torch.nn

#: The specs that are not shipped: a MobileNet, and a small network with every kind in it.
FIXTURES = sorted((ROOT / "tests" / "fixtures").glob("mobilenet*.yml"))

#: A counter's number for a module and an input: ``(total, params or None)``.
Run = Callable[[Any, Any], tuple[float, int | None]]


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    """Predictable timing on a shared machine: the counts do not depend on it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@contextlib.contextmanager
def quietly() -> Iterator[None]:
    """The counters' own chatter (ptflops prints, fvcore warns about operators it does not
    count, tracing warns about the dict the network returns) is not what these tests check."""
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        torch.no_grad(),
    ):
        warnings.simplefilter("ignore")
        yield


# --- The counters, as a reader calls them -------------------------------------------------------


def run_fvcore(model: Any, x: Any) -> tuple[float, int | None]:
    analysis = fvcore_nn.FlopCountAnalysis(model, (x,))
    analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    return analysis.total(), fvcore_nn.parameter_count(model)[""]


def run_fvcore_activations(model: Any, x: Any) -> tuple[float, int | None]:
    analysis = fvcore_nn.ActivationCountAnalysis(model, (x,))
    analysis.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
    return analysis.total(), None


def run_flop_counter(model: Any, x: Any) -> tuple[float, int | None]:
    mode = flop_counter.FlopCounterMode(display=False)
    with mode:
        model(x)
    return mode.get_total_flops(), None


def ptflops_backend(backend: str) -> Run:
    def run(model: Any, x: Any) -> tuple[float, int | None]:
        macs, params = ptflops.get_model_complexity_info(
            model,
            tuple(x.shape[1:]),
            input_constructor=lambda _: x,
            as_strings=False,
            print_per_layer_stat=False,
            backend=backend,
        )
        assert macs is not None, f"ptflops ({backend}) failed: see its output"
        return macs, params

    return run


def run_thop(model: Any, x: Any) -> tuple[float, int | None]:
    macs, params = thop.profile(model, inputs=(x,), verbose=False)
    return macs, int(params)


def run_torchinfo(model: Any, x: Any) -> tuple[float, int | None]:
    stats = torchinfo.summary(model, input_data=[x], verbose=0)
    return stats.total_mult_adds, stats.total_params


RUNS: dict[str, Run] = {
    "fvcore": run_fvcore,
    "fvcore-activations": run_fvcore_activations,
    "torch-flop-counter": run_flop_counter,
    "ptflops-aten": ptflops_backend("aten"),
    "ptflops-pytorch": ptflops_backend("pytorch"),
    "thop": run_thop,
    "torchinfo": run_torchinfo,
}


def measure(tool: Tool, model: Any, x: Any) -> tuple[int, int | None]:
    """The counter's number for ``model`` on ``x``: a whole number, as every rule predicts."""
    with quietly():
        total, params = RUNS[tool.name](model.eval(), x)
    assert float(total).is_integer(), f"{tool.name}: {total} is not a whole number"
    return int(total), params


# --- The networks ---------------------------------------------------------------------------------


def script(analysis: Analysis) -> dict[str, Any]:
    """The page's script executed as a module: ``Network``, ``INPUT``, ``LAYERS``, ``INPUTS``."""
    namespace: dict[str, Any] = {"__name__": "snippet"}
    exec(compile(pytorch_snippet(analysis), f"<{analysis.name}.py>", "exec"), namespace)
    return namespace


class OneLayer(nn.Module):  # type: ignore[misc,name-defined]
    """One layer of the script on its own: its first input is the counter's input, the others
    (a merge's) are fixed tensors."""

    def __init__(self, layer: Any, others: list[Any]) -> None:
        super().__init__()
        self.layer = layer
        self.others = others

    def forward(self, x: Any) -> Any:
        return self.layer(x, *self.others)


def layer_mismatches(tool: Tool, analysis: Analysis, namespace: dict[str, Any]) -> list[str]:
    """Each layer whose count differs from its prediction, with its kind and the difference,
    found by running the counter on the layers one at a time, each fed its inputs."""
    network = namespace["Network"]().eval()
    with torch.no_grad():
        outputs = network(torch.zeros(1, *namespace["INPUT"]))
    found = []
    predicted = predict_layers(analysis, tool)
    for (name, module), result, expected in zip(
        namespace["LAYERS"], analysis.layers, predicted, strict=True
    ):
        first, *others = (outputs[source] for source in result.inputs)
        measured, _ = measure(tool, OneLayer(module, others), first)
        if measured != expected.total:
            found.append(
                f"layer '{name}' ({result.kind}): {tool.name} counts {measured:,}, predicted "
                f"{expected.total:,} {list(expected.terms)}: difference {measured - expected.total:+,}"
            )
    return found


def analysis_of(name: str, analyses: dict[str, Analysis]) -> Analysis:
    if name in analyses:
        return analyses[name]
    return loader.analyse(loader.load(Path(name)))


NETWORKS = [*SHIPPED, *(str(path) for path in FIXTURES)]


@pytest.mark.parametrize("tool", TOOLS, ids=lambda tool: tool.name)
@pytest.mark.parametrize("name", NETWORKS, ids=lambda name: Path(name).stem)
def test_each_counter_gives_the_predicted_number(
    name: str, tool: Tool, analyses: dict[str, Analysis]
) -> None:
    analysis = analysis_of(name, analyses)
    predicted = predict(analysis, tool)
    namespace = script(analysis)
    x = torch.zeros(1, *namespace["INPUT"])
    total, params = measure(tool, namespace["Network"](), x)
    if total != predicted.total:
        layers = layer_mismatches(tool, analysis, namespace) or ["no single layer differs"]
        pytest.fail(
            f"{tool.name} {tool.version}: {analysis.name} counts {total:,}, predicted "
            f"{predicted.total:,} {list(predicted.terms)}: difference "
            f"{total - predicted.total:+,}\n" + "\n".join(layers),
            pytrace=False,
        )
    assert params == predicted.params, f"{tool.name}: {analysis.name}'s parameters"


def test_the_fixtures_are_there() -> None:
    """A MobileNet (depthwise convolutions, batch norm) and the every-kind network."""
    assert [path.name for path in FIXTURES] == ["mobilenet-mixed.yml", "mobilenet-v1.yml"]


def test_a_changed_rule_names_the_layer_its_kind_and_the_difference(
    analyses: dict[str, Analysis],
) -> None:
    """The failure report can fail: rules that forget ptflops' conv biases are caught per layer."""
    conv = PTFLOPS_ATEN.rules[Op.CONV2D]
    forgetful = dataclasses.replace(
        PTFLOPS_ATEN,
        rules={**PTFLOPS_ATEN.rules, Op.CONV2D: dataclasses.replace(conv, counts=conv.counts[:1])},
    )
    analysis = analyses["torchvision-alexnet"]
    found = layer_mismatches(forgetful, analysis, script(analysis))
    assert len(found) == 5
    assert found[0] == (
        "layer 'conv1' (conv): ptflops-aten counts 70,470,400, predicted 70,276,800 "
        '[Term(name="the site\'s count", value=70276800)]: difference +193,600'
    )
