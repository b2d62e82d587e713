"""A forgotten ``inputs`` is warned of, where it was forgotten; the usual blocks are not.

A layer without ``inputs`` reads the layer written before it. Leave out a projection shortcut's
``inputs: [pool1]`` in ResNet-50's first block and the shortcut reads ``bn2a_branch2c`` instead:
256 input channels rather than pool1's 64, so 256·256 = 65,536 weights rather than 64·256 =
16,384, and every shape still fits. The spec is valid; the loader warns (which fails
``mkdocs build --strict``), naming the layer, what it reads and the ``inputs`` to write.

The warning's rule (:func:`generator.load.loader._forgotten_inputs`) must stay quiet on what
residual, dense, inception, fire, inverted-residual, squeeze-and-excitation and U-Net blocks
look like when written correctly, and on every shipped spec.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.load import loader
from tests.helpers import SHIPPED, SPECS, load_spec, run_cli

STEM = """\
- {name: conv1, kind: conv, out_channels: 64, kernel: 3, padding: 1, bias: false}
- {name: bn_conv1, kind: batch_norm}
- {name: conv1_relu, kind: relu}
- {name: pool1, kind: max_pool, kernel: 2}
"""
#: ResNet-50's first bottleneck: 64 channels in, 256 out.
MAIN = """\
- {name: res2a_branch2a, kind: conv, out_channels: 64, kernel: 1, bias: false}
- {name: bn2a_branch2a, kind: batch_norm}
- {name: res2a_branch2a_relu, kind: relu}
- {name: res2a_branch2b, kind: conv, out_channels: 64, kernel: 3, padding: 1, bias: false}
- {name: bn2a_branch2b, kind: batch_norm}
- {name: res2a_branch2b_relu, kind: relu}
- {name: res2a_branch2c, kind: conv, out_channels: 256, kernel: 1, bias: false}
- {name: bn2a_branch2c, kind: batch_norm}
"""
SHORTCUT = """\
- {name: res2a_branch1, kind: conv, out_channels: 256, kernel: 1, bias: false%s}
- {name: bn2a_branch1, kind: batch_norm}
"""
SUM = """\
- {name: res2a, kind: add, inputs: [bn2a_branch1, bn2a_branch2c]}
- {name: res2a_relu, kind: relu}
"""
HEAD = """\
- {name: pool5, kind: adaptive_avg_pool, output: 1}
- {name: fc, kind: fc, out_features: 10}
"""
FORGOTTEN = STEM + MAIN + SHORTCUT % "" + SUM + HEAD


def warnings(path: Path) -> list[str]:
    return [str(w) for w in loader.load(path).warnings]


def test_a_forgotten_projection_input_is_warned_of_with_the_fix(
    write_spec: Callable[..., Path],
) -> None:
    path = write_spec(FORGOTTEN)
    assert load_spec(path).layer("res2a_branch1").params == 65_536  # the silent mistake
    assert warnings(path) == [
        f"{path}:19: layer 'res2a_branch1': it has no 'inputs', so it reads the layer before it, "
        "'bn2a_branch2c', which 'res2a' also reads: a forgotten 'inputs'? If this layer starts "
        "a branch of its own, name what it reads, as `inputs: [pool1]` if it starts where the "
        "branch ending in 'bn2a_branch2c' does; to read 'bn2a_branch2c', write "
        "`inputs: [bn2a_branch2c]`"
    ]
    fixed = write_spec(STEM + MAIN + SHORTCUT % ", inputs: [pool1]" + SUM + HEAD, name="fixed")
    assert warnings(fixed) == []
    assert load_spec(fixed).layer("res2a_branch1").params == 16_384


def test_check_prints_the_warning_and_passes(write_spec: Callable[..., Path]) -> None:
    path = write_spec(FORGOTTEN)
    result = run_cli("check", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"warning: {path}:19: layer 'res2a_branch1': it has no")
    assert result.stderr.count("warning:") == 1


def test_naming_the_layer_before_says_it_is_meant(write_spec: Callable[..., Path]) -> None:
    kept = STEM + MAIN + SHORTCUT % ", inputs: [bn2a_branch2c]" + SUM + HEAD
    assert warnings(write_spec(kept)) == []


def test_a_main_branch_that_forgot_its_inputs_after_a_marked_shortcut(
    write_spec: Callable[..., Path],
) -> None:
    """The shortcut written first, naming ``pool1``; the main branch then reads the shortcut's
    batch norm, and ``pool1`` is read once, by a layer that names it as a branch's start."""
    path = write_spec(STEM + SHORTCUT % ", inputs: [pool1]" + MAIN + SUM + HEAD)
    (warning,) = warnings(path)
    assert warning.startswith(
        f"{path}:13: layer 'res2a_branch2a': it has no 'inputs', so it reads the layer before "
        "it, 'bn2a_branch1', which 'res2a' also reads"
    )
    assert "`inputs: [pool1]`" in warning


# --- inception and fire modules -------------------------------------------------------------


def inception(name: str, source: str, forgotten: str = "") -> str:
    """GoogLeNet's module: four branches off ``source``, each naming it but ``forgotten``'s."""

    def reads(branch: str) -> str:
        return "" if branch == forgotten else f", inputs: [{source}]"

    return f"""\
- {{name: {name}_1x1, kind: conv, out_channels: 16, kernel: 1{reads("1x1")}}}
- {{name: {name}_relu_1x1, kind: relu}}
- {{name: {name}_3x3_reduce, kind: conv, out_channels: 8, kernel: 1{reads("3x3")}}}
- {{name: {name}_relu_3x3_reduce, kind: relu}}
- {{name: {name}_3x3, kind: conv, out_channels: 16, kernel: 3, padding: 1}}
- {{name: {name}_relu_3x3, kind: relu}}
- {{name: {name}_5x5_reduce, kind: conv, out_channels: 4, kernel: 1{reads("5x5")}}}
- {{name: {name}_relu_5x5_reduce, kind: relu}}
- {{name: {name}_5x5, kind: conv, out_channels: 8, kernel: 5, padding: 2}}
- {{name: {name}_relu_5x5, kind: relu}}
- {{name: {name}_pool, kind: max_pool, kernel: 3, stride: 1, padding: 1{reads("pool")}}}
- {{name: {name}_pool_proj, kind: conv, out_channels: 8, kernel: 1}}
- {{name: {name}_relu_pool_proj, kind: relu}}
- {{name: {name}, kind: concat, inputs: [{name}_relu_1x1, {name}_relu_3x3, {name}_relu_5x5,
    {name}_relu_pool_proj]}}
"""


@pytest.mark.parametrize(
    ("forgotten", "layer", "reads"),
    [
        ("3x3", "i3a_3x3_reduce", "i3a_relu_1x1"),
        ("5x5", "i3a_5x5_reduce", "i3a_relu_3x3"),
        ("pool", "i3a_pool", "i3a_relu_5x5"),
    ],
)
def test_an_inception_branch_that_forgot_its_inputs(
    write_spec: Callable[..., Path], forgotten: str, layer: str, reads: str
) -> None:
    """It reads another branch's end, which the concat stacks beside a third branch."""
    (warning,) = warnings(write_spec(STEM + inception("i3a", "pool1", forgotten) + HEAD))
    assert (
        f"layer {layer!r}: it has no 'inputs', so it reads the layer before it, {reads!r}, "
        "which 'i3a' also reads"
    ) in warning
    assert "`inputs: [pool1]`" in warning


def fire(name: str, *, forgotten: bool = False, bypass: str = "") -> str:
    """SqueezeNet's fire module: a squeeze, then two expands that the concat stacks."""
    reads = "" if forgotten else f", inputs: [{name}_relu_squeeze]"
    text = f"""\
- {{name: {name}_squeeze, kind: conv, out_channels: 16, kernel: 1}}
- {{name: {name}_relu_squeeze, kind: relu}}
- {{name: {name}_expand1x1, kind: conv, out_channels: 64, kernel: 1}}
- {{name: {name}_relu_expand1x1, kind: relu}}
- {{name: {name}_expand3x3, kind: conv, out_channels: 64, kernel: 3, padding: 1{reads}}}
- {{name: {name}_relu_expand3x3, kind: relu}}
- {{name: {name}, kind: concat, inputs: [{name}_relu_expand1x1, {name}_relu_expand3x3]}}
"""
    if bypass:
        text += f"- {{name: {name}_bypass, kind: add, inputs: [{bypass}, {name}]}}\n"
    return text


def test_a_fire_modules_expand_that_forgot_its_inputs(write_spec: Callable[..., Path]) -> None:
    """A lone convolution reading the end of a branch of two: the 1×1 expand's."""
    path = write_spec(STEM + fire("fire2") + fire("fire3", forgotten=True) + HEAD)
    (warning,) = warnings(path)
    assert warning.startswith(
        f"{path}:22: layer 'fire3_expand3x3': it has no 'inputs', so it reads the layer before "
        "it, 'fire3_relu_expand1x1', which 'fire3' also reads"
    )


# --- what stays quiet -----------------------------------------------------------------------


def basic(name: str, skip: str, channels: int = 64) -> str:
    """ResNet's basic block, post-activation: two 3×3 convolutions added to ``skip``."""
    return f"""\
- {{name: {name}_a, kind: conv, out_channels: {channels}, kernel: 3, padding: 1, bias: false}}
- {{name: {name}_a_bn, kind: batch_norm}}
- {{name: {name}_a_relu, kind: relu}}
- {{name: {name}_b, kind: conv, out_channels: {channels}, kernel: 3, padding: 1, bias: false}}
- {{name: {name}_b_bn, kind: batch_norm}}
- {{name: {name}, kind: add, inputs: [{skip}, {name}_b_bn]}}
- {{name: {name}_relu, kind: relu}}
"""


def preactivation(name: str, skip: str) -> str:
    """ResNet v2's block: batch norm and ReLU before each convolution, the sum left as it is."""
    return f"""\
- {{name: {name}_bn1, kind: batch_norm}}
- {{name: {name}_relu1, kind: relu}}
- {{name: {name}_conv1, kind: conv, out_channels: 16, kernel: 3, padding: 1, bias: false}}
- {{name: {name}_bn2, kind: batch_norm}}
- {{name: {name}_relu2, kind: relu}}
- {{name: {name}_conv2, kind: conv, out_channels: 16, kernel: 3, padding: 1, bias: false}}
- {{name: {name}, kind: add, inputs: [{skip}, {name}_conv2]}}
"""


def dense(name: str, source: str, bottleneck: bool = True) -> str:
    """A DenseNet layer: its input and what it adds to it, concatenated (DenseNet-BC's with a 1×1
    bottleneck, DenseNet-40's without)."""
    squeeze = f"""\
- {{name: {name}_bn1, kind: batch_norm}}
- {{name: {name}_relu1, kind: relu}}
- {{name: {name}_conv1, kind: conv, out_channels: 32, kernel: 1, bias: false}}
"""
    return (squeeze if bottleneck else "") + (
        f"""\
- {{name: {name}_bn2, kind: batch_norm}}
- {{name: {name}_relu2, kind: relu}}
- {{name: {name}_conv2, kind: conv, out_channels: 12, kernel: 3, padding: 1, bias: false}}
- {{name: {name}, kind: concat, inputs: [{source}, {name}_conv2]}}
"""
    )


def inverted(name: str, skip: str = "") -> str:
    """MobileNet v2's inverted residual: expand, depthwise, project; no activation after the
    sum, so the next block's skip is a batch norm (or the sum)."""
    text = f"""\
- {{name: {name}_expand, kind: conv, out_channels: 96, kernel: 1, bias: false}}
- {{name: {name}_bn1, kind: batch_norm}}
- {{name: {name}_relu1, kind: relu}}
- {{name: {name}_dw, kind: conv, out_channels: 96, kernel: 3, padding: 1, groups: 96, bias: false}}
- {{name: {name}_bn2, kind: batch_norm}}
- {{name: {name}_relu2, kind: relu}}
- {{name: {name}_project, kind: conv, out_channels: 16, kernel: 1, bias: false}}
- {{name: {name}_bn3, kind: batch_norm}}
"""
    return text + (f"- {{name: {name}, kind: add, inputs: [{skip}, {name}_bn3]}}\n" if skip else "")


def squeeze_excited(name: str, skip: str) -> str:
    """SENet's block: the residual branch's end, pooled and squeezed into one scale a channel,
    multiplies itself; a branch off that end that is meant."""
    return f"""\
- {{name: {name}_a, kind: conv, out_channels: 64, kernel: 3, padding: 1, bias: false}}
- {{name: {name}_a_bn, kind: batch_norm}}
- {{name: {name}_a_relu, kind: relu}}
- {{name: {name}_b, kind: conv, out_channels: 64, kernel: 3, padding: 1, bias: false}}
- {{name: {name}_b_bn, kind: batch_norm}}
- {{name: {name}_se_pool, kind: adaptive_avg_pool, output: 1}}
- {{name: {name}_se_reduce, kind: conv, out_channels: 4, kernel: 1}}
- {{name: {name}_se_relu, kind: relu}}
- {{name: {name}_se_expand, kind: conv, out_channels: 64, kernel: 1}}
- {{name: {name}_se_gate, kind: sigmoid}}
- {{name: {name}_scaled, kind: multiply, inputs: [{name}_b_bn, {name}_se_gate]}}
- {{name: {name}, kind: add, inputs: [{skip}, {name}_scaled]}}
- {{name: {name}_relu, kind: relu}}
"""


#: U-Net's skip connection: the encoder's output, cropped to the upsampled map, stacked with it.
U_NET = """\
- {name: enc1, kind: conv, out_channels: 8, kernel: 3, padding: 1}
- {name: enc1_relu, kind: relu}
- {name: down1, kind: max_pool, kernel: 2}
- {name: enc2, kind: conv, out_channels: 16, kernel: 3, padding: 1}
- {name: enc2_relu, kind: relu}
- {name: up1, kind: conv_transpose, out_channels: 8, kernel: 2, stride: 2}
- {name: skip1, kind: crop, inputs: [enc1_relu, up1]}
- {name: cat1, kind: concat, inputs: [skip1, up1]}
- {name: dec1, kind: conv, out_channels: 8, kernel: 3, padding: 1}
"""

#: A stem without pooling, as CIFAR's ResNets and DenseNets have: its last layer is a block's
#: skip, read by the block's first layer too.
CIFAR_STEM = """\
- {name: conv1, kind: conv, out_channels: 16, kernel: 3, padding: 1, bias: false}
- {name: bn1, kind: batch_norm}
- {name: relu1, kind: relu}
"""
CONV_STEM = CIFAR_STEM.splitlines()[0] + "\n"

QUIET = {
    "resnet basic blocks": STEM + basic("res2a", "pool1") + basic("res2b", "res2a_relu") + HEAD,
    "a projection written first": STEM
    + SHORTCUT % ", inputs: [pool1]"
    + MAIN.replace("bias: false}", "bias: false, inputs: [pool1]}", 1)
    + SUM
    + HEAD,
    "a projection written last": STEM + MAIN + SHORTCUT % ", inputs: [pool1]" + SUM + HEAD,
    "cifar resnet": CIFAR_STEM + basic("res1", "relu1", 16) + basic("res2", "res1_relu", 16) + HEAD,
    "pre-activation resnet": CIFAR_STEM
    + preactivation("b1", "relu1")
    + preactivation("b2", "b1")
    + HEAD,
    "pre-activation resnet on a convolution": CONV_STEM
    + preactivation("b1", "conv1")
    + preactivation("b2", "b1")
    + HEAD,
    "densenet-bc": STEM + dense("d1", "pool1") + dense("d2", "d1") + dense("d3", "d2") + HEAD,
    "densenet-40": CONV_STEM
    + dense("d1", "conv1", bottleneck=False)
    + dense("d2", "d1", bottleneck=False)
    + HEAD,
    "inception modules": STEM + inception("i3a", "pool1") + inception("i3b", "i3a") + HEAD,
    "inception, first branch unnamed": STEM + inception("i3a", "pool1", forgotten="1x1") + HEAD,
    "fire modules with a bypass": STEM + fire("fire2") + fire("fire3", bypass="fire2") + HEAD,
    "squeeze-and-excitation": STEM
    + squeeze_excited("res2a", "pool1")
    + squeeze_excited("res2b", "res2a_relu")
    + HEAD,
    "u-net": U_NET + HEAD,
    "inverted residuals": CIFAR_STEM
    + inverted("b1")
    + inverted("b2", skip="b1_bn3")
    + inverted("b3", skip="b2")
    + HEAD,
}


@pytest.mark.parametrize("layers", QUIET.values(), ids=list(QUIET))
def test_the_usual_blocks_are_quiet(write_spec: Callable[..., Path], layers: str) -> None:
    path = write_spec(layers)
    load_spec(path)  # valid, shapes and all
    assert warnings(path) == []


@pytest.mark.parametrize("name", SHIPPED)
def test_no_shipped_spec_is_warned_of(name: str) -> None:
    assert warnings(SPECS / f"{name}.yml") == []
