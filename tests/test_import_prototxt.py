"""Importing Caffe network definitions: the text-format grammar, each layer type, BVLC's models.

The fixtures in ``tests/fixtures/`` were written from BVLC's published ``deploy.prototxt`` files
(each says which file and revision in its header); imported, they must give the numbers of the
hand-written specs of the same networks, layer by layer.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.core.results import Analysis
from generator.load.importers.prototxt import Field, Identifier, Message, parse
from generator.load.importers.source import ModelError, import_spec, read_source
from generator.spec import schema
from tests.helpers import SPECS, load_spec

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CAFFENET = FIXTURES / "bvlc_reference_caffenet_deploy.prototxt"
CAFFENET_V1 = FIXTURES / "bvlc_reference_caffenet_deploy_v1.prototxt"
GOOGLENET = FIXTURES / "bvlc_googlenet_deploy.prototxt"


def imported(source: Path | str, tmp_path: Path, name: str = "imported") -> Analysis:
    return import_spec(
        str(source), path=tmp_path / f"{name}.yml", editor_line=schema.EDITOR_LINE
    ).analysis


def net(tmp_path: Path, body: str, *, shape: str = "1 3 32 32") -> Path:
    """A prototxt of one input ``data`` of ``shape`` and the layers in ``body``."""
    dims = " ".join(f"dim: {d}" for d in shape.split())
    path = tmp_path / "net.prototxt"
    text = f'name: "Net"\ninput: "data"\ninput_shape {{ {dims} }}\n' + textwrap.dedent(body)
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ModelError) as caught:
        read_source(str(path))
    return list(caught.value.problems)


# --- the grammar -------------------------------------------------------------------------------


def test_the_text_format_in_its_forms() -> None:
    """Colons before messages are optional, ``<>`` delimit messages too, lists repeat a field,
    separators and comments are allowed, adjacent strings join, numbers take their forms."""
    text = """\
        # a comment
        a: 1, b: -2.5e-3f; c: 0x1F
        m { x: "one" 'two' } n: < y: MAX >
        d: [3, 4] e: [{ z: 1 }, { z: 2 }]
        s: "esc\\"aped\\n"
    """
    message = parse(textwrap.dedent(text), "t.prototxt")
    values = [(f.name, f.value) for f in message.fields if not isinstance(f.value, Message)]
    assert values == [
        ("a", 1),
        ("b", -0.0025),
        ("c", 31),
        ("d", 3),
        ("d", 4),
        ("s", 'esc"aped\n'),
    ]
    m = message.first("m")
    assert m is not None and isinstance(m.value, Message)
    assert m.value.fields == (Field("x", "onetwo", 3),)
    n = message.first("n")
    assert n is not None and isinstance(n.value, Message)
    (y,) = n.value.fields
    assert y.value == "MAX" and isinstance(y.value, Identifier)
    assert [f.value.fields[0].value for f in message.all("e") if isinstance(f.value, Message)] == [
        1,
        2,
    ]


def test_a_field_spread_over_lines_is_one_field() -> None:
    message = parse('layer {\n  name:\n   "conv1"\n\n  type: "Convolution" }\n', "t.prototxt")
    layer = message.first("layer")
    assert layer is not None and isinstance(layer.value, Message)
    assert [(f.name, f.value, f.line) for f in layer.value.fields] == [
        ("name", "conv1", 2),
        ("type", "Convolution", 5),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("layer {\n  name: 'a'\n", "t.prototxt:2: the file ends early: expected '}' or a name"),
        ("a: }", "t.prototxt:1: expected "),
        (
            "a: 1\nb: 'open\n",
            't.prototxt:2: unexpected character "\'" at column 4 (an unclosed string?)',
        ),
        ("a: 1 @", "t.prototxt:1: unexpected character '@' at column 6"),
        ("{ a: 1 }", "t.prototxt:1: expected a name, found '{'"),
    ],
)
def test_a_broken_file_is_reported_where_it_breaks(text: str, message: str) -> None:
    with pytest.raises(ModelError) as caught:
        parse(text, "t.prototxt")
    assert caught.value.report().startswith(message), caught.value.report()


def test_nesting_beyond_any_network_is_refused() -> None:
    with pytest.raises(ModelError, match=r"t.prototxt:1: messages nest more than 64 levels"):
        parse("a {" * 100 + "}" * 100, "t.prototxt")


# --- BVLC's models ------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", [CAFFENET, CAFFENET_V1], ids=["layer", "layers-v1"])
def test_caffenet_imports_to_the_hand_written_numbers(fixture: Path, tmp_path: Path) -> None:
    """60,965,224 parameters, conv1 96×55×55, pool5 256×6×6, as the hand-written caffenet spec."""
    analysis = imported(fixture, tmp_path)
    assert analysis.totals.params == 60_965_224
    assert analysis.layer("conv1").output == (96, 55, 55)
    assert analysis.layer("pool5").output == (256, 6, 6)
    assert analysis.input == (3, 227, 227)
    same_as_hand_written(analysis, load_spec(SPECS / "caffenet.yml"))


def test_googlenet_imports_to_the_hand_written_spec(tmp_path: Path) -> None:
    """6,998,552 parameters, and every layer as googlenet.yml writes it, names included."""
    analysis = imported(GOOGLENET, tmp_path)
    assert analysis.totals.params == 6_998_552
    same_as_hand_written(analysis, load_spec(SPECS / "googlenet.yml"))


def same_as_hand_written(analysis: Analysis, hand: Analysis) -> None:
    """Layer by layer: name, kind, what it reads, output, parameters, MACs; and the totals."""
    got = [(r.name, r.kind, r.inputs, r.output, r.params, r.macs) for r in analysis.layers]
    want = [(r.name, r.kind, r.inputs, r.output, r.params, r.macs) for r in hand.layers]
    assert got == want
    assert analysis.totals == hand.totals


def test_the_written_spec_says_where_it_came_from(tmp_path: Path) -> None:
    result = import_spec(
        str(CAFFENET),
        path=tmp_path / "caffenet-imported.yml",
        editor_line=schema.EDITOR_LINE,
        url="https://github.com/BVLC/caffe/blob/9b89154/models/bvlc_reference_caffenet/deploy.prototxt",
    )
    spec = result.analysis.spec
    assert spec.imported_from == "model-file"
    source = spec.sources["model-file"]
    assert source.url.startswith("https://github.com/BVLC/caffe/")
    assert "bvlc_reference_caffenet_deploy.prototxt" in source.citation
    assert "a 3×227×227 input" in source.states and "5 Convolution" in source.states
    assert spec.title == "CaffeNet (TODO: authors, year)"
    assert result.text.splitlines()[0] == schema.EDITOR_LINE
    assert (
        "  - {name: pool1, kind: max_pool, kernel: 3, stride: 2, rounding: ceil}\n" in result.text
    )


# --- each layer type ------------------------------------------------------------------------------


def layers(
    tmp_path: Path, body: str, *, shape: str = "1 3 32 32"
) -> list[tuple[str, str, dict[str, object], tuple[str, ...]]]:
    draft = read_source(str(net(tmp_path, body, shape=shape)))
    return [(layer.name, layer.kind, dict(layer.fields), layer.inputs) for layer in draft.layers]


def test_convolution_settings(tmp_path: Path) -> None:
    body = """\
        layer { name: "a" type: "Convolution" bottom: "data" top: "a"
                convolution_param { num_output: 8 kernel_h: 3 kernel_w: 5 stride: 2 stride: 1
                                    pad_h: 1 pad_w: 2 group: 1 dilation: 2 bias_term: false } }
        layer { name: "b" type: "Convolution" bottom: "a" top: "b"
                convolution_param { num_output: 4 kernel_size: 1 group: 2 } }
    """
    assert layers(tmp_path, body) == [
        (
            "a",
            "conv",
            {
                "out_channels": 8,
                "kernel": (3, 5),
                "stride": (2, 1),
                "padding": (1, 2),
                "dilation": 2,
                "bias": False,
            },
            ("input",),
        ),
        ("b", "conv", {"out_channels": 4, "kernel": 1, "groups": 2}, ("a",)),
    ]


def test_pooling_rounds_up_and_says_its_stride(tmp_path: Path) -> None:
    """Caffe's pooling stride defaults to 1 (the spec's to the kernel), and it rounds up."""
    body = """\
        layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: AVE kernel_size: 3 } }
        layer { name: "g" type: "Pooling" bottom: "p" top: "g" pooling_param { pool: MAX global_pooling: true } }
    """
    assert layers(tmp_path, body) == [
        ("p", "avg_pool", {"kernel": 3, "stride": 1, "rounding": "ceil"}, ("input",)),
        ("g", "adaptive_max_pool", {"output": 1}, ("p",)),
    ]
    analysis = imported(
        net(
            tmp_path,
            'layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: MAX kernel_size: 3 stride: 2 } }',
            shape="1 3 8 8",
        ),
        tmp_path,
    )
    assert analysis.layer("p").output == (3, 4, 4)  # ⌈(8 − 3) / 2⌉ + 1; floor would give 3


def test_a_forks_ceil_mode_is_read_as_caffes_round_mode(tmp_path: Path) -> None:
    """``ceil_mode: false`` (the field of the Caffe fork DenseNet-Caffe and others were written
    for) rounds down, as BVLC's ``round_mode: FLOOR``; the written spec says where it came from."""
    body = """\
        layer { name: "p" type: "Pooling" bottom: "data" top: "p"
                pooling_param { pool: MAX kernel_size: 3 stride: 2 ceil_mode: false } }
        layer { name: "q" type: "Pooling" bottom: "p" top: "q"
                pooling_param { pool: MAX kernel_size: 3 stride: 2 ceil_mode: true } }
    """
    draft = read_source(str(net(tmp_path, body, shape="1 3 8 8")))
    assert [(layer.fields.get("rounding"), layer.comment) for layer in draft.layers] == [
        (None, "ceil_mode: false (a Caffe fork's field): rounds down"),
        ("ceil", "ceil_mode: true (a Caffe fork's field): rounds up"),
    ]
    analysis = imported(net(tmp_path, body, shape="1 3 8 8"), tmp_path)
    assert analysis.layer("p").output == (3, 3, 3)  # ⌊(8 − 3) / 2⌋ + 1; Caffe's ceil gives 4


def test_in_place_layers_are_read_by_the_next_reader_of_their_blob(tmp_path: Path) -> None:
    body = """\
        layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 3 } }
        layer { name: "r" type: "ReLU" bottom: "c" top: "c" }
        layer { name: "d" type: "Dropout" bottom: "c" top: "c" dropout_param { dropout_ratio: 0.25 } }
        layer { name: "left" type: "Convolution" bottom: "c" top: "left" convolution_param { num_output: 2 kernel_size: 1 } }
        layer { name: "right" type: "Convolution" bottom: "c" top: "right" convolution_param { num_output: 3 kernel_size: 1 } }
        layer { name: "cat" type: "Concat" bottom: "left" bottom: "right" top: "cat" }
        layer { name: "split" type: "Split" bottom: "cat" top: "s1" top: "s2" }
        layer { name: "sum" type: "Eltwise" bottom: "s1" bottom: "s2" top: "sum" }
        layer { name: "fc" type: "InnerProduct" bottom: "sum" top: "fc" inner_product_param { num_output: 10 bias_term: false } }
        layer { name: "prob" type: "Softmax" bottom: "fc" top: "prob" }
    """
    assert layers(tmp_path, body) == [
        ("c", "conv", {"out_channels": 4, "kernel": 3}, ("input",)),
        ("r", "relu", {}, ("c",)),
        ("d", "dropout", {"p": 0.25}, ("r",)),
        ("left", "conv", {"out_channels": 2, "kernel": 1}, ("d",)),
        ("right", "conv", {"out_channels": 3, "kernel": 1}, ("d",)),
        ("cat", "concat", {}, ("left", "right")),
        ("sum", "add", {}, ("cat", "cat")),
        ("fc", "fc", {"out_features": 10, "bias": False}, ("sum",)),
        ("prob", "softmax", {}, ("fc",)),
    ]


def test_lrn_keeps_caffes_constants(tmp_path: Path) -> None:
    body = 'layer { name: "n" type: "LRN" bottom: "data" top: "n" lrn_param { local_size: 3 alpha: 1e-4 beta: 0.75 } }'
    assert layers(tmp_path, body) == [
        ("n", "lrn", {"size": 3, "alpha": 0.0001, "beta": 0.75, "k": 1.0}, ("input",))
    ]


def test_lrn_within_a_channel(tmp_path: Path) -> None:
    """Caffe's WITHIN_CHANNEL region; its k, which Caffe ignores there (it adds 1), is written 1."""
    body = """\
        layer { name: "n" type: "LRN" bottom: "data" top: "n"
                lrn_param { local_size: 3 alpha: 5e-05 norm_region: WITHIN_CHANNEL } }
        layer { name: "m" type: "LRN" bottom: "n" top: "m"
                lrn_param { local_size: 5 k: 2 norm_region: WITHIN_CHANNEL } }
    """
    within = {"alpha": 5e-05, "beta": 0.75, "k": 1.0, "region": "within_channel"}
    assert layers(tmp_path, body) == [
        ("n", "lrn", {"size": 3, **within}, ("input",)),
        ("m", "lrn", {"size": 5, **within, "alpha": 1.0}, ("n",)),
    ]
    draft = read_source(str(net(tmp_path, body)))
    assert draft.layers[1].comment == (
        "k 2 as written, which Caffe ignores within a channel: it adds 1"
    )


def test_deconvolution_crop_prelu_and_absval(tmp_path: Path) -> None:
    """FCN's upscore and its crop; PReLU per channel and shared; AbsVal."""
    body = """\
        layer { name: "up" type: "Deconvolution" bottom: "data" top: "up"
                param { lr_mult: 0 }
                convolution_param { num_output: 4 bias_term: false kernel_size: 4 stride: 2
                                    pad: 1 group: 1 } }
        layer { name: "wide" type: "Deconvolution" bottom: "up" top: "wide"
                convolution_param { num_output: 2 kernel_h: 3 kernel_w: 1 stride_h: 2
                                    stride_w: 1 dilation: 2 group: 2 } }
        layer { name: "cut" type: "Crop" bottom: "wide" bottom: "data" top: "cut"
                crop_param { axis: 2 offset: 19 } }
        layer { name: "each" type: "Crop" bottom: "up" bottom: "data" top: "each"
                crop_param { axis: -3 offset: [0, 15, 16] } }
        layer { name: "width" type: "Crop" bottom: "cut" bottom: "data" top: "width"
                crop_param { axis: 3 } }
        layer { name: "slopes" type: "PReLU" bottom: "width" top: "width" }
        layer { name: "slope" type: "PReLU" bottom: "width" top: "width"
                prelu_param { channel_shared: true } }
        layer { name: "abs" type: "AbsVal" bottom: "width" top: "abs" }
    """
    assert layers(tmp_path, body) == [
        (
            "up",
            "conv_transpose",
            {"out_channels": 4, "kernel": 4, "stride": 2, "padding": 1, "bias": False},
            ("input",),
        ),
        (
            "wide",
            "conv_transpose",
            {"out_channels": 2, "kernel": (3, 1), "stride": (2, 1), "dilation": 2, "groups": 2},
            ("up",),
        ),
        ("cut", "crop", {"offset": 19}, ("wide", "input")),
        ("each", "crop", {"axis": "channels", "offset": (0, 15, 16)}, ("up", "input")),
        ("width", "crop", {"axis": "width"}, ("cut", "input")),
        ("slopes", "prelu", {}, ("width",)),
        ("slope", "prelu", {"shared": True}, ("slopes",)),
        ("abs", "abs", {}, ("slope",)),
    ]
    analysis = imported(net(tmp_path, body), tmp_path)
    # (32 − 1)·2 + 4 − 2·1 = 64; then (64 − 1)·2 + 2·(3 − 1) + 1 = 131 by (64 − 1)·1 + 1 = 64.
    assert [analysis.layer(n).output for n in ("up", "wide", "cut", "each", "width")] == [
        (4, 64, 64),
        (2, 131, 64),
        (2, 32, 32),
        (3, 32, 32),
        (2, 32, 32),
    ]
    assert (analysis.layer("slopes").params, analysis.layer("slope").params) == (2, 1)


def test_batch_norm_and_its_scale_are_one_batch_norm(tmp_path: Path) -> None:
    """Caffe's BatchNorm learns nothing; the Scale after it learns 2·C: PyTorch's BatchNorm2d."""
    body = """\
        layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
                convolution_param { num_output: 8 kernel_size: 3 bias_term: false } }
        layer { name: "bn_conv1" type: "BatchNorm" bottom: "conv1" top: "conv1"
                batch_norm_param { use_global_stats: true } }
        layer { name: "scale_conv1" type: "Scale" bottom: "conv1" top: "conv1" scale_param { bias_term: true } }
        layer { name: "conv1_relu" type: "ReLU" bottom: "conv1" top: "conv1" }
        layer { name: "bn_alone" type: "BatchNorm" bottom: "conv1" top: "conv1" }
    """
    assert layers(tmp_path, body) == [
        ("conv1", "conv", {"out_channels": 8, "kernel": 3, "bias": False}, ("input",)),
        ("bn_conv1", "batch_norm", {}, ("conv1",)),
        ("conv1_relu", "relu", {}, ("bn_conv1",)),
        ("bn_alone", "batch_norm", {"affine": False}, ("conv1_relu",)),
    ]
    analysis = imported(net(tmp_path, body), tmp_path)
    assert analysis.layer("bn_conv1").params == 16
    assert analysis.layer("bn_alone").params == 0


def test_layer_names_are_sanitised_and_unique(tmp_path: Path) -> None:
    body = """\
        layer { name: "conv1/7x7 s2" type: "Convolution" bottom: "data" top: "a" convolution_param { num_output: 2 kernel_size: 1 } }
        layer { name: "conv1/7x7 s2" type: "ReLU" bottom: "a" top: "a" }
        layer { name: "1x1" type: "ReLU" bottom: "a" top: "a" }
        layer { name: "input" type: "ReLU" bottom: "a" top: "a" }
    """
    assert [name for name, *_ in layers(tmp_path, body)] == [
        "conv1.7x7_s2",
        "conv1.7x7_s2_2",
        "relu_1x1",
        "input_2",
    ]


def test_a_branch_nothing_reads_is_an_output(tmp_path: Path) -> None:
    body = """\
        layer { name: "aux" type: "InnerProduct" bottom: "data" top: "aux" inner_product_param { num_output: 3 } }
        layer { name: "main" type: "InnerProduct" bottom: "data" top: "main" inner_product_param { num_output: 5 } }
    """
    result = import_spec(str(net(tmp_path, body)), path=tmp_path / "n.yml", editor_line="#")
    assert result.analysis.spec.outputs == ("aux",)


def test_training_only_layers_are_left_out(tmp_path: Path) -> None:
    body = """\
        layer { name: "fc" type: "InnerProduct" bottom: "data" top: "fc" inner_product_param { num_output: 5 } }
        layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc" bottom: "label" top: "loss" include { phase: TRAIN } }
    """
    assert [name for name, *_ in layers(tmp_path, body)] == ["fc"]


# --- what cannot be imported ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            'layer { name: "e" type: "Eltwise" bottom: "data" bottom: "data" top: "e"\n eltwise_param { operation: PROD } }',
            5,
            "layer 'e': Eltwise PROD has no layer kind in the spec format (SUM has: add)",
        ),
        (
            'layer { name: "x" type: "Power" bottom: "data" top: "x" }',
            4,
            "layer 'x': layer type 'Power' has no layer kind in the spec format",
        ),
        (
            'layer { name: "x" type: "Deconvolution" bottom: "data" top: "x" }',
            4,
            "layer 'x': a Deconvolution needs convolution_param { num_output }",
        ),
        (
            'layer { name: "c" type: "Crop" bottom: "data" top: "c" }',
            4,
            "layer 'c': 1 bottoms; a Crop layer reads two, the blob it cuts and the one whose "
            "size it takes",
        ),
        (
            'layer { name: "c" type: "Crop" bottom: "data" bottom: "data" top: "c"\n'
            " crop_param { axis: 0 } }",
            5,
            "layer 'c': axis 0: a crop from the channels (1), the height (2) or the width (3) "
            "can be imported, not one across the batch",
        ),
        (
            'layer { name: "c" type: "Crop" bottom: "data" bottom: "data" top: "c"\n'
            " crop_param { offset: 1 offset: 2 offset: 3 } }",
            5,
            "layer 'c': 3 offsets; a crop from axis 2 takes one, or one for each of its 2 axes",
        ),
        (
            'layer { name: "c" type: "Convolution" bottom: "nothing" top: "c" convolution_param { num_output: 1 kernel_size: 1 } }',
            4,
            "layer 'c': reads blob 'nothing', which no layer or input before it writes",
        ),
        (
            'layer { name: "c" type: "Convolution" bottom: "data" top: "c"\n convolution_param { num_output: 0 kernel_size: 1 } }',
            5,
            "layer 'c': field 'num_output' must be a positive whole number, got 0",
        ),
        (
            'layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { kernel_size: 1 } }',
            4,
            "layer 'c': a Convolution needs convolution_param { num_output }",
        ),
        (
            'layer { name: "s" type: "Scale" bottom: "data" top: "s" }',
            4,
            "layer 's': a Scale layer can be imported only right after a BatchNorm",
        ),
        (
            'layer { name: "d" type: "Data" top: "data2" }',
            4,
            "a second input, 'data2' (the first is at line 2): the spec format has one input image",
        ),
        (
            'layer { name: "c" type: "Convolution" bottom: "data" top: "c"\n'
            " convolution_param { num_output: 1 kernel_size: 3\n strde: 2 } }",
            6,
            "layer 'c': convolution_param has no field 'strde' in Caffe's caffe.proto; did you "
            "mean 'stride'?",
        ),
        (
            'layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param {\n'
            " kernel_size: 2 round_mode: FLOOR\n ceil_mode: true } }",
            6,
            "layer 'p': give round_mode or a fork's ceil_mode, not both",
        ),
        (
            'layer { name: "m" type: "MyLayer" top: "m" }',
            4,
            "layer 'm': layer type 'MyLayer' has no layer kind in the spec format",
        ),
        (
            'layer { name: "c" type: "Concat" bottom: "data" bottom: "data" top: "c" concat_param { axis: 2 } }',
            4,
            "layer 'c': axis 2: only layers over the channel axis (1) can be imported",
        ),
    ],
)
def test_what_cannot_be_imported_is_reported_at_its_line(
    tmp_path: Path, body: str, line: int, message: str
) -> None:
    path = net(tmp_path, body)
    (found,) = problems(path)
    assert found.startswith(f"{path}:{line}: {message}"), found


def test_every_unsupported_layer_is_reported_at_once(tmp_path: Path) -> None:
    body = """\
        layer { name: "a" type: "Power" bottom: "data" top: "a" }
        layer { name: "b" type: "ReLU" bottom: "a" top: "b" }
        layer { name: "c" type: "Reshape" bottom: "data" top: "c" }
    """
    found = problems(net(tmp_path, body))
    assert [p.split(": ")[1] for p in found] == ["layer 'a'", "layer 'c'"]


def test_the_spec_formats_limits_are_reported_at_the_layer(tmp_path: Path) -> None:
    """Caffe allows pooling padding up to the kernel; the spec (PyTorch) up to half of it."""
    path = net(
        tmp_path,
        'layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { kernel_size: 2 pad: 1 stride: 1 } }\n'
        'layer { name: "q" type: "Pooling" bottom: "p" top: "q" pooling_param { kernel_size: 3 pad: 2 } }',
    )
    with pytest.raises(ModelError) as caught:
        import_spec(str(path), path=tmp_path / "n.yml", editor_line="#")
    (found,) = caught.value.problems
    assert found.startswith(
        f"{path}:5: layer 'q': the spec format cannot express this layer: field 'padding': padding 2 is more than half the kernel"
    ), found


def test_a_crop_past_its_input_is_reported_at_the_layer(tmp_path: Path) -> None:
    """Caffe's own check (crop_layer.cpp): offset plus the reference's size within the input."""
    path = net(
        tmp_path,
        'layer { name: "c" type: "Crop" bottom: "data" bottom: "data" top: "c"\n'
        "  crop_param { offset: 1 } }",
    )
    with pytest.raises(ModelError) as caught:
        import_spec(str(path), path=tmp_path / "n.yml", editor_line="#")
    (found,) = caught.value.problems
    assert found.startswith(
        f"{path}:4: layer 'c': the spec format cannot express this layer: field 'offset': a crop "
        "of 32 starting at 1 ends at 33, past the input's height of 32: at most offset 0"
    ), found


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name: "x"\n', "no input: add an Input layer, or input with input_shape or input_dim"),
        ('input: "data"\ninput_dim: 1\ninput_dim: 3\n', "1: input 'data': 2 dimensions"),
        (
            'input: "a"\ninput_shape { dim: [1, 3, 8, 8] }\ninput: "b"\ninput_shape { dim: [1, 3, 8, 8] }\n',
            "3: a second input, 'b' (the first is at line 1)",
        ),
        (
            'layer { name: "x" type: "Input" top: "x" input_param { shape { dim: [1, 3, 8, 8] } } }\nlayers { name: "y" }\n',
            "2: both 'layer' and the older 'layers' fields",
        ),
    ],
)
def test_inputs_are_checked(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "n.prototxt"
    path.write_text(text, encoding="utf-8")
    (found,) = problems(path)
    assert found.startswith(
        f"{path}:{message}" if message[0].isdigit() else f"{path}: {message}"
    ), found
