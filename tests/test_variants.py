"""The AlexNet variants of issue 4, checked by hand against their sources, and ``extends``.

Every number below was worked out by hand from the formulas in the docstrings, then compared with
the engine. How each was checked against the reference implementation is said per network; where
PyTorch can run the network (or an exact equivalent), ``test_variants_torch.py`` builds it and
compares every layer's shape and the parameter count with the engine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.analysis.audit import Verdict, audit
from generator.core import engine, rules
from generator.core.results import Analysis
from generator.load import loader
from generator.spec.models import Rounding
from tests.helpers import SPECS, problems, write_spec

#: The conv and pooling layers whose map sizes the sources print, in network order.
FEATURES = ("conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5")


def sizes(analysis: Analysis, names: tuple[str, ...] = FEATURES) -> list[int]:
    """The height of each named layer's output (every map in these networks is square)."""
    return [analysis.layer(name).output[1] for name in names]


def mismatches(analysis: Analysis) -> list[tuple[str | None, str, object, object]]:
    return [
        (c.claim.layer, c.claim.source, c.claim.value, c.computed)
        for c in audit(analysis)
        if c.verdict not in (Verdict.MATCHES, Verdict.ROUNDS_TO)
    ]


# --- BVLC AlexNet and CaffeNet ---------------------------------------------------------------


def test_bvlc_alexnet_sizes(analyses: dict[str, Analysis]) -> None:
    """Caffe on a 227 input: every window fits exactly, so floor and ceil agree.

    conv1 (227 − 11)/4 + 1 = 55; pool1 (55 − 3)/2 + 1 = 27; conv2 (27 + 4 − 5)/1 + 1 = 27;
    pool2 (27 − 3)/2 + 1 = 13; conv3–5 (13 + 2 − 3)/1 + 1 = 13; pool5 (13 − 3)/2 + 1 = 6, and
    fc6 reads 6·6·256 = 9216 values. Checked against Caffe's own formulas (conv_layer.cpp's integer
    division, pooling_layer.cpp's ceil) by hand, and in PyTorch with ``ceil_mode=True`` pooling,
    which is Caffe's rule when there is no padding.
    """
    bvlc = analyses["bvlc-alexnet"]
    assert sizes(bvlc) == [55, 27, 27, 13, 13, 13, 13, 6]
    assert bvlc.layer("conv1").output == (96, 55, 55)
    assert bvlc.layer("fc6").input == (256, 6, 6)
    for result in bvlc.layers:
        for axis in result.axes or ():
            assert axis.is_exact, result.name


def test_bvlc_alexnet_parameters(analyses: dict[str, Analysis]) -> None:
    """Groups of two halve the inputs each kernel of conv2, conv4 and conv5 sees.

    conv1 96·3·11·11 + 96 = 34,944; conv2 256·48·5·5 + 256 = 307,456;
    conv3 384·256·3·3 + 384 = 885,120; conv4 384·192·3·3 + 384 = 663,936;
    conv5 256·192·3·3 + 256 = 442,624; fc6 9216·4096 + 4096 = 37,752,832;
    fc7 4096·4096 + 4096 = 16,781,312; fc8 4096·1000 + 1000 = 4,097,000; total 60,965,224, the
    same as the paper's two-tower network (same groups), and OpenVINO's "60.965" MParams.
    """
    bvlc = analyses["bvlc-alexnet"]
    per_layer = {r.name: r.params for r in bvlc.layers if r.params}
    assert per_layer == {
        "conv1": 34_944,
        "conv2": 307_456,
        "conv3": 885_120,
        "conv4": 663_936,
        "conv5": 442_624,
        "fc6": 37_752_832,
        "fc7": 16_781_312,
        "fc8": 4_097_000,
    }
    assert bvlc.totals.params == 60_965_224 == analyses["alexnet-2012"].totals.params
    assert mismatches(bvlc) == []


def test_bvlc_alexnet_lrn_uses_caffes_constant(analyses: dict[str, Analysis]) -> None:
    """Caffe's LRN divides by (1 + α/n·Σx²)^β: k = 1, where the paper's §3.3 has k = 2."""
    norms = [r.layer for r in analyses["bvlc-alexnet"].layers if r.kind == "lrn"]
    assert [(n.name, n.size, n.k) for n in norms] == [("norm1", 5, 1.0), ("norm2", 5, 1.0)]


def test_caffenet_pools_before_it_normalises(analyses: dict[str, Analysis]) -> None:
    """CaffeNet is BVLC AlexNet with norm1/norm2 moved after pool1/pool2 (``remove`` + ``insert``)."""
    caffenet = analyses["caffenet"]
    names = [r.name for r in caffenet.layers]
    assert names[:9] == [
        "conv1",
        "relu1",
        "pool1",
        "norm1",
        "conv2",
        "relu2",
        "pool2",
        "norm2",
        "conv3",
    ]
    assert caffenet.layer("norm1").input == (96, 27, 27)  # the pooled maps, not conv1's 55×55
    assert caffenet.layer("norm2").input == (256, 13, 13)
    bvlc = analyses["bvlc-alexnet"]
    assert sorted(names) == sorted(r.name for r in bvlc.layers)
    assert [r.name for r in bvlc.layers][:4] == ["conv1", "relu1", "norm1", "pool1"]


def test_caffenet_has_the_same_numbers(analyses: dict[str, Analysis]) -> None:
    """LRN keeps its input's shape and has no parameters: neurons, parameters, MACs are unchanged.

    Only the values the LRN layers output shrink with the maps they normalise:
    96·(55² − 27²) + 256·(27² − 13²) = 220,416 + 143,360 = 363,776 fewer values computed.
    """
    caffenet, bvlc = analyses["caffenet"], analyses["bvlc-alexnet"]
    for count in ("neurons", "params", "weights", "biases", "macs"):
        assert getattr(caffenet.totals, count) == getattr(bvlc.totals, count), count
    assert bvlc.totals.activations - caffenet.totals.activations == 363_776
    assert caffenet.totals.params == 60_965_224
    assert sizes(caffenet) == sizes(bvlc)
    assert mismatches(caffenet) == []


def test_caffenet_inherits_sources_but_not_stated_numbers(analyses: dict[str, Analysis]) -> None:
    caffenet = analyses["caffenet"].spec
    assert "bvlc_reference_caffenet" in caffenet.sources["caffe-deploy"].url
    assert "caffe-rules" in caffenet.sources  # inherited from bvlc-alexnet
    assert {c.source for c in caffenet.stated} == {"caffe-deploy", "openvino"}
    assert "caffenet" in caffenet.sources["openvino"].url


# --- cuda-convnet2 and "One weird trick" -----------------------------------------------------


def test_cuda_convnet2_rounds_up_to_reach_55(analyses: dict[str, Analysis]) -> None:
    """layer.py: 1 + ⌈(2·0 + 224 − 11)/4⌉ = 1 + ⌈53.25⌉ = 55, the last window 3 pixels past the edge.

    Then pool1 ⌈(55 − 3)/2⌉ + 1 = 27, conv2 27, pool2 ⌈(27 − 3)/2⌉ + 1 = 13, conv3–5 13,
    pool3 ⌈(13 − 3)/2⌉ + 1 = 6: the sizes alexnetowt.lua's comments give for its padded port
    (224 → 55 → 27 → 13 → 6), computed by hand from cuda-convnet2's formula.
    """
    cc2 = analyses["cuda-convnet2-1gpu"]
    names = ("conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool3")
    assert sizes(cc2, names) == [55, 27, 27, 13, 13, 13, 13, 6]
    axis = cc2.layer("conv1").axes[0]
    assert (axis.rounding, axis.overhang) == (Rounding.CEIL_UNCLIPPED, 3)


def test_cuda_convnet2_counts_equal_torchvisions(analyses: dict[str, Analysis]) -> None:
    """64/192/384/256/256 kernels, fc 4096/4096/1000: the same layers as torchvision's AlexNet.

    conv1 64·3·121 + 64 = 23,296; conv2 192·64·25 + 192 = 307,392; conv3 384·192·9 + 384 =
    663,936; conv4 256·384·9 + 256 = 884,992; conv5 256·256·9 + 256 = 590,080; then
    37,752,832 + 16,781,312 + 4,097,000: 61,100,840, torchvision's published num_params.
    """
    cc2 = analyses["cuda-convnet2-1gpu"]
    assert cc2.totals.params == 61_100_840 == analyses["torchvision-alexnet"].totals.params


def test_cuda_convnet2_states_nothing_the_spec_does_not_compute(
    analyses: dict[str, Analysis],
) -> None:
    """Upstream's cfg (akrizhevsky/cuda-convnet2 at 031b431) gives fc4096b ``outputs=4096``; the
    8192 of an earlier reading exists only in a fork, so every stated number now matches."""
    assert mismatches(analyses["cuda-convnet2-1gpu"]) == []


def test_one_weird_trick_changes_conv4_and_the_output(analyses: dict[str, Analysis]) -> None:
    """``extends: cuda-convnet2-1gpu`` with conv4 at 384 kernels and logistic outputs.

    conv4 384·384·9 + 384 = 1,327,488 (cuda-convnet2: 884,992) and conv5 then reads 384 maps,
    256·384·9 + 256 = 884,992 (cuda-convnet2: 590,080): 61,100,840 + 442,496 + 294,912 =
    61,838,248.
    """
    owt = analyses["one-weird-trick"]
    assert [owt.layer(n).output[0] for n in ("conv1", "conv2", "conv3", "conv4", "conv5")] == [
        64,
        192,
        384,
        384,
        256,
    ]
    assert owt.totals.params == 61_838_248
    assert owt.layers[-1].kind == "sigmoid"
    assert "probs" not in {r.name for r in owt.layers}


def test_one_weird_trick_maps_match_the_two_tower_network(analyses: dict[str, Analysis]) -> None:
    """The paper: the (x, y) map sizes equal the two-tower model's in every layer (55, 27, 13, 6)."""
    owt, paper = analyses["one-weird-trick"], analyses["alexnet-2012"]
    pairs = [
        ("conv1", "conv1"),
        ("pool1", "pool1"),
        ("conv2", "conv2"),
        ("pool2", "pool2"),
        ("conv3", "conv3"),
        ("conv4", "conv4"),
        ("conv5", "conv5"),
        ("pool3", "pool5"),
    ]
    for mine, theirs in pairs:
        assert owt.layer(mine).output[1:] == paper.layer(theirs).output[1:], mine


# --- ZFNet -----------------------------------------------------------------------------------


def test_zfnet_reproduces_figure_3(analyses: dict[str, Analysis]) -> None:
    """cuda-convnet's round-up rule, no padding in conv1/conv2, padding 1 in conv3–5.

    conv1 ⌈(224 − 7)/2⌉ + 1 = ⌈108.5⌉ + 1 = 110; pool1 ⌈(110 − 3)/2⌉ + 1 = 55;
    conv2 (55 − 5)/2 + 1 = 26; pool2 ⌈(26 − 3)/2⌉ + 1 = 13; conv3–5 (13 + 2 − 3) + 1 = 13;
    pool5 (13 − 3)/2 + 1 = 6; 6·6·256 = 9216 into fc6: Figure 3's labels and caption. There is
    no reference implementation to run; the alternative reading (padding 1 in conv1, ceil-mode
    pooling) is run in PyTorch in test_variants_torch.py and gives the same shapes.
    """
    zf = analyses["zfnet"]
    assert sizes(zf) == [110, 55, 26, 13, 13, 13, 13, 6]
    assert zf.layer("flatten").output == (9216,)
    assert mismatches(zf) == []
    stated_shapes = {c.claim.layer for c in audit(zf) if c.claim.quantity.value == "shape"}
    assert {"conv1", "pool1", "conv2", "pool2", "pool5", "flatten"} <= stated_shapes


def test_zfnet_floor_rounding_would_miss_the_figure() -> None:
    """With PyTorch's floor and no padding: ⌊217/2⌋ + 1 = 109, ⌊106/2⌋ + 1 = 54, ⌊49/2⌋ + 1 = 25,
    ⌊22/2⌋ + 1 = 12; padding 1 in conv1 gives ⌊219/2⌋ + 1 = 110 but floor pooling then 54."""
    floor = Rounding.FLOOR
    assert rules.output_size(224, 7, 2, 0, 0, floor) == 109
    assert rules.output_size(109, 3, 2, 0, 0, floor) == 54
    assert rules.output_size(54, 5, 2, 0, 0, floor) == 25
    assert rules.output_size(25, 3, 2, 0, 0, floor) == 12
    assert rules.output_size(224, 7, 2, 1, 1, floor) == 110
    assert rules.output_size(110, 3, 2, 0, 0, floor) == 54
    assert rules.output_size(110, 3, 2, 0, 0, Rounding.CEIL) == 55


def test_zfnet_parameters(analyses: dict[str, Analysis]) -> None:
    """Dense layers 3–5 (no groups): conv1 96·3·49 + 96 = 14,208; conv2 256·96·25 + 256 = 614,656;
    conv3 384·256·9 + 384 = 885,120; conv4 384·384·9 + 384 = 1,327,488; conv5 256·384·9 + 256 =
    884,992; fc 37,752,832 + 16,781,312 + 4,097,000; total 62,357,608, the book table's total."""
    assert analyses["zfnet"].totals.params == 62_357_608


# --- TF-slim alexnet_v2 ----------------------------------------------------------------------


def test_tf_slim_sizes(analyses: dict[str, Analysis]) -> None:
    """VALID = no padding, floor; SAME keeps a stride-1 size.

    conv1 ⌊(224 − 11)/4⌋ + 1 = 54; pool1 ⌊51/2⌋ + 1 = 26; conv2 26 (SAME pads 2 + 2);
    pool2 ⌊23/2⌋ + 1 = 12; conv3–5 12 (SAME pads 1 + 1); pool5 ⌊9/2⌋ + 1 = 5; fc6's 5×5 VALID
    kernel (5 − 5)/1 + 1 = 1; fc7, fc8 1×1. alexnet_test.py expects fc7 [batch, 1, 1, 4096] and
    logits [batch, 1000]; TensorFlow itself is not installed here, so the same layers are run in
    PyTorch with TF's paddings written out (test_variants_torch.py).
    """
    slim = analyses["tf-slim-alexnet-v2"]
    assert sizes(slim) == [54, 26, 26, 12, 12, 12, 12, 5]
    assert slim.layer("conv2").axes[0].pad_before == 2
    assert slim.layer("fc6").output == (4096, 1, 1)
    assert slim.layer("fc8").output == (1000, 1, 1)
    assert slim.layers[-1].output == (1000,)
    assert mismatches(slim) == []


def test_tf_slim_parameters(analyses: dict[str, Analysis]) -> None:
    """conv1 23,296; conv2 307,392; conv3 384·192·9 + 384 = 663,936; conv4 384·384·9 + 384 =
    1,327,488; conv5 256·384·9 + 256 = 884,992; fc6 4096·256·25 + 4096 = 26,218,496;
    fc7 16,781,312; fc8 4,097,000: total 50,303,912."""
    assert analyses["tf-slim-alexnet-v2"].totals.params == 50_303_912


def test_tf_slim_fully_convolutional_on_300_by_400(analyses: dict[str, Analysis]) -> None:
    """alexnet_test.py: a 300×400 input gives logits of [1, 4, 7, 1000] without the squeeze.

    Height: 73, 36, 36, 17, 17, 8, then fc6 (8 − 5) + 1 = 4; width: 98, 48, 48, 23, 23, 11, 7.
    """
    spec = analyses["tf-slim-alexnet-v2"].spec
    bigger = spec.model_copy(update={"input": (3, 300, 400), "layers": spec.layers[:-1]})
    assert engine.analyse("slim-300x400", bigger).layers[-1].output == (1000, 4, 7)


# --- d2l.ai ------------------------------------------------------------------------------------


def test_d2l_sizes(analyses: dict[str, Analysis]) -> None:
    """PyTorch floor with padding 1 in conv1: ⌊(224 + 2 − 11)/4⌋ + 1 = ⌊53.75⌋ + 1 = 54;
    pool ⌊51/2⌋ + 1 = 26; conv2 26; pool ⌊23/2⌋ + 1 = 12; conv3–5 12; pool ⌊9/2⌋ + 1 = 5;
    flatten 5·5·256 = 6400, the book's printed shapes (and its earlier nn.Linear(6400, 4096)).
    The book's PyTorch code itself runs in test_variants_torch.py."""
    d2l = analyses["d2l-alexnet"]
    assert d2l.input == (1, 224, 224)
    assert sizes(d2l) == [54, 26, 26, 12, 12, 12, 12, 5]
    assert d2l.layer("flatten").output == (6400,)
    assert d2l.layer("fc8").output == (10,)


def test_d2l_parameters_and_audit(analyses: dict[str, Analysis]) -> None:
    """conv1 96·1·121 + 96 = 11,712; conv2 256·96·25 + 256 = 614,656; conv3 885,120;
    conv4 1,327,488; conv5 884,992; fc6 6400·4096 + 4096 = 26,218,496; fc7 16,781,312;
    fc8 4096·10 + 10 = 40,970: total 46,764,746. The slides' prose "6×6×256" is the one claim
    that disagrees, with their own printout (6400) as much as with the engine."""
    d2l = analyses["d2l-alexnet"]
    assert d2l.totals.params == 46_764_746
    assert mismatches(d2l) == [("pool5", "d2l-tensorflow", [256, 6, 6], (256, 5, 5))]


# --- extends ---------------------------------------------------------------------------------


@pytest.fixture
def parent(tmp_path: Path) -> Path:
    """A copy of the BVLC AlexNet spec to extend, so the tests do not depend on its line numbers."""
    path = tmp_path / "parent.yml"
    shutil.copy(SPECS / "bvlc-alexnet.yml", path)
    return path


def write_child(tmp_path: Path, body: str, name: str = "child") -> Path:
    return write_spec(tmp_path, text=body, name=name)


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_changed_field_is_reported_at_the_childs_line(parent: Path, tmp_path: Path) -> None:
    child = write_child(
        tmp_path,
        """\
        extends: parent
        title: A broken child
        change:
          conv2: {stride: 0}
          conv3:
            padding: -1
        """,
    )
    assert problems(child) == [
        f"{child}:4: layer 'conv2': field 'stride': must be greater than 0, got 0",
        f"{child}:6: layer 'conv3': field 'padding': must not be negative, got -1",
    ]


def test_impossible_geometry_from_a_change_points_at_the_child(
    parent: Path, tmp_path: Path
) -> None:
    child = write_child(
        tmp_path,
        """\
        extends: parent
        title: A broken child
        change:
          pool5: {kernel: 15}
        """,
    )
    assert problems(child) == [
        f"{child}:4: layer 'pool5': field 'kernel': the output size would be 0: "
        "kernel 15 does not fit input 13"
    ]


def test_an_inherited_field_is_reported_in_the_parent(parent: Path, tmp_path: Path) -> None:
    """The child changes conv1 to 95 maps; conv2's ``groups: 2``, written in the parent, breaks."""
    child = write_child(
        tmp_path,
        """\
        extends: parent
        title: A broken child
        change:
          conv1: {out_channels: 95}
        """,
    )
    line = line_of(parent, "{name: conv2,")
    assert problems(child) == [
        f"{parent}:{line}: layer 'conv2': field 'groups': 95 input channels do not split into 2 groups"
    ]


def test_an_inserted_layer_is_reported_at_the_childs_line(parent: Path, tmp_path: Path) -> None:
    child = write_child(
        tmp_path,
        """\
        extends: parent
        title: A broken child
        remove: [norm1]
        insert:
          - after: pool1
            layers:
              - {name: norm1, kind: lrn, size: 0}
        """,
    )
    assert problems(child) == [
        f"{child}:7: layer 'norm1': field 'size': must be greater than 0, got 0"
    ]


def test_unknown_layers_in_remove_and_change_are_located(parent: Path, tmp_path: Path) -> None:
    child = write_child(
        tmp_path,
        """\
        extends: parent
        title: A broken child
        remove: [nrom2]
        change:
          conv9: {stride: 2}
        """,
    )
    assert problems(child) == [
        f"{child}:3: field 'remove': the parent has no layer named 'nrom2'; did you mean 'norm2'?",
        # Every conv is as near to conv9: all are offered, not one picked at random.
        f"{child}:5: field 'change': the parent has no layer named 'conv9'; did you mean "
        "'conv1', 'conv2', 'conv3', 'conv4' or 'conv5'?",
    ]


def test_a_grandchild_sees_its_parents_insertions(parent: Path, tmp_path: Path) -> None:
    """parent ← middle (CaffeNet's moves) ← grandchild, which changes the layer middle inserted."""
    middle = tmp_path / "middle.yml"
    text = (SPECS / "caffenet.yml").read_text(encoding="utf-8")
    middle.write_text(text.replace("extends: bvlc-alexnet", "extends: parent"), encoding="utf-8")
    grandchild = write_child(
        tmp_path,
        """\
        extends: middle
        title: Grandchild
        change:
          norm1: {size: 3}
        """,
        name="grandchild",
    )
    loaded = loader.load(grandchild)
    names = [layer.name for layer in loaded.spec.layers]
    assert names.index("pool1") + 1 == names.index("norm1")
    norm1 = next(layer for layer in loaded.spec.layers if layer.name == "norm1")
    assert norm1.size == 3
    assert loaded.spec.stated == ()  # stated numbers belong to the spec that states them
    assert loaded.locate("norm1", "size").path == str(grandchild)
    assert loaded.locate("norm1", "kind").path == str(middle)
    assert loaded.locate("conv1", "kernel").path == str(parent)
