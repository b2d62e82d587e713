"""Every number the engine computes, checked against PyTorch running the layers it describes.

The PyTorch script on each page (:func:`generator.render.snippet.pytorch_snippet`) is the model: the
tests execute it, run a zero image through its layers one by one, and compare each layer's output
shape, parameters and multiply-accumulates with the engine's (MACs worked out here from the torch
modules' own attributes, not from the engine's formulas). They also run each script as a
subprocess, as a reader would, and compare what it prints with the engine's numbers, which are the
numbers in the page's table.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.core.engine import GeometryError, analyse
from generator.core.kinds import activations
from generator.core.results import Analysis, LayerResult
from generator.render import snippet
from generator.render.snippet import pytorch_snippet
from generator.spec.models import LAYER_MODELS, Spec
from tests.helpers import SHIPPED, SOURCES
from tests.requirements import require

# PyTorch (or ONNX) as the oracle: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

torch = require("torch", "pip install torch==2.13.0")
nn = torch.nn


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Iterator[None]:
    """Predictable timing on a shared machine: these are small, sequential computations."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def load(analysis: Analysis) -> tuple[tuple[int, ...], list[tuple[str, Any]], dict[str, Any]]:
    """Execute the snippet as a module (not as ``__main__``): its ``INPUT``, ``LAYERS`` and
    ``INPUTS``."""
    namespace: dict[str, Any] = {"__name__": "snippet"}
    code = compile(pytorch_snippet(analysis), f"<snippet {analysis.name}>", "exec")
    exec(code, namespace)
    return namespace["INPUT"], namespace["LAYERS"], namespace["INPUTS"]


def weighted(module: Any) -> list[Any]:
    return [
        m for m in module.modules() if isinstance(m, nn.Conv2d | nn.ConvTranspose2d | nn.Linear)
    ]


def macs(module: Any, x: Any, out: Any) -> int:
    """From the modules' attributes: conv ``out elements × in_channels / groups × kh × kw``,
    transposed conv ``in elements × out_channels / groups × kh × kw`` (every input value times a
    kernel, as fvcore, ptflops and thop count it), fc ``out elements × in_features``."""
    total = 0
    for m in weighted(module):
        if isinstance(m, nn.Conv2d):
            kh, kw = m.kernel_size
            total += out.numel() * (m.in_channels // m.groups) * kh * kw
        elif isinstance(m, nn.ConvTranspose2d):
            kh, kw = m.kernel_size
            total += x.numel() * (m.out_channels // m.groups) * kh * kw
        else:
            total += out.numel() * m.in_features
    return total


def check_layer(result: LayerResult, module: Any, x: Any, out: Any) -> None:
    """One layer against its modules, run on ``x`` (a merge's first input) giving ``out``."""
    name = result.name
    assert tuple(out.shape) == (1, *result.output), name
    params = sum(p.numel() for p in module.parameters())
    assert params == result.params, name
    modules = weighted(module)
    if result.kind in ("conv", "conv_transpose", "fc"):
        (layer,) = modules
        assert layer.weight.numel() == result.weights, name
        assert (0 if layer.bias is None else layer.bias.numel()) == result.biases, name
        assert macs(module, x, out) == result.macs, name
    elif result.kind == "prelu":
        (prelu,) = [m for m in module.modules() if isinstance(m, nn.PReLU)]
        assert prelu.weight.numel() == result.weights == prelu.num_parameters, name
        assert not modules and result.macs == 0, name
    elif result.kind == "batch_norm":
        # PyTorch: weight and bias are parameters, running mean and variance buffers.
        (norm,) = [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        learned = 0 if norm.weight is None else norm.weight.numel()
        assert (learned, learned) == (result.weights, result.biases), name
        assert norm.running_mean.numel() == result.output[0], name
        assert not modules and result.macs == 0, name
    else:
        assert not modules and params == 0 and result.macs == 0, name


def check_against_pytorch(analysis: Analysis) -> None:
    """Build the snippet's modules, run a zero image through them, compare every layer.

    Each module is fed the outputs its spec layer names (``inputs``, read here from the spec, not
    from the script), so the wiring is checked as well as the modules.
    """
    shape, layers, inputs = load(analysis)
    assert shape == analysis.input
    assert [name for name, _ in layers] == [r.name for r in analysis.layers]
    declared = {layer.name: list(layer.inputs) for layer in analysis.spec.layers if layer.inputs}
    assert inputs == declared
    outputs = {"input": torch.zeros(1, *shape)}
    previous = "input"
    with torch.no_grad():
        for (name, module), layer in zip(layers, analysis.spec.layers, strict=True):
            module.eval()
            read = [outputs[source] for source in layer.inputs or [previous]]
            out = module(*read)
            check_layer(analysis.layer(name), module, read[0], out)
            outputs[name] = out
            previous = name


@pytest.mark.parametrize("name", SHIPPED)
def test_every_layer_matches_pytorch(name: str, analyses: dict[str, Analysis]) -> None:
    check_against_pytorch(analyses[name])


# --- The script as a reader runs it -------------------------------------------------------------


def expected_output(analysis: Analysis) -> list[list[str]]:
    """What the script must print: the engine's numbers, in the format its comment documents."""
    rows = [list(snippet.COLUMNS)]
    for r in analysis.layers:
        rows.append([r.name, "x".join(str(v) for v in r.output), str(r.params), str(r.macs)])
    rows.append(["total", "-", str(analysis.totals.params), str(analysis.totals.macs)])
    return rows


#: Runs each script named on its command line as ``python NAME.py`` would (``__main__``), in one
#: process: torch is imported once, not once per script. Prints ``{name: [stdout, error]}``.
RUN_EACH = """
import contextlib, io, json, runpy, sys, traceback
found = {}
for name in sys.argv[1:]:
    printed, error = io.StringIO(), ""
    try:
        with contextlib.redirect_stdout(printed):
            runpy.run_path(name + ".py", run_name="__main__")
    except BaseException:
        error = traceback.format_exc()
    found[name] = [printed.getvalue(), error]
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def script_runs(
    analyses: dict[str, Analysis], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[str, str]]:
    """Every shipped spec's script, saved as ``NAME.py`` and run as a script, in a process of
    its own (nothing of the tests' process leaks in): what each printed, and its error if any."""
    folder = tmp_path_factory.mktemp("snippets")
    for name in SHIPPED:
        (folder / f"{name}.py").write_text(pytorch_snippet(analyses[name]), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", RUN_EACH, *SHIPPED],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        timeout=600,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return {name: (out, error) for name, (out, error) in json.loads(result.stdout).items()}


@pytest.mark.parametrize("name", SHIPPED)
def test_the_script_prints_the_engines_numbers(
    name: str,
    analyses: dict[str, Analysis],
    script_runs: dict[str, tuple[str, str]],
) -> None:
    out, error = script_runs[name]
    assert error == ""
    printed = [line.split("\t") for line in out.splitlines()]
    assert printed == expected_output(analyses[name])


@pytest.mark.parametrize(
    "module",
    [Path(snippet.__file__), *sorted(Path(activations.__file__).parent.glob("*.py"))],
    ids=lambda path: path.stem,
)
def test_the_script_writers_do_not_import_torch(module: Path) -> None:
    """torch is a test-only dependency: the snippet and the kinds only write the script's text."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(str(name).startswith("torch") for name in imported)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_script_imports_only_torch(name: str, analyses: dict[str, Analysis]) -> None:
    tree = ast.parse(pytorch_snippet(analyses[name]))
    modules = [alias.name for n in ast.walk(tree) if isinstance(n, ast.Import) for alias in n.names]
    modules += [str(n.module) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert modules and all(m == "torch" or m.startswith("torch.") for m in modules)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_script_has_no_stray_line(name: str, analyses: dict[str, Analysis]) -> None:
    """A reader copies it: no line continuation left over from a helper's source (a lone
    backslash before ``class Add``), no trailing whitespace."""
    lines = pytorch_snippet(analyses[name]).splitlines()
    assert [line for line in lines if line.strip() == "\\" or line != line.rstrip()] == []


# --- Every layer kind and rule, beyond what the shipped specs use ------------------------------

EVERY_KIND: dict[str, Any] = {
    "title": "Every layer kind",
    "summary": "Each kind and rounding rule once.",
    "input": [4, 90, 131],
    "towers": 2,
    "sources": SOURCES,
    "layers": [
        # Asymmetric padding, dilation, groups, no bias, cuda-convnet rounding.
        {
            "name": "conv_a",
            "kind": "conv",
            "out_channels": 8,
            "kernel": [3, 5],
            "stride": [2, 3],
            "padding": {"top": 1, "bottom": 2, "left": 0, "right": 3},
            "dilation": [1, 2],
            "groups": 2,
            "bias": False,
            "rounding": "ceil_unclipped",
        },
        {"name": "relu", "kind": "relu"},
        {"name": "lrn", "kind": "lrn", "size": 3, "alpha": 1.0e-3, "beta": 0.5, "k": 1.5},
        {"name": "bn", "kind": "batch_norm"},
        # A residual sum and a concatenation: the two ways branches meet.
        {"name": "sum", "kind": "add", "inputs": ["relu", "bn", "lrn"]},
        {"name": "cat", "kind": "concat", "inputs": ["sum", "conv_a"]},
        # PyTorch's own ceil_mode.
        {
            "name": "max_ceil",
            "kind": "max_pool",
            "kernel": 3,
            "stride": 2,
            "padding": 1,
            "rounding": "ceil",
        },
        # TensorFlow 'same', resolved to asymmetric pixels.
        {
            "name": "conv_same",
            "kind": "conv",
            "out_channels": 6,
            "kernel": 4,
            "stride": 2,
            "padding": "same",
        },
        {"name": "leaky", "kind": "leaky_relu"},
        {
            "name": "avg_unclipped",
            "kind": "avg_pool",
            "kernel": [2, 3],
            "stride": 2,
            "padding": [1, 1],
            "rounding": "ceil_unclipped",
        },
        # Asymmetric padding with PyTorch's clipped ceil rounding.
        {
            "name": "max_asym",
            "kind": "max_pool",
            "kernel": 2,
            "stride": 1,
            "dilation": 2,
            "padding": {"top": 1, "left": 1},
            "rounding": "ceil",
        },
        # nn.AvgPool2d has no dilation.
        {"name": "avg_dilated", "kind": "avg_pool", "kernel": 2, "stride": 1, "dilation": 2},
        # Rounded up like PyTorch's pooling ceil_mode, which nn.Conv2d lacks.
        {
            "name": "conv_ceil",
            "kind": "conv",
            "out_channels": 6,
            "kernel": 3,
            "stride": 2,
            "rounding": "ceil",
        },
        {"name": "elu", "kind": "elu"},
        {"name": "gelu", "kind": "gelu"},
        {"name": "adaptive_max", "kind": "adaptive_max_pool", "output": [3, 2]},
        {"name": "adaptive_avg", "kind": "adaptive_avg_pool", "output": 4},
        {"name": "tanh", "kind": "tanh"},
        {"name": "fc_volume", "kind": "fc", "out_features": 10},
        {"name": "sigmoid", "kind": "sigmoid"},
        {"name": "lrn_vector", "kind": "lrn", "size": 2},
        {"name": "bn_vector", "kind": "batch_norm", "affine": False},
        {"name": "dropout", "kind": "dropout", "p": 0.3},
        {"name": "flatten", "kind": "flatten"},
        {"name": "fc", "kind": "fc", "out_features": 4, "bias": False},
        {"name": "softmax", "kind": "softmax"},
    ],
}

#: The kinds of issue 23 (FCN, HED, squeeze-and-excitation, Caffe's LRN within a channel), each
#: in its forms: a network of them, checked against PyTorch as the others are.
UPSAMPLING_KINDS: dict[str, Any] = {
    "title": "Transposed convolutions, crops, products and upsampling",
    "summary": "Each kind of issue 23 once or in each of its forms.",
    "input": [3, 21, 19],
    "sources": SOURCES,
    "layers": [
        {"name": "conv", "kind": "conv", "out_channels": 4, "kernel": 3, "padding": 8},
        {"name": "prelu", "kind": "prelu"},
        {"name": "pool", "kind": "max_pool", "kernel": 2, "stride": 2, "rounding": "ceil"},
        # FCN's upscore: 4×4 at stride 2, no bias; even overlap.
        {
            "name": "upscore",
            "kind": "conv_transpose",
            "out_channels": 6,
            "kernel": 4,
            "stride": 2,
            "bias": False,
        },
        # Everything a transposed convolution can say: uneven overlap, groups, dilation.
        {
            "name": "deconv",
            "kind": "conv_transpose",
            "out_channels": 4,
            "kernel": [3, 2],
            "stride": [2, 3],
            "padding": [1, 0],
            "output_padding": [1, 2],
            "dilation": [1, 2],
            "groups": 2,
        },
        {"name": "crop_fcn", "kind": "crop", "offset": [3, 1], "inputs": ["deconv", "input"]},
        {"name": "crop_centre", "kind": "crop", "offset": "centre", "inputs": ["deconv", "pool"]},
        {"name": "crop_width", "kind": "crop", "axis": "width", "inputs": ["crop_fcn", "pool"]},
        {"name": "abs", "kind": "abs", "inputs": ["crop_width"]},
        {"name": "within", "kind": "lrn", "size": 5, "region": "within_channel", "alpha": 0.01},
        {"name": "shared", "kind": "prelu", "shared": True},
        {"name": "squeeze", "kind": "adaptive_avg_pool", "output": 1},
        {"name": "excite", "kind": "conv", "out_channels": 4, "kernel": 1},
        {"name": "gate", "kind": "sigmoid"},
        {"name": "scaled", "kind": "multiply", "inputs": ["shared", "gate"]},
        {"name": "rows", "kind": "adaptive_avg_pool", "output": [1, 17]},
        {"name": "grid", "kind": "multiply", "inputs": ["scaled", "rows", "gate"]},
        {"name": "nearest", "kind": "upsample", "scale": [2, 3]},
        {"name": "bilinear", "kind": "upsample", "size": [19, 40], "mode": "bilinear"},
        {
            "name": "crop_channels",
            "kind": "crop",
            "axis": "channels",
            "inputs": ["bilinear", "crop_centre"],
        },
        {"name": "flatten", "kind": "flatten"},
        {"name": "fc", "kind": "fc", "out_features": 5},
        {"name": "prelu_vector", "kind": "prelu"},
        {"name": "other", "kind": "fc", "out_features": 5, "inputs": ["flatten"]},
        {"name": "product", "kind": "multiply", "inputs": ["prelu_vector", "other"]},
    ],
}

CEIL_CONV: dict[str, Any] = {
    "title": "Clipped ceil convolution",
    "summary": "A convolution rounded up, with the last window starting in the padding dropped.",
    "input": [1, 5, 6],
    "sources": SOURCES,
    "layers": [
        {
            "name": "conv",
            "kind": "conv",
            "out_channels": 2,
            "kernel": 3,
            "stride": 4,
            "padding": 2,
            "rounding": "ceil",
        },
        # Padding of a kernel or more: 'ceil' drops a window that starts in the padding although
        # floor rounding keeps it, 3 outputs where floor gives 4 (PyTorch's pooling formula
        # would too; its pooling never meets the case, having padding at most half the kernel).
        {
            "name": "conv_wide",
            "kind": "conv",
            "out_channels": 2,
            "kernel": 1,
            "padding": 1,
            "rounding": "ceil",
        },
        {
            "name": "conv_strided",
            "kind": "conv",
            "out_channels": 2,
            "kernel": 1,
            "stride": 3,
            "padding": {"bottom": 1, "right": 1},
            "rounding": "ceil",
        },
        {"name": "pool", "kind": "max_pool", "kernel": 1, "stride": 3, "padding": "valid"},
        {"name": "flatten", "kind": "flatten"},
    ],
}


@pytest.mark.parametrize(
    "spec",
    [EVERY_KIND, CEIL_CONV, UPSAMPLING_KINDS],
    ids=["every-kind", "ceil-conv", "upsampling-kinds"],
)
def test_every_layer_kind_and_rule_matches_pytorch(spec: dict[str, Any]) -> None:
    analysis = analyse("synthetic", Spec.model_validate(spec))
    check_against_pytorch(analysis)
    code = pytorch_snippet(analysis)
    # The script's own count (its hooks: a transposed convolution's multiply-accumulates come
    # from the values it reads) prints the engine's numbers for every kind too.
    namespace: dict[str, Any] = {"__name__": "snippet"}
    exec(compile(code, "<snippet>", "exec"), namespace)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        namespace["main"]()
    assert [line.split("\t") for line in printed.getvalue().splitlines()] == expected_output(
        analysis
    )
    if spec is CEIL_CONV:  # ⌈2.5⌉ and ⌈2.75⌉, minus the window that would start in the padding
        assert [r.output for r in analysis.layers[:3]] == [(2, 2, 2), (2, 3, 3), (2, 1, 1)]
    elif spec is EVERY_KIND:
        assert "DilatedAvgPool2d" in code and "ceil_mode=True" in code and "Towers" in code
        assert "ceil_unclipped" in code and "-inf" in code


def test_the_upsampling_kinds_by_hand() -> None:
    """conv 3×3 p8 on 21×19: 35×33; ceil pool: 18×17; ``upscore`` ``(18 − 1)·2 + 4 = 38`` by
    ``(17 − 1)·2 + 4 = 36``; ``deconv`` ``37·2 − 2 + 2 + 1 + 1 = 76`` by ``35·3 + 2·1 + 2 + 1 =
    110``, ``6·38·36 × 2 × 3·2 = 98,496`` multiply-accumulates (every input value times a
    kernel), weights ``6 × 2 × 3 × 2 = 72``; then cut to the input's 21×19 at (3, 1), to the
    pool's 18×17 centred at (29, 46), and to its width 17 from column 0."""
    analysis = analyse("synthetic", Spec.model_validate(UPSAMPLING_KINDS))
    layer = analysis.layer
    assert layer("upscore").output == (6, 38, 36)
    assert layer("deconv").output == (4, 76, 110)
    assert (layer("deconv").macs, layer("deconv").weights) == (98_496, 72)
    assert layer("crop_fcn").output == (4, 21, 19)
    assert layer("crop_centre").output == (4, 18, 17)
    assert "Crop(2, (29, 46))" in pytorch_snippet(analysis)
    assert layer("crop_width").output == (4, 21, 17)
    assert layer("grid").output == (4, 21, 17)
    assert layer("nearest").output == (4, 42, 51)
    assert layer("crop_channels").output == (4, 18, 17)
    assert (layer("prelu").params, layer("shared").params, layer("prelu_vector").params) == (
        4,
        1,
        5,
    )
    assert layer("product").output == (5,)


def test_the_every_kind_spec_covers_every_kind() -> None:
    kinds = {layer["kind"] for spec in (EVERY_KIND, UPSAMPLING_KINDS) for layer in spec["layers"]}
    declared = {
        kind for model in LAYER_MODELS for kind in get_args(model.model_fields["kind"].annotation)
    }
    assert kinds == declared


# --- Random networks ----------------------------------------------------------------------------


@st.composite
def transposed(
    draw: st.DrawFn, name: st.SearchStrategy[str], pair: st.SearchStrategy[list[int]]
) -> dict[str, Any]:
    """A transposed convolution; its output padding less than its stride or dilation."""
    stride, dilation = draw(pair), draw(pair)
    extra = [draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)]
    return {
        "name": draw(name),
        "kind": "conv_transpose",
        "out_channels": draw(st.sampled_from([2, 4])),
        "kernel": draw(pair),
        "stride": stride,
        "padding": draw(st.lists(st.integers(0, 2), min_size=2, max_size=2)),
        "output_padding": extra,
        "dilation": dilation,
        "groups": draw(st.sampled_from([1, 2])),
        "bias": draw(st.booleans()),
    }


def layer_strategy(index: int) -> st.SearchStrategy[dict[str, Any]]:
    name = st.just(f"l{index}")
    pair = st.lists(st.integers(1, 4), min_size=2, max_size=2)
    rounding = st.sampled_from(["floor", "ceil", "ceil_unclipped"])
    padding = st.one_of(
        st.integers(0, 2),
        st.lists(st.integers(0, 2), min_size=2, max_size=2),
        st.fixed_dictionaries(
            {},
            optional={s: st.integers(0, 2) for s in ("top", "bottom", "left", "right")},
        ),
        st.sampled_from(["same", "valid"]),
    )
    window = {"kernel": pair, "padding": padding, "rounding": rounding, "dilation": pair}
    return st.one_of(
        st.fixed_dictionaries(
            {
                "name": name,
                "kind": st.just("conv"),
                "out_channels": st.sampled_from([2, 4, 6]),
                "groups": st.sampled_from([1, 2]),
                "stride": pair,
                "bias": st.booleans(),
                **window,
            }
        ),
        st.fixed_dictionaries(
            {"name": name, "kind": st.sampled_from(["max_pool", "avg_pool"]), **window},
            optional={"stride": pair},
        ),
        st.fixed_dictionaries(
            {
                "name": name,
                "kind": st.sampled_from(["adaptive_avg_pool", "adaptive_max_pool"]),
                "output": pair,
            }
        ),
        st.fixed_dictionaries(
            {"name": name, "kind": st.sampled_from([*activations.MODULES, "flatten", "batch_norm"])}
        ),
        st.fixed_dictionaries(
            {"name": name, "kind": st.just("lrn"), "size": st.integers(1, 5)},
            optional={"region": st.sampled_from(["across_channels", "within_channel"])},
        ),
        transposed(name, pair),
        st.one_of(
            st.fixed_dictionaries({"name": name, "kind": st.just("upsample"), "scale": pair}),
            st.fixed_dictionaries(
                {"name": name, "kind": st.just("upsample"), "size": pair},
                optional={"mode": st.sampled_from(["nearest", "bilinear"])},
            ),
        ),
        st.fixed_dictionaries(
            {"name": name, "kind": st.just("prelu")}, optional={"shared": st.booleans()}
        ),
        st.fixed_dictionaries({"name": name, "kind": st.just("dropout")}),
        st.fixed_dictionaries(
            {"name": name, "kind": st.just("fc"), "out_features": st.integers(1, 6)}
        ),
    )


@settings(
    max_examples=settings.default.max_examples * 3 // 2,  # 150 under the ci profile
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_random_networks_match_pytorch(data: st.DataObject) -> None:
    """Random stacks of layers: each drawn layer the engine accepts is kept, the others dropped."""
    spec: dict[str, Any] = {
        "title": "Random",
        "summary": "A random network.",
        "input": data.draw(st.tuples(st.integers(1, 4), st.integers(4, 24), st.integers(4, 24))),
        "sources": SOURCES,
        "layers": [],
    }
    analysis = None
    for index in range(data.draw(st.integers(1, 8))):
        candidate = {**spec, "layers": [*spec["layers"], data.draw(layer_strategy(index))]}
        try:
            analysis = analyse("random", Spec.model_validate(candidate))
        except GeometryError:
            continue
        spec = candidate
    if analysis is not None:
        check_against_pytorch(analysis)
