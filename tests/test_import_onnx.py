"""Importing ONNX models: each operator, the checks against ONNX's own numbers, broken files.

The models are built here with ``onnx.helper``, small enough to work out by hand; every import
also runs the importer's own checks (the engine's shape of each layer against ONNX's shape
inference, its parameters against the weight tensors it reads).
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from generator.core.results import Analysis
from generator.load.importers import source
from generator.load.importers.source import ModelError, import_spec, read_source
from tests.requirements import require

# ONNX's shape inference and weights as the oracle: the full suite's, not the quick loop's.
pytestmark = pytest.mark.slow

onnx = require("onnx", "pip install -e '.[import]'")
helper = onnx.helper
FLOAT = onnx.TensorProto.FLOAT


def weight(name: str, *shape: int) -> Any:
    """An initializer of ``shape`` holding numbers (their values do not matter, their count does)."""
    values = np.arange(math.prod(shape), dtype=np.float32).reshape(shape) / 100
    return onnx.numpy_helper.from_array(values, name)


def write_model(
    path: Path,
    nodes: Sequence[Any],
    *,
    initializers: Sequence[Any] = (),
    shape: Sequence[int | str] = (1, 3, 8, 8),
    output: str = "y",
    inputs: Sequence[Any] = (),
    opset: int = 17,
) -> Path:
    graph = helper.make_graph(
        list(nodes),
        "test-graph",
        [helper.make_tensor_value_info("x", FLOAT, list(shape)), *inputs],
        [helper.make_tensor_value_info(output, FLOAT, None)],
        initializer=list(initializers),
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    # The output's shape as ONNX infers it: ONNX's checker wants every graph output to have one.
    inferred = onnx.shape_inference.infer_shapes(model)
    model.graph.output[0].CopyFrom(inferred.graph.output[0])
    path.write_bytes(model.SerializeToString())
    return path


def imported(path: Path, tmp_path: Path, **options: Any) -> Analysis:
    return import_spec(
        str(path), path=tmp_path / "imported.yml", editor_line="#", **options
    ).analysis


def rows(analysis: Analysis) -> list[tuple[str, str, tuple[str, ...], tuple[int, ...], int]]:
    return [(r.name, r.kind, r.inputs, r.output, r.params) for r in analysis.layers]


def problems(path: Path, **options: Any) -> list[str]:
    with pytest.raises(ModelError) as caught:
        import_spec(str(path), path=path.with_name("imported.yml"), editor_line="#", **options)
    return list(caught.value.problems)


# --- the Done-when model: a residual block ----------------------------------------------------


def test_a_residual_add_imports_with_the_parameters_its_initializers_hold(tmp_path: Path) -> None:
    """conv (8·3·3·3 + 8 = 224) → relu → conv (8·8·3·3 = 576, no bias) → add the first relu →
    relu → global average pool → flatten → gemm (8·10 + 10 = 90): 890 parameters, all of them
    the initializers' values."""
    initializers = [
        weight("w1", 8, 3, 3, 3),
        weight("b1", 8),
        weight("w2", 8, 8, 3, 3),
        weight("wfc", 10, 8),
        weight("bfc", 10),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="block/conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="block/relu1"),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], name="block/conv2", pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c2", "r1"], ["sum"], name="block/add"),
        helper.make_node("Relu", ["sum"], ["r2"], name="block/relu2"),
        helper.make_node("GlobalAveragePool", ["r2"], ["gap"], name="pool"),
        helper.make_node("Flatten", ["gap"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "wfc", "bfc"], ["y"], name="fc", transB=1),
    ]
    path = write_model(tmp_path / "residual.onnx", nodes, initializers=initializers)
    analysis = imported(path, tmp_path)
    held = sum(int(np.prod(t.dims)) for t in initializers)
    assert held == 890
    assert analysis.totals.params == held
    assert rows(analysis) == [
        ("block.conv1", "conv", ("input",), (8, 8, 8), 224),
        ("block.relu1", "relu", ("block.conv1",), (8, 8, 8), 0),
        ("block.conv2", "conv", ("block.relu1",), (8, 8, 8), 576),
        ("block.add", "add", ("block.conv2", "block.relu1"), (8, 8, 8), 0),
        ("block.relu2", "relu", ("block.add",), (8, 8, 8), 0),
        ("pool", "adaptive_avg_pool", ("block.relu2",), (8, 1, 1), 0),
        ("flatten", "flatten", ("pool",), (8,), 0),
        ("fc", "fc", ("flatten",), (10,), 90),
    ]


# --- operators ---------------------------------------------------------------------------------


def conv_model(tmp_path: Path, **attributes: Any) -> Path:
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv", **attributes)
    return write_model(tmp_path / "conv.onnx", [node], initializers=[weight("w", 4, 3, 3, 3)])


def conv_fields(tmp_path: Path, **attributes: Any) -> dict[str, object]:
    draft = read_source(str(conv_model(tmp_path, **attributes)))
    (layer,) = draft.layers
    return dict(layer.fields)


@pytest.mark.parametrize(
    ("attributes", "fields"),
    [
        ({"pads": [1, 2, 3, 4]}, {"padding": {"top": 1, "bottom": 3, "left": 2, "right": 4}}),
        ({"pads": [1, 2, 1, 2]}, {"padding": (1, 2)}),
        ({"auto_pad": "SAME_UPPER", "strides": [2, 2]}, {"stride": 2, "padding": "same"}),
        (
            {"auto_pad": "SAME_LOWER", "strides": [2, 2], "kernel_shape": [3, 3]},
            {"stride": 2, "padding": {"top": 1, "bottom": 0, "left": 1, "right": 0}},
        ),
        ({"auto_pad": "VALID"}, {}),
        ({"dilations": [2, 1]}, {"dilation": (2, 1)}),
    ],
)
def test_conv_padding_stride_dilation(
    tmp_path: Path, attributes: dict[str, Any], fields: dict[str, object]
) -> None:
    """``pads`` are ``[top, left, bottom, right]``; SAME_LOWER puts the odd pixel first."""
    assert conv_fields(tmp_path, **attributes) == {
        "out_channels": 4,
        "kernel": 3,
        **fields,
        "bias": False,
    }
    imported(conv_model(tmp_path, **attributes), tmp_path)  # the shapes agree with ONNX's


def test_grouped_convolution_and_its_bias(tmp_path: Path) -> None:
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv", group=2)
    path = write_model(
        tmp_path / "g.onnx",
        [node],
        initializers=[weight("w", 6, 2, 1, 1), weight("b", 6)],
        shape=(1, 4, 5, 5),
    )
    assert rows(imported(path, tmp_path)) == [("conv", "conv", ("input",), (6, 5, 5), 6 * 2 + 6)]


def test_ceil_mode_is_the_specs_ceil(tmp_path: Path) -> None:
    """8 pixels, 3/2 windows: ⌈5/2⌉ + 1 = 4 positions, where floor gives 3."""
    node = helper.make_node(
        "MaxPool", ["x"], ["y"], name="pool", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1
    )
    path = write_model(tmp_path / "p.onnx", [node])
    draft = read_source(str(path))
    assert dict(draft.layers[0].fields) == {"kernel": 3, "stride": 2, "rounding": "ceil"}
    assert imported(path, tmp_path).layer("pool").output == (3, 4, 4)


def test_where_onnx_shape_inference_keeps_a_window_the_operator_drops(tmp_path: Path) -> None:
    """5 pixels, a 2/2 window, padding 1: the fourth window would start in the bottom padding.
    ONNX's shape inference counts it (4); the operator, like PyTorch, drops it (3)."""
    node = helper.make_node(
        "MaxPool",
        ["x"],
        ["y"],
        name="pool",
        kernel_shape=[2, 2],
        strides=[2, 2],
        pads=[1, 1, 1, 1],
        ceil_mode=1,
    )
    path = write_model(tmp_path / "p.onnx", [node], shape=(1, 1, 5, 5))
    result = import_spec(str(path), path=tmp_path / "p.yml", editor_line="#")
    assert result.analysis.layer("pool").output == (1, 3, 3)
    assert "# ONNX's shape inference gives 4×4 here" in result.text


def test_matmul_and_its_bias_add_are_one_fc(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"], name="flat"),
        helper.make_node("MatMul", ["f", "w"], ["m"], name="fc1"),
        helper.make_node("Add", ["m", "b"], ["a"], name="fc1_bias"),
        helper.make_node("MatMul", ["a", "w2"], ["y"], name="fc2"),
    ]
    path = write_model(
        tmp_path / "mm.onnx",
        nodes,
        initializers=[weight("w", 12, 5), weight("b", 5), weight("w2", 5, 2)],
        shape=(1, 3, 2, 2),
    )
    assert rows(imported(path, tmp_path)) == [
        ("flat", "flatten", ("input",), (12,), 0),
        ("fc1", "fc", ("flat",), (5,), 65),
        ("fc2", "fc", ("fc1",), (2,), 10),
    ]


def test_a_batch_norm_of_constants_one_and_zero_learns_nothing(tmp_path: Path) -> None:
    """PyTorch's ``BatchNorm2d(affine=False)`` is exported with a scale of ``Constant`` ones and
    a shift of zeros: no weights, a batch_norm with ``affine: false``."""
    ones = onnx.numpy_helper.from_array(np.ones(3, dtype=np.float32))
    zeros = onnx.numpy_helper.from_array(np.zeros(3, dtype=np.float32))
    nodes = [
        helper.make_node("Constant", [], ["s"], name="one", value=ones),
        helper.make_node("Constant", [], ["b"], name="zero", value=zeros),
        helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn"),
    ]
    initializers = [weight(n, 3) for n in ("m", "v")]
    path = write_model(tmp_path / "bn.onnx", nodes, initializers=initializers)
    (layer,) = read_source(str(path)).layers
    assert dict(layer.fields) == {"affine": False}
    assert rows(imported(path, tmp_path)) == [("bn", "batch_norm", ("input",), (3, 8, 8), 0)]


def test_a_padding_computed_where_shape_inference_stops_is_worked_out(tmp_path: Path) -> None:
    """PyTorch exports an asymmetric ``ZeroPad2d`` with its ``pads`` computed through a
    ``Transpose``, which ONNX's shape inference does not evaluate: without the value, no shape
    after the ``Pad`` is known, and the ``Reshape`` after the convolution cannot be read. The
    importer works the value out and infers the shapes again."""
    raw = onnx.numpy_helper.from_array(np.array([0, 0, 0, 1, 0, 0, 0, 1], dtype=np.int64))
    two_by_four = onnx.numpy_helper.from_array(np.array([2, 4], dtype=np.int64))
    flat = onnx.numpy_helper.from_array(np.array([-1], dtype=np.int64))
    target = onnx.numpy_helper.from_array(np.array([1, -1], dtype=np.int64))
    nodes = [
        helper.make_node("Constant", [], ["raw"], name="raw", value=raw),
        helper.make_node("Constant", [], ["shape24"], name="shape24", value=two_by_four),
        helper.make_node("Reshape", ["raw", "shape24"], ["grid"], name="grid"),
        helper.make_node("Transpose", ["grid"], ["swapped"], name="swap", perm=[1, 0]),
        helper.make_node("Constant", [], ["flat"], name="flat", value=flat),
        helper.make_node("Reshape", ["swapped", "flat"], ["pads"], name="pads"),
        helper.make_node("Pad", ["x", "pads"], ["padded"], name="/pad/Pad"),
        helper.make_node("Conv", ["padded", "w"], ["c"], name="/conv/Conv"),
        helper.make_node("Constant", [], ["target"], name="target", value=target),
        helper.make_node("Reshape", ["c", "target"], ["y"], name="/Reshape"),
    ]
    path = write_model(tmp_path / "pad.onnx", nodes, initializers=[weight("w", 4, 3, 3, 3)])
    draft = read_source(str(path))
    assert [(layer.name, layer.kind, dict(layer.fields)) for layer in draft.layers] == [
        (
            "conv",
            "conv",
            {
                "out_channels": 4,
                "kernel": 3,
                "padding": {"top": 0, "bottom": 1, "left": 0, "right": 1},
                "bias": False,
            },
        ),
        ("Reshape", "flatten", {}),
    ]
    assert imported(path, tmp_path).layer("Reshape").output == (4 * 7 * 7,)


def test_batch_norm_counts_its_scale_and_shift_not_its_statistics(tmp_path: Path) -> None:
    """The initializers hold 4·C values; the running mean and variance are not parameters."""
    node = helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn")
    initializers = [weight(n, 3) for n in ("s", "b", "m", "v")]
    path = write_model(tmp_path / "bn.onnx", [node], initializers=initializers)
    assert rows(imported(path, tmp_path)) == [("bn", "batch_norm", ("input",), (3, 8, 8), 6)]


def test_the_other_operators(tmp_path: Path) -> None:
    shape_chain = [
        helper.make_node("Shape", ["d"], ["shape"], name="shape"),
        helper.make_node("Gather", ["shape", "zero"], ["batch"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["batch", "zero_axis"], ["batch1"], name="unsqueeze"),
        helper.make_node("Concat", ["batch1", "minus_one"], ["target"], name="cat", axis=0),
    ]
    nodes = [
        helper.make_node("LRN", ["x"], ["n"], name="lrn", size=5, alpha=2e-4, beta=0.75, bias=2.0),
        helper.make_node("LeakyRelu", ["n"], ["l"], name="leaky"),
        helper.make_node(
            "AveragePool", ["l"], ["p"], name="avg", kernel_shape=[2, 2], strides=[2, 2]
        ),
        helper.make_node("Dropout", ["p", "ratio"], ["d"], name="drop"),
        *shape_chain,
        helper.make_node("Reshape", ["d", "target"], ["r"], name="reshape"),
        helper.make_node("Sigmoid", ["r"], ["s"], name="sigmoid"),
        helper.make_node("Softmax", ["s"], ["y"], name="softmax", axis=1),
    ]
    initializers = [
        onnx.numpy_helper.from_array(np.array(0.25, dtype=np.float32), "ratio"),
        onnx.numpy_helper.from_array(np.array(0, dtype=np.int64), "zero"),
        onnx.numpy_helper.from_array(np.array([0], dtype=np.int64), "zero_axis"),
        onnx.numpy_helper.from_array(np.array([-1], dtype=np.int64), "minus_one"),
    ]
    path = write_model(tmp_path / "ops.onnx", nodes, initializers=initializers)
    draft = read_source(str(path))
    assert [(layer.name, layer.kind, dict(layer.fields)) for layer in draft.layers] == [
        ("lrn", "lrn", {"size": 5, "alpha": 0.0002, "beta": 0.75, "k": 2.0}),
        ("leaky", "leaky_relu", {}),
        ("avg", "avg_pool", {"kernel": 2, "stride": 2}),
        ("drop", "dropout", {"p": 0.25}),
        ("reshape", "flatten", {}),
        ("sigmoid", "sigmoid", {}),
        ("softmax", "softmax", {}),
    ]
    assert imported(path, tmp_path).layer("softmax").output == (48,)


def constant(name: str, values: Sequence[float], dtype: Any = np.float32) -> Any:
    return onnx.numpy_helper.from_array(np.array(values, dtype=dtype), name)


def test_transposed_convolution_prelu_resize_mul_and_abs(tmp_path: Path) -> None:
    """ConvTranspose of 4 channels in 2 groups, 3×3, stride 2, pads 1, output padding 1: 8×8 to
    ``7·2 − 2 + 2 + 1 + 1 = 16``, weights ``4 × 2 × 3 × 3 = 72`` (its weight is C_in × C_out/g ×
    k × k) and a bias of 4. Then PRelu with a slope per channel, Resize nearest by 2 and linear to
    20×24, a squeeze-and-excitation scale (Mul), and Abs; every shape checked against ONNX's shape
    inference and every parameter against the initializers."""
    initializers = [
        weight("w0", 4, 3, 1, 1),
        weight("wt", 4, 2, 3, 3),
        weight("bt", 4),
        weight("slope", 4, 1, 1),
        weight("we", 4, 4, 1, 1),
        constant("roi", []),
        constant("scales", [1, 1, 2, 2]),
        constant("sizes", [1, 4, 20, 24], np.int64),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w0"], ["c"], name="conv"),
        helper.make_node(
            "ConvTranspose",
            ["c", "wt", "bt"],
            ["t"],
            name="up",
            kernel_shape=[3, 3],
            strides=[2, 2],
            pads=[1, 1, 1, 1],
            output_padding=[1, 1],
            group=2,
        ),
        helper.make_node("PRelu", ["t", "slope"], ["p"], name="prelu"),
        helper.make_node("Resize", ["p", "roi", "scales"], ["r"], name="nearest", mode="nearest"),
        helper.make_node("Resize", ["r", "", "", "sizes"], ["s"], name="linear", mode="linear"),
        helper.make_node("GlobalAveragePool", ["s"], ["g"], name="squeeze"),
        helper.make_node("Conv", ["g", "we"], ["e"], name="excite"),
        helper.make_node("Sigmoid", ["e"], ["gate"], name="gate"),
        helper.make_node("Mul", ["s", "gate"], ["m"], name="scale"),
        helper.make_node("Abs", ["m"], ["y"], name="abs"),
    ]
    path = write_model(tmp_path / "up.onnx", nodes, initializers=initializers, opset=19)
    draft = read_source(str(path))
    assert [(layer.name, layer.kind, dict(layer.fields)) for layer in draft.layers] == [
        ("conv", "conv", {"out_channels": 4, "kernel": 1, "bias": False}),
        (
            "up",
            "conv_transpose",
            {
                "out_channels": 4,
                "kernel": 3,
                "stride": 2,
                "padding": 1,
                "output_padding": 1,
                "groups": 2,
            },
        ),
        ("prelu", "prelu", {}),
        ("nearest", "upsample", {"scale": 2}),
        ("linear", "upsample", {"mode": "bilinear", "size": (20, 24)}),
        ("squeeze", "adaptive_avg_pool", {"output": 1}),
        ("excite", "conv", {"out_channels": 4, "kernel": 1, "bias": False}),
        ("gate", "sigmoid", {}),
        ("scale", "multiply", {}),
        ("abs", "abs", {}),
    ]
    analysis = imported(path, tmp_path)
    assert rows(analysis)[1:5] == [
        ("up", "conv_transpose", ("conv",), (4, 16, 16), 4 * 2 * 3 * 3 + 4),
        ("prelu", "prelu", ("up",), (4, 16, 16), 4),
        ("nearest", "upsample", ("prelu",), (4, 32, 32), 0),
        ("linear", "upsample", ("nearest",), (4, 20, 24), 0),
    ]
    assert analysis.layer("scale").inputs == ("linear", "gate")
    assert analysis.layer("up").macs == 4 * 8 * 8 * 2 * 3 * 3  # every input value times a kernel


def test_the_older_upsample_operator_and_a_shared_slope(tmp_path: Path) -> None:
    """ONNX's Upsample (opset 9, scales as an input) and a PRelu of one slope."""
    nodes = [
        helper.make_node("PRelu", ["x", "slope"], ["p"], name="prelu"),
        helper.make_node("Upsample", ["p", "scales"], ["y"], name="up", mode="nearest"),
    ]
    initializers = [weight("slope", 1), constant("scales", [1, 1, 3, 2])]
    path = write_model(tmp_path / "old.onnx", nodes, initializers=initializers, opset=9)
    assert rows(imported(path, tmp_path)) == [
        ("prelu", "prelu", ("input",), (3, 8, 8), 1),
        ("up", "upsample", ("prelu",), (3, 24, 16), 0),
    ]
    assert dict(read_source(str(path)).layers[0].fields) == {"shared": True}


@pytest.mark.parametrize(
    ("node", "initializers", "message"),
    [
        (
            helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="n", pads=[1, 0, 0, 0]),
            [weight("w", 3, 2, 2, 2)],
            "pads [1, 0, 0, 0]: a transposed convolution's padding is the same at both ends",
        ),
        (
            helper.make_node(
                "ConvTranspose", ["x", "w"], ["y"], name="n", output_shape=[9, 9], strides=[1, 1]
            ),
            [weight("w", 3, 2, 2, 2)],
            "an output_shape or auto_pad, from which ONNX works out the padding",
        ),
        (
            helper.make_node("Resize", ["x", "", "s"], ["y"], name="n"),
            [constant("s", [1, 1, 1.5, 1.5])],
            "scales [1.0, 1.0, 1.5, 1.5]: only whole factors of the height and width",
        ),
        (
            helper.make_node("Resize", ["x", "", "s"], ["y"], name="n", mode="cubic"),
            [constant("s", [1, 1, 2, 2])],
            "mode 'cubic'; nearest and linear (bilinear) can be imported",
        ),
        (
            helper.make_node("Mul", ["x", "k"], ["y"], name="n"),
            [weight("k", 3, 1, 1)],
            "multiplies the image by a constant or a weight of its own",
        ),
        (
            helper.make_node("PRelu", ["x", "k"], ["y"], name="n"),
            [weight("k", 2, 1, 1)],
            "a slope of shape [2, 1, 1]; one slope, or one per channel (3), can be imported",
        ),
    ],
    ids=["asymmetric-pads", "output-shape", "fractional-scale", "cubic", "constant-mul", "slope"],
)
def test_what_the_new_operators_cannot_say_is_named(
    node: Any, initializers: list[Any], message: str, tmp_path: Path
) -> None:
    path = write_model(tmp_path / "n.onnx", [node], initializers=initializers, opset=19)
    (found,) = problems(path)
    assert found.startswith(f"{path}: node 'n' ({node.op_type}): {message}"), found


def test_pytorch_scoped_names_become_module_paths(tmp_path: Path) -> None:
    """``/features/features.0/Conv`` is module features.0; a module of two layers names both."""
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="/features/features.0/Conv"),
        helper.make_node("Relu", ["c"], ["r"], name="/features/features.1/Relu"),
        helper.make_node("Conv", ["r", "w2"], ["c2"], name="/block/Conv"),
        helper.make_node("Relu", ["c2"], ["y"], name="/block/Relu"),
    ]
    initializers = [weight("w", 3, 3, 1, 1), weight("w2", 3, 3, 1, 1)]
    path = write_model(tmp_path / "scoped.onnx", nodes, initializers=initializers)
    names = [layer.name for layer in read_source(str(path)).layers]
    assert names == ["features.0", "features.1", "block.Conv", "block.Relu"]


# --- the model's own numbers ------------------------------------------------------------------


def test_a_shape_the_engine_disagrees_with_names_the_node(tmp_path: Path) -> None:
    path = conv_model(tmp_path)
    draft = read_source(str(path))
    (layer,) = draft.layers
    wrong = dataclasses.replace(
        draft,
        layers=(
            dataclasses.replace(
                layer, expected=dataclasses.replace(layer.expected, shape=(4, 7, 7))
            ),
        ),
    )
    text = source.spec_text(wrong, name="x", path="x.yml", editor_line="#", url=None)
    with pytest.raises(ModelError) as caught:
        source.check(wrong, text, tmp_path / "x.yml")
    assert caught.value.problems == (
        f"{path}: node 'conv' (Conv): the engine computes 4×6×6, the model's shape inference 4×7×7",
    )


def test_weights_that_do_not_fit_the_input_are_reported(tmp_path: Path) -> None:
    """A weight of 4 input channels on a 3-channel image: the engine counts 3·4·3·3 + 0 weights,
    the initializer holds 4·4·3·3."""
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv")
    path = write_model(tmp_path / "w.onnx", [node], initializers=[weight("w", 4, 4, 3, 3)])
    found = problems(path)
    assert (
        f"{path}: node 'conv' (Conv): the engine counts 108 parameters, the model's weights hold 144"
        in found
    )


# --- what cannot be imported --------------------------------------------------------------------


def test_every_unsupported_operator_is_reported_with_its_node(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Transpose", ["x"], ["t"], name="swap", perm=[0, 1, 3, 2]),
        helper.make_node("Relu", ["t"], ["r"], name="after"),
        helper.make_node("Exp", ["x"], ["a"], name="exp"),
        helper.make_node("Add", ["r", "a"], ["y"], name="add"),
    ]
    path = write_model(tmp_path / "u.onnx", nodes)
    found = problems(path)
    assert [p.split(": ")[1] for p in found] == ["node 'swap' (Transpose)", "node 'exp' (Exp)"]
    assert found[0].startswith(
        f"{path}: node 'swap' (Transpose): operator Transpose has no layer kind in the spec "
        "format; it reads the model's input. The importer reads Abs, Add, AveragePool, "
    )


def test_an_input_of_unknown_size_needs_one(tmp_path: Path) -> None:
    node = helper.make_node("Relu", ["x"], ["y"], name="relu")
    path = write_model(tmp_path / "dyn.onnx", [node], shape=("N", 3, "H", "W"))
    (found,) = problems(path)
    assert found.startswith(f"{path}: input 'x': its shape is ?×3×?×?")
    assert "--input CxHxW" in found
    assert imported(path, tmp_path, input_shape=(3, 10, 12)).layer("relu").output == (3, 10, 12)


def test_a_second_image_input_is_refused(tmp_path: Path) -> None:
    node = helper.make_node("Add", ["x", "z"], ["y"], name="add")
    z = helper.make_tensor_value_info("z", FLOAT, [1, 3, 8, 8])
    path = write_model(tmp_path / "two.onnx", [node], inputs=[z])
    assert problems(path) == [
        f"{path}: the spec format has one input image; the model's image inputs: "
        "'x' (read by node 'add' (Add)), 'z' (read by node 'add' (Add))"
    ]


def test_a_weight_given_as_an_input_is_no_second_image(tmp_path: Path) -> None:
    """A model exported without its weights lists them as inputs. One that only an operator the
    importer does not read takes, and never as its first input, is that operator's weight: the
    operator is what is reported, with what it reads."""
    node = helper.make_node("Div", ["x", "scale"], ["y"], name="/scale/Div")
    scale = helper.make_tensor_value_info("scale", FLOAT, [1])
    path = write_model(tmp_path / "w.onnx", [node], inputs=[scale])
    (found,) = problems(path)
    assert found.startswith(
        f"{path}: node '/scale/Div' (Div): operator Div has no layer kind in the spec format; "
        "it reads the model's input. The importer reads Abs, Add, "
    ), found


def test_a_scale_given_as_an_input_is_a_weight_of_the_product(tmp_path: Path) -> None:
    """PyTorch's ``x * self.scale`` exported without weights: the scale is a graph input read at
    Mul's second input, a weight; a product with a weight is not two layers' (multiply)."""
    node = helper.make_node("Mul", ["x", "scale"], ["y"], name="/scale/Mul")
    scale = helper.make_tensor_value_info("scale", FLOAT, [1])
    path = write_model(tmp_path / "w.onnx", [node], inputs=[scale])
    (found,) = problems(path)
    assert found.startswith(
        f"{path}: node '/scale/Mul' (Mul): multiplies the image by a constant or a weight of its "
        "own; only the product of two layers' outputs (multiply) can be imported"
    ), found


def test_without_the_onnx_package_it_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = conv_model(tmp_path)
    monkeypatch.setitem(sys.modules, "onnx", None)
    (found,) = problems(path)
    assert found.startswith("reading ONNX needs the onnx package")
    assert "pip install -e '.[import]'" in found
