"""Caffe's three file formats and its training definitions, against a reader of the tests' own.

The oracle below reads a prototxt with a tokenizer, a V0/V1/current normalisation and the size
formulas of Caffe's C++ of its own (``conv_layer.cpp``'s ``(in + 2·pad − kernel) / stride + 1``,
rounded down; ``pooling_layer.cpp``'s rounded up, less a last window that would start in the
padding; ``inner_product_layer.cpp``'s ``in · out + out``), sharing no code with the importer. Every
fixture, in every format, must import to its numbers layer by layer: output shape, parameters, and
the multiply-accumulates of its convolutions and fully connected layers.

The fixtures were written from BVLC's files at the revisions their headers name: CaffeNet as V0
(before and after V0's padding layers were folded into the convolutions), as V1 and as the current
format, for deployment and for training (``train_val.prototxt``, with its data, loss and accuracy
layers).
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzzing
from hypothesis import strategies as st

from generator.core.kinds import kind_of
from generator.core.results import Analysis
from generator.load.importers.source import ModelError, import_spec, read_source
from generator.spec import schema

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEPLOY = FIXTURES / "bvlc_reference_caffenet_deploy.prototxt"
DEPLOY_V1 = FIXTURES / "bvlc_reference_caffenet_deploy_v1.prototxt"
DEPLOY_V0 = FIXTURES / "bvlc_reference_caffenet_deploy_v0.prototxt"
PADDING_V0 = FIXTURES / "bvlc_imagenet_v0_padding.prototxt"
TRAIN_VAL = FIXTURES / "bvlc_reference_caffenet_train_val.prototxt"
TRAIN_VAL_V1 = FIXTURES / "bvlc_reference_caffenet_train_val_v1.prototxt"
TRAIN_V0 = FIXTURES / "bvlc_imagenet_train_v0.prototxt"
GOOGLENET = FIXTURES / "bvlc_googlenet_deploy.prototxt"
ALL = [DEPLOY, DEPLOY_V1, DEPLOY_V0, PADDING_V0, TRAIN_VAL, TRAIN_VAL_V1, TRAIN_V0, GOOGLENET]
#: CaffeNet's numbers: 60,965,224 parameters, 724,406,816 multiply-accumulates (every fixture
#: above but GoogLeNet is CaffeNet).
CAFFENET_PARAMS, CAFFENET_MACS = 60_965_224, 724_406_816


# --- the oracle: a prototxt reader of the tests' own ----------------------------------------------

_TOKEN = re.compile(
    r"\s+|#[^\n]*|(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')|([{}<>\[\]:,;])|([^\s{}<>\[\]:,;#\"']+)"
)
Fields = list[tuple[str, object]]


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """``("s", text)`` for a string, ``("p", char)`` for punctuation, ``("w", word)`` else."""
    for match in _TOKEN.finditer(text):
        string, punctuation, word = match.groups()
        if string is not None:
            yield "s", string[1:-1]
        elif punctuation is not None:
            yield "p", punctuation
        elif word is not None:
            yield "w", word


def _scalar(kind: str, token: str) -> object:
    if kind == "s":
        return token
    for convert in (int, float):
        try:
            return convert(token)
        except ValueError:
            pass
    return token


def read(text: str) -> Fields:
    """A prototxt as nested lists of ``(name, value)``; ``[a, b]`` repeats the field."""
    tokens = list(_tokens(text))
    position = 0

    def message(end: str | None) -> Fields:
        nonlocal position
        found: Fields = []
        while position < len(tokens):
            kind, token = tokens[position]
            if kind == "p" and token == end:
                position += 1
                return found
            if kind == "p" and token in ",;":
                position += 1
                continue
            name = token
            position += 1
            if tokens[position] == ("p", ":"):
                position += 1
            kind, token = tokens[position]
            position += 1
            if kind == "p" and token in "{<":
                found.append((name, message("}" if token == "{" else ">")))
            elif kind == "p" and token == "[":
                while tokens[position] != ("p", "]"):
                    if tokens[position][0] != "p":
                        found.append((name, _scalar(*tokens[position])))
                    position += 1
                position += 1
            else:
                found.append((name, _scalar(kind, token)))
        return found

    return message(None)


def _all(fields: Fields, name: str) -> list[object]:
    return [value for key, value in fields if key == name]


def _one(fields: Fields, name: str, default: object = None) -> object:
    values = _all(fields, name)
    return values[-1] if values else default


#: Each layer type, in every format's spelling (lower case, without ``_``), as the oracle knows it.
_TYPES = {
    "conv": "conv",
    "convolution": "conv",
    "pool": "pool",
    "pooling": "pool",
    "innerproduct": "fc",
    "relu": "same",
    "dropout": "same",
    "lrn": "same",
    "softmax": "same",
    "concat": "concat",
    "split": "split",
    "padding": "padding",
    "data": "data",
    "images": "data",
    "imagedata": "data",
    "windowdata": "data",
    "input": "input",
    "accuracy": "training",
    "softmaxloss": "training",
    "softmaxwithloss": "training",
    "sigmoid": "same",
    "tanh": "same",
    "batchnorm": "batchnorm",
    "scale": "scale",
    "eltwise": "same",
    "flatten": "flatten",
    "deconvolution": "deconv",
    "crop": "crop",
    "prelu": "prelu",
    "absval": "same",
}
#: V0's names of the settings the oracle reads, as the later formats name them.
_RENAMED = {"kernelsize": "kernel_size", "biasterm": "bias_term", "cropsize": "crop_size"}


@dataclass(frozen=True)
class OracleLayer:
    name: str
    output: tuple[int, ...]
    params: int
    macs: int


def _layers(
    net: Fields,
) -> Iterator[tuple[str, str, list[str], list[str], dict[str, list[object]]]]:
    """Each layer as (name, oracle type, bottoms, tops, settings), whatever the format."""
    for key, value in net:
        if key not in ("layer", "layers"):
            continue
        assert isinstance(value, list)
        entry: Fields = value
        inner = _one(entry, "layer")
        described: Fields = inner if isinstance(inner, list) else entry  # V0 nests its settings
        phases = [_one(rule, "phase") for rule in _all(entry, "include") if isinstance(rule, list)]
        if phases and "TEST" not in phases:
            continue
        settings: dict[str, list[object]] = {}
        for name, setting in described:
            nested: Fields = (
                setting if isinstance(setting, list) and name.endswith("_param") else []
            )
            for key2, value2 in nested or [(name, setting)]:
                settings.setdefault(_RENAMED.get(key2, key2), []).append(value2)
        kind = str(_one(described, "type")).lower().replace("_", "")
        yield (
            str(_one(described, "name")),
            _TYPES[kind],
            [str(b) for b in _all(entry, "bottom")],
            [str(t) for t in _all(entry, "top")],
            settings,
        )


def _get(settings: dict[str, list[object]], name: str, default: int) -> int:
    values = settings.get(name)
    return int(str(values[-1])) if values else default


def oracle(
    text: str, given: tuple[int, int, int] | None = None
) -> tuple[tuple[int, int, int], list[OracleLayer]]:
    """The input, and each layer's output shape, parameters and MACs, by Caffe's formulas; a data
    layer's images are ``given``, or 3 channels of its crop."""
    net = read(text)
    shapes: dict[str, tuple[int, ...]] = {}
    dims = [int(str(d)) for d in _all(net, "input_dim")]
    for shape in _all(net, "input_shape")[:1]:
        assert isinstance(shape, list)
        dims = [int(str(d)) for d in _all(shape, "dim")]
    if dims:
        shapes[str(_one(net, "input"))] = tuple(dims[1:])
    paddings: dict[str, tuple[str, int]] = {}
    found: list[OracleLayer] = []
    batch_norms: dict[str, int] = {}  # a BatchNorm's output blob: its index in ``found``
    for name, kind, bottoms, tops, settings in _layers(net):
        if kind == "scale":  # a BatchNorm's learned scale and shift: 2 per channel, on it
            index = batch_norms[bottoms[0]]
            before = found[index]
            found[index] = OracleLayer(before.name, before.output, 2 * before.output[0], 0)
            continue
        if kind == "data":
            if tops[0] not in shapes:  # a second data layer is another stage's
                crop = _get(settings, "crop_size", 0)
                shapes[tops[0]] = given or (3, crop, crop)
            continue
        if kind == "input":
            shape = settings["shape"][0]
            assert isinstance(shape, list)
            shapes[tops[0]] = tuple(int(str(d)) for d in _all(shape, "dim"))[1:]
            continue
        if kind == "training":
            continue
        if kind == "padding":
            paddings[tops[0]] = (bottoms[0], _get(settings, "pad", 0))
            continue
        pad = _get(settings, "pad", 0)
        if bottoms[0] in paddings:  # V0: the padding layer's pad, on the layer reading it
            source, pad = paddings[bottoms[0]]
            bottoms = [source]
        inputs = [shapes[b] for b in bottoms]
        output, params, macs = _compute(kind, inputs, settings, pad)
        for top in tops:
            shapes[top] = output
            batch_norms.pop(top, None)
        if kind == "batchnorm":
            batch_norms[tops[0]] = len(found)
        if kind != "split":
            found.append(OracleLayer(name, output, params, macs))
    (image,) = [s for b, s in shapes.items() if len(s) == 3][:1]
    return (image[0], image[1], image[2]), found


def _compute(
    kind: str, inputs: list[tuple[int, ...]], settings: dict[str, list[object]], pad: int
) -> tuple[tuple[int, ...], int, int]:
    first = inputs[0]
    if kind in ("same", "split", "batchnorm"):
        return first, 0, 0
    if kind == "flatten":
        return (math.prod(first),), 0, 0
    if kind == "concat":
        return (sum(s[0] for s in inputs), *first[1:]), 0, 0
    if kind == "crop":  # crop_layer.cpp: the reference's sizes from axis on (2 by default)
        axis = _get(settings, "axis", 2) % 4 - 1  # without the batch
        return (*first[:axis], *inputs[1][axis:]), 0, 0
    if kind == "prelu":  # prelu_layer.cpp: one slope per channel, or one if channel_shared
        shared = str(settings.get("channel_shared", ["false"])[-1]) == "true"
        return first, 1 if shared else first[0], 0
    if kind == "fc":
        out, values = _get(settings, "num_output", 0), math.prod(first)
        bias = out if str(settings.get("bias_term", ["true"])[-1]) != "false" else 0
        return (out,), values * out + bias, values * out
    c, h, w = first
    k, s = _get(settings, "kernel_size", 1), _get(settings, "stride", 1)
    if kind == "deconv":  # deconv_layer.cpp: stride·(in − 1) + kernel extent − 2·pad
        out, groups = _get(settings, "num_output", 0), _get(settings, "group", 1)
        extent = _get(settings, "dilation", 1) * (k - 1) + 1
        oh, ow = s * (h - 1) + extent - 2 * pad, s * (w - 1) + extent - 2 * pad
        bias = out if str(settings.get("bias_term", ["true"])[-1]) != "false" else 0
        weights = c * (out // groups) * k * k  # the blob is C_in × C_out/group × k × k
        # Multiply-accumulates as the operation counters count them: every input value times
        # a kernel of C_out/group × k × k.
        return (out, oh, ow), weights + bias, c * h * w * (out // groups) * k * k
    if kind == "conv":
        out, groups = _get(settings, "num_output", 0), _get(settings, "group", 1)
        oh, ow = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
        bias = out if str(settings.get("bias_term", ["true"])[-1]) != "false" else 0
        per_output = c // groups * k * k
        return (out, oh, ow), out * per_output + bias, out * oh * ow * per_output
    sizes = []
    for n in (h, w):
        pooled = -(-(n + 2 * pad - k) // s) + 1
        if pad and (pooled - 1) * s >= n + pad:
            pooled -= 1
        sizes.append(pooled)
    return (c, *sizes), 0, 0


def imported(
    source: Path | str, tmp_path: Path, input_shape: tuple[int, int, int] | None = None
) -> Analysis:
    return import_spec(
        str(source),
        path=tmp_path / "imported.yml",
        editor_line=schema.EDITOR_LINE,
        input_shape=input_shape,
    ).analysis


# --- every format, every fixture: the oracle's numbers --------------------------------------------


@pytest.mark.parametrize("fixture", ALL, ids=[p.stem for p in ALL])
def test_every_layer_is_the_oracles(fixture: Path, tmp_path: Path) -> None:
    """Layer by layer, the imported network has the oracle's shapes, parameters and MACs."""
    image, expected = oracle(fixture.read_text(encoding="utf-8"))
    analysis = imported(fixture, tmp_path)
    assert analysis.input == image
    names = {result.name: result for result in analysis.layers}
    for layer in expected:
        result = names[layer.name.replace("/", ".")]
        assert (result.output, result.params) == (layer.output, layer.params), layer.name
        if result.kind in ("conv", "conv_transpose", "fc"):
            assert result.macs == layer.macs, layer.name
    assert analysis.totals.params == sum(layer.params for layer in expected)
    assert analysis.totals.macs == sum(layer.macs for layer in expected)
    assert len(analysis.layers) == len(expected)


RESIDUAL = """\
name: "Residual"
input: "data"
input_shape { dim: [1, 8, 14, 14] }
layer { name: "a" type: "Convolution" bottom: "data" top: "a"
        convolution_param { num_output: 8 kernel_size: 3 pad: 1 bias_term: false } }
layer { name: "bn_a" type: "BatchNorm" bottom: "a" top: "a" }
layer { name: "scale_a" type: "Scale" bottom: "a" top: "a" scale_param { bias_term: true } }
layer { name: "relu_a" type: "ReLU" bottom: "a" top: "a" }
layer { name: "sum" type: "Eltwise" bottom: "data" bottom: "a" top: "sum" }
layer { name: "pool" type: "Pooling" bottom: "sum" top: "pool"
        pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }
layer { name: "flat" type: "Flatten" bottom: "pool" top: "flat" }
layer { name: "fc" type: "InnerProduct" bottom: "flat" top: "fc" inner_product_param { num_output: 10 } }
"""


def test_a_residual_unit_with_batch_norm_is_the_oracles(tmp_path: Path) -> None:
    """KaimingHe's ResNet unit: a BatchNorm and the Scale after it count 2 per channel together,
    an Eltwise sum nothing; the pooling's ⌈(14 + 2 − 3) / 2⌉ + 1 = 8."""
    path = tmp_path / "residual.prototxt"
    path.write_text(RESIDUAL, encoding="utf-8")
    _, expected = oracle(RESIDUAL)
    analysis = imported(path, tmp_path)
    assert [(r.name, r.output, r.params) for r in analysis.layers] == [
        (layer.name, layer.output, layer.params) for layer in expected
    ]
    assert analysis.layer("bn_a").params == 16
    assert analysis.layer("pool").output == (8, 8, 8)


# --- FCN, HED, and the activations of face models: the layer kinds of issue 23 -----------------

FCN8S_LIKE = FIXTURES / "fcn8s_like_deploy.prototxt"
HED_LIKE = FIXTURES / "hed_like_deploy.prototxt"
LANDMARK_LIKE = FIXTURES / "landmark_like_deploy.prototxt"


@pytest.mark.parametrize(
    "fixture", [FCN8S_LIKE, HED_LIKE, LANDMARK_LIKE], ids=["fcn8s", "hed", "landmark"]
)
def test_upsampling_and_face_networks_are_the_oracles(fixture: Path, tmp_path: Path) -> None:
    """Deconvolution, Crop, PReLU, AbsVal and LRN within a channel: layer by layer, in order
    (HED names five layers 'crop'), the oracle's shapes, parameters and MACs, and its totals."""
    image, expected = oracle(fixture.read_text(encoding="utf-8"))
    analysis = imported(fixture, tmp_path)
    assert analysis.input == image
    assert [(r.output, r.params, r.macs) for r in analysis.layers] == [
        (layer.output, layer.params, layer.macs) for layer in expected
    ]
    assert analysis.totals.params == sum(layer.params for layer in expected)
    assert analysis.totals.macs == sum(layer.macs for layer in expected)


def test_fcn8s_crops_its_scores_back_to_the_input(tmp_path: Path) -> None:
    """64 + 2·100 − 2 = 262 after conv1_1; pools (ceil) to 131, 66, 33, 17, 9; fc6's 7×7 to 3.
    upscore2 ``(3 − 1)·2 + 4 = 8``, score_pool4 (17) cut to 8 at 5; upscore_pool4 ``7·2 + 4 =
    18``, score_pool3 (33) cut to 18 at 9; upscore8 ``17·8 + 16 = 152``, cut to the input's 64 at
    31. A Deconvolution's MACs are every input value times a kernel: upscore8's
    ``5·18·18 × 5 × 16·16 = 2,073,600``."""
    analysis = imported(FCN8S_LIKE, tmp_path)
    layer = analysis.layer
    assert [layer(n).output for n in ("upscore2", "upscore_pool4", "upscore8")] == [
        (5, 8, 8),
        (5, 18, 18),
        (5, 152, 152),
    ]
    assert (layer("score_pool4c").output, layer("score_pool3c").output) == ((5, 8, 8), (5, 18, 18))
    assert layer("upscore8").macs == 2_073_600
    assert layer("upscore8").params == 5 * 5 * 16 * 16  # no bias
    assert analysis.layers[-1].name == "score"
    assert analysis.layers[-1].output == (5, *analysis.input[1:])
    assert layer("score").inputs == ("upscore8", "input")
    assert "crop to input at 31" in kind_of(layer("score").layer).operation(layer("score"))


def test_hed_s_six_outputs_are_the_input_s_size(tmp_path: Path) -> None:
    """Each side output upsampled (4/2 to 32/16) and cropped to the 40×40 input, then fused."""
    analysis = imported(HED_LIKE, tmp_path)
    sides = [f"sigmoid-dsn{i}" for i in range(1, 6)]
    assert analysis.spec.outputs == tuple(sides)
    for name in [*sides, "sigmoid-fuse"]:
        assert analysis.layer(name).output == (1, 40, 40), name
    assert [analysis.layer(f"upsample_{f}").output for f in (2, 4, 8, 16)] == [
        (1, 110, 110),  # 54 → 53·2 + 4
        (1, 112, 112),  # 27 → 26·4 + 8
        (1, 120, 120),  # 14 → 13·8 + 16
        (1, 128, 128),  # 7 → 6·16 + 32
    ]
    assert [r.name for r in analysis.layers if r.kind == "crop"] == [
        "crop",
        "crop_2",
        "crop_3",
        "crop_4",
        "crop_5",
    ]


def rows(analysis: Analysis) -> list[tuple[str, str, tuple[str, ...], tuple[int, ...], int, int]]:
    return [(r.name, r.kind, r.inputs, r.output, r.params, r.macs) for r in analysis.layers]


# --- V0 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", [DEPLOY_V0, PADDING_V0], ids=["v0", "v0-padding-layers"])
def test_v0_imports_as_its_v1_counterpart(fixture: Path, tmp_path: Path) -> None:
    """The same CaffeNet as V0 and as V1: every layer equal, 60,965,224 parameters and
    724,406,816 multiply-accumulates (the V0 padding layers become conv2 to conv5's padding)."""
    v0 = imported(fixture, tmp_path)
    v1 = imported(DEPLOY_V1, tmp_path)
    assert rows(v0) == rows(v1)
    assert (v0.totals.params, v0.totals.macs) == (CAFFENET_PARAMS, CAFFENET_MACS)
    conv2 = next(layer for layer in read_source(str(fixture)).layers if layer.name == "conv2")
    assert conv2.fields["padding"] == 2


def test_a_v0_padding_layer_is_named_in_the_spec(tmp_path: Path) -> None:
    result = import_spec(str(PADDING_V0), path=tmp_path / "p.yml", editor_line="#")
    assert "  # with the zero padding of the V0 padding layer 'pad2' before it\n" in result.text


def v0_net(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "v0.prototxt"
    head = 'name: "V0"\ninput: "data"\ninput_dim: 1\ninput_dim: 3\ninput_dim: 16\ninput_dim: 16\n'
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return path


def problems(path: Path, input_shape: tuple[int, int, int] | None = None) -> list[str]:
    with pytest.raises(ModelError) as caught:
        read_source(str(path), input_shape=input_shape)
    return list(caught.value.problems)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'layers { layer { name: "r" type: "relu" kernelsize: 3 } bottom: "data" top: "r" }',
            "7: layer 'r': the V0 field 'kernelsize' has no place in a V0 'relu' layer",
        ),
        (
            'layers { layer { name: "b" type: "bnll" } bottom: "data" top: "b" }',
            "7: layer 'b': V0 layer type 'bnll' (BNLL) has no layer kind in the spec format",
        ),
        (
            'layers { layer { name: "x" type: "convolution" } bottom: "data" top: "x" }',
            "7: layer 'x': V0 layer type 'convolution' is not one of V0's types",
        ),
        (
            'layers { layer { name: "x" type: conv } bottom: "data" top: "x" }',
            "7: layer 'x': field 'type' must be a quoted V0 layer type, got conv",
        ),
        (
            'layers { layer { name: "c" type: "conv" num_output: 4 kernelsize: 0 } bottom: "data" top: "c" }',
            "7: layer 'c': field 'kernelsize' must be a positive whole number, got 0",
        ),
        (
            'layers { layer { name: "c" type: "conv" kernelsize: 3 } bottom: "data" top: "c" }',
            "7: layer 'c': a V0 'conv' layer needs num_output",
        ),
        (
            'layers { layer { name: "c" type: "conv" num_output: 4 kernelsize: 3 colour: 1 } bottom: "data" top: "c" }',
            "7: layer 'c': 'colour' is not a field of a V0 layer (caffe.proto's V0LayerParameter)",
        ),
        (
            'layers { layer { name: "p" type: "padding" pad: 1 } bottom: "data" top: "p" }\n'
            'layers { layer { name: "n" type: "lrn" } bottom: "p" top: "n" }',
            "8: layer 'n': reads the V0 padding layer 'p' (line 7), which only a V0 'conv' or "
            "'pool' layer can read",
        ),
        (
            'layers { layer { name: "p" type: "pool" pool: STOCHASTIC kernelsize: 2 } bottom: "data" top: "p" }',
            "7: layer 'p': STOCHASTIC pooling has no layer kind in the spec format",
        ),
    ],
)
def test_what_v0_cannot_say_is_named_as_v0(tmp_path: Path, body: str, message: str) -> None:
    path = v0_net(tmp_path, body)
    (found,) = problems(path)
    assert found.startswith(f"{path}:{message}"), found


def test_v0_settings_become_the_current_formats(tmp_path: Path) -> None:
    body = """\
        layers { layer { name: "p" type: "padding" pad: 1 } bottom: "data" top: "p" }
        layers { layer { name: "c" type: "conv" num_output: 8 kernelsize: 3 stride: 2 group: 1
                         biasterm: false blobs_lr: 1 weight_decay: 1 } bottom: "p" top: "c" }
        layers { layer { name: "q" type: "pool" pool: AVE kernelsize: 3 stride: 2 } bottom: "c" top: "q" }
        layers { layer { name: "n" type: "lrn" local_size: 3 alpha: 0.5 beta: 0.5 k: 2 } bottom: "q" top: "n" }
        layers { layer { name: "d" type: "dropout" dropout_ratio: 0.25 } bottom: "n" top: "n" }
        layers { layer { name: "f" type: "innerproduct" num_output: 5 } bottom: "n" top: "f" }
        layers { layer { name: "s" type: "softmax" } bottom: "f" top: "s" }
    """
    draft = read_source(str(v0_net(tmp_path, body)))
    assert [(layer.name, layer.kind, dict(layer.fields)) for layer in draft.layers] == [
        ("c", "conv", {"out_channels": 8, "kernel": 3, "stride": 2, "padding": 1, "bias": False}),
        ("q", "avg_pool", {"kernel": 3, "stride": 2, "rounding": "ceil"}),
        ("n", "lrn", {"size": 3, "alpha": 0.5, "beta": 0.5, "k": 2.0}),
        ("d", "dropout", {"p": 0.25}),
        ("f", "fc", {"out_features": 5}),
        ("s", "softmax", {}),
    ]


# --- training definitions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fixture", [TRAIN_VAL, TRAIN_VAL_V1, TRAIN_V0], ids=["current", "v1", "v0"]
)
def test_a_training_definition_imports_with_its_data_and_loss_left_out(
    fixture: Path, tmp_path: Path
) -> None:
    """CaffeNet's train_val: the data layer gives the 3×227×227 input (its crop_size); the loss and
    the accuracy are left out; the rest is the deploy network but its final softmax."""
    result = import_spec(str(fixture), path=tmp_path / "t.yml", editor_line="#")
    deploy = imported(DEPLOY_V1, tmp_path)
    assert result.analysis.input == (3, 227, 227)
    assert rows(result.analysis) == rows(deploy)[:-1]
    assert deploy.layers[-1].kind == "softmax"
    assert result.analysis.totals.params == CAFFENET_PARAMS
    text = " ".join(line.lstrip("# ") for line in result.text.splitlines() if line.startswith("#"))
    assert (
        "layer 'data' (line " in text and "is left out: it reads the images from a database" in text
    )
    assert "The input is 3×227×227: its crop_size, 227×227, with 3 channels" in text
    assert "Left out, as what training computes rather than the network" in text
    assert "'loss' (line " in text


def lenet(tmp_path: Path, data: str, rest: str = "") -> Path:
    """LeNet's training definition, shortened: a data layer without a crop (MNIST's 1×28×28)."""
    body = f"""\
        name: "LeNet"
        {data}
        layer {{ name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
                convolution_param {{ num_output: 20 kernel_size: 5 }} }}
        layer {{ name: "ip" type: "InnerProduct" bottom: "conv1" top: "ip" inner_product_param {{ num_output: 10 }} }}
        {rest}
        layer {{ name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }}
    """
    path = tmp_path / "lenet.prototxt"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


DATA = 'layer { name: "mnist" type: "Data" top: "data" top: "label" data_param { batch_size: 64 } }'


def test_a_data_layer_of_unknown_size_needs_input(tmp_path: Path) -> None:
    path = lenet(tmp_path, DATA)
    assert problems(path) == [
        f"{path}:2: layer 'mnist': a Data layer reads its images from a database, and the file "
        "does not say their size: give it with --input CxHxW"
    ]
    analysis = imported(path, tmp_path, input_shape=(1, 28, 28))
    assert analysis.layer("conv1").output == (20, 24, 24)
    assert analysis.totals.params == 20 * 25 + 20 + 20 * 24 * 24 * 10 + 10


def test_a_data_layer_for_another_stage_is_the_same_input(tmp_path: Path) -> None:
    """As BVLC's mnist_autoencoder.prototxt: one data layer per stage, each writing ``data``."""
    stages = (
        'layer { name: "on-train" type: "Data" top: "data" include { phase: TEST stage: "a" } }\n'
        'layer { name: "on-test" type: "Data" top: "data" include { phase: TEST stage: "b" } }'
    )
    path = lenet(tmp_path, stages)
    (found,) = problems(path)
    assert found.startswith(f"{path}:2: layer 'on-train': a Data layer reads its images from")
    result = import_spec(
        str(path), path=tmp_path / "l.yml", editor_line="#", input_shape=(1, 28, 28)
    )
    assert [r.name for r in result.analysis.layers] == ["conv1", "ip"]
    assert "Data 'on-test' (line 3), for another stage" in " ".join(
        line.lstrip("# ") for line in result.text.splitlines()
    )


@pytest.mark.parametrize(
    ("data", "shape"),
    [
        (
            'layer { name: "d" type: "DummyData" top: "data" dummy_data_param { shape { dim: [2, 1, 28, 28] } } }',
            (1, 28, 28),
        ),
        (
            'layer { name: "d" type: "MemoryData" top: "data" top: "label"\n'
            "  memory_data_param { batch_size: 1 channels: 1 height: 28 width: 28 } }",
            (1, 28, 28),
        ),
        (
            'layer { name: "d" type: "ImageData" top: "data" top: "label"\n'
            "  image_data_param { is_color: false } transform_param { crop_size: 28 } }",
            (1, 28, 28),
        ),
        (
            'layer { name: "d" type: "Data" top: "data" top: "label"\n'
            "  transform_param { crop_size: 28 force_gray: true } }",
            (1, 28, 28),
        ),
        (
            'layers { name: "d" type: IMAGE_DATA top: "data" top: "label"\n'
            "  image_data_param { new_height: 28 new_width: 28 } }",
            (3, 28, 28),
        ),
    ],
)
def test_each_data_layer_gives_the_size_it_says(
    tmp_path: Path, data: str, shape: tuple[int, int, int]
) -> None:
    path = lenet(tmp_path, data)
    if data.startswith("layers"):  # V1: every layer in the older format
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\blayer \{", "layers {", text)
        text = text.replace('type: "Convolution"', "type: CONVOLUTION")
        text = text.replace('type: "InnerProduct"', "type: INNER_PRODUCT")
        text = text.replace('type: "SoftmaxWithLoss"', "type: SOFTMAX_LOSS")
        path.write_text(text, encoding="utf-8")
    assert imported(path, tmp_path).input == shape


# --- one problem per cause ------------------------------------------------------------------------


def test_a_layer_that_fails_is_reported_once_not_at_each_reader(tmp_path: Path) -> None:
    """conv1 cannot be imported: relu1 (in place), pool1 and every layer after it read its output,
    directly or not, and are not reported again."""
    text = TRAIN_VAL.read_text(encoding="utf-8")
    broken = text.replace('name: "conv1" type: "Convolution"', 'name: "conv1" type: "Power"')
    path = tmp_path / "train_val.prototxt"
    path.write_text(broken, encoding="utf-8")
    (found,) = problems(path)
    assert "layer 'conv1': layer type 'Power' has no layer kind in the spec format" in found


def test_a_mid_network_python_layer_is_named_as_custom_code(tmp_path: Path) -> None:
    rest = """\
        layer { name: "custom" type: "Python" bottom: "ip" top: "ip2"
                python_param { module: "my_layers" layer: "Rescale" } }
        layer { name: "after" type: "ReLU" bottom: "ip2" top: "ip2" }
    """
    path = lenet(tmp_path, DATA, textwrap.indent(textwrap.dedent(rest), "        "))
    (found,) = problems(path, input_shape=(1, 28, 28))
    assert found.startswith(
        f"{path}:6: layer 'custom': a Python layer in the middle of the network runs custom code "
        "(my_layers.Rescale), which has no layer kind in the spec format"
    ), found


def test_a_python_data_layer_at_the_start_is_left_out(tmp_path: Path) -> None:
    data = (
        'layer { name: "input" type: "Python" top: "data" top: "label"\n'
        '  python_param { module: "voc_layers" layer: "VOCSegDataLayer" } }'
    )
    result = import_spec(
        str(lenet(tmp_path, data)),
        path=tmp_path / "l.yml",
        editor_line="#",
        input_shape=(1, 28, 28),
    )
    assert [r.name for r in result.analysis.layers] == ["conv1", "ip"]
    assert "The Python layer 'input' (line 2) is left out: it reads the images from custom" in (
        " ".join(line.lstrip("# ") for line in result.text.splitlines())
    )


def test_a_forks_data_layer_at_the_start_is_left_out(tmp_path: Path) -> None:
    """As HED's ``ImageLabelmapData`` and SegNet's ``DenseImageData``: a layer that reads no
    blob, of a type a Caffe fork adds and whose name ends in ``Data``, is a data layer."""
    data = 'layer { name: "data" type: "ImageLabelmapData" top: "data" top: "label" }'
    path = lenet(tmp_path, data)
    assert problems(path) == [
        f"{path}:2: layer 'data': an ImageLabelmapData layer reads its images from a source of "
        "its own (a Caffe fork's data layer), and the file does not say their size: give it "
        "with --input CxHxW"
    ]
    result = import_spec(
        str(path), path=tmp_path / "l.yml", editor_line="#", input_shape=(1, 28, 28)
    )
    assert [r.name for r in result.analysis.layers] == ["conv1", "ip"]


def test_an_image_data_layer_that_keeps_each_images_size(tmp_path: Path) -> None:
    """``new_height: 0`` is Caffe's default, "do not resize": the size is the crop's, or given."""
    data = (
        'layer { name: "d" type: "ImageData" top: "data" top: "label"\n'
        "  image_data_param { new_height: 0 new_width: 0 } }"
    )
    path = lenet(tmp_path, data)
    (found,) = problems(path)
    assert "give it with --input CxHxW" in found
    assert imported(path, tmp_path, input_shape=(3, 28, 28)).input == (3, 28, 28)


def test_reading_the_labels_is_one_problem(tmp_path: Path) -> None:
    rest = 'layer { name: "lab" type: "ReLU" bottom: "label" top: "lab" }'
    path = lenet(tmp_path, DATA, rest)
    (found,) = problems(path, input_shape=(1, 28, 28))
    assert found == (
        f"{path}:6: layer 'lab': reads blob 'label', the labels that data layer 'mnist' writes; "
        "the spec's one input is the image"
    )


def test_the_older_formats_types_by_name_and_number(tmp_path: Path) -> None:
    """V1 writes a type as an enum word or its number: 19 is SIGMOID, 23 TANH."""
    text = """\
        input: "data"
        input_dim: [1, 3, 4, 4]
        layers { name: "s" type: 19 bottom: "data" top: "s" }
        layers { name: "t" type: TANH bottom: "s" top: "t" }
    """
    path = tmp_path / "v1.prototxt"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    assert [(layer.name, layer.kind) for layer in read_source(str(path)).layers] == [
        ("s", "sigmoid"),
        ("t", "tanh"),
    ]


# --- never a traceback ------------------------------------------------------------------------------

#: Words and values the older formats and the training definitions use, to put in each other's
#: places.
WORDS = (
    'type: "padding"',
    'type: "conv"',
    "kernelsize: 0",
    "pad: -1",
    "pool: STOCHASTIC",
    "layer { }",
    'bottom: "label"',
    'top: "data"',
    'type: "Python"',
    "type: DATA",
    "crop_size: 0",
    "include { phase: TRAIN }",
    "loss_weight: 1",
    "layers { }",
    'bottom: "pad2"',
    "{",
    "}",
)


@st.composite
def swapped(draw: st.DrawFn, text: str) -> str:
    """``text`` with one of its lines replaced by, or added to, one of :data:`WORDS`."""
    lines = text.splitlines()
    at = draw(st.integers(0, len(lines) - 1))
    word = draw(st.sampled_from(WORDS))
    if draw(st.booleans()):
        lines[at] = word
    else:
        lines.insert(at, word)
    return "\n".join(lines)


@pytest.mark.slow
@fuzzing(
    max_examples=fuzzing.default.max_examples,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_changed_v0_or_training_file_imports_or_says_why(
    tmp_path: Path, data: st.DataObject
) -> None:
    """Whatever a line becomes, the import gives a spec or ModelErrors, never another error."""
    fixture = data.draw(st.sampled_from([PADDING_V0, TRAIN_V0, TRAIN_VAL, TRAIN_VAL_V1]))
    path = tmp_path / "changed.prototxt"
    path.write_text(data.draw(swapped(fixture.read_text(encoding="utf-8"))), encoding="utf-8")
    try:
        imported(path, tmp_path)
    except ModelError as error:
        assert error.problems and all(p.startswith(str(path)) for p in error.problems)
