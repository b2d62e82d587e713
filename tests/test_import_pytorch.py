"""Importing PyTorch modules: every parameter kept, against the module's own ``numel`` and forward
hooks; and each operator the spec format cannot express named with its module.

The networks are written here by hand as torchvision writes them (torchvision is not installed
here): ResNet-50 (``torchvision.models.resnet50``: bottlenecks with their stride on the 3×3
convolution, a BatchNorm after every convolution) and MobileNet v1 (Howard et al., 2017: a 3×3
convolution, then thirteen depthwise-separable blocks, each a depthwise 3×3 and a pointwise 1×1,
each followed by a BatchNorm and a ReLU). The importer builds each by its import path, exports it
and imports the graph; the oracles are PyTorch's own: ``sum(p.numel() for p in
module.parameters())`` for the parameters, and forward hooks on every module with weights for each
layer's output shape, parameters and multiply-accumulates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.core.results import Analysis
from generator.load.importers.source import ModelError, import_spec
from tests.requirements import require

pytestmark = pytest.mark.slow

torch = require("torch", "pip install torch==2.13.0")
require("onnx", "pip install -e '.[import]'")
nn = torch.nn
HERE = "tests.test_import_pytorch"


# --- the networks, written by hand ------------------------------------------------------------


class Bottleneck(nn.Module):  # type: ignore[misc]
    """torchvision's ResNet bottleneck: 1×1, 3×3 (with the stride), 1×1 ×4, each with a BatchNorm."""

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: Any = None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: Any) -> Any:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet50(nn.Module):  # type: ignore[misc]
    """torchvision's ``resnet50()``: 3, 4, 6 and 3 bottlenecks of 64 to 512 planes."""

    def __init__(self, classes: int = 1000) -> None:
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._stage(64, 3, 1)
        self.layer2 = self._stage(128, 4, 2)
        self.layer3 = self._stage(256, 6, 2)
        self.layer4 = self._stage(512, 3, 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(2048, classes)

    def _stage(self, planes: int, blocks: int, stride: int) -> Any:
        downsample = None
        if stride != 1 or self.inplanes != planes * 4:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * 4, 1, stride, bias=False),
                nn.BatchNorm2d(planes * 4),
            )
        layers = [Bottleneck(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * 4
        layers += [Bottleneck(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x: Any) -> Any:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def _conv_bn(inputs: int, outputs: int, stride: int, groups: int = 1, kernel: int = 3) -> Any:
    return [
        nn.Conv2d(inputs, outputs, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
    ]


class MobileNetV1(nn.Module):  # type: ignore[misc]
    """MobileNet v1 at width 1.0: 32 channels, then 13 depthwise-separable blocks to 1,024."""

    BLOCKS = (
        (32, 64, 1),
        (64, 128, 2),
        (128, 128, 1),
        (128, 256, 2),
        (256, 256, 1),
        (256, 512, 2),
        *[(512, 512, 1)] * 5,
        (512, 1024, 2),
        (1024, 1024, 1),
    )

    def __init__(self) -> None:
        super().__init__()
        blocks = [nn.Sequential(*_conv_bn(3, 32, 2))]
        for inputs, outputs, stride in self.BLOCKS:
            depthwise = _conv_bn(inputs, inputs, stride, groups=inputs)
            blocks.append(nn.Sequential(*depthwise, *_conv_bn(inputs, outputs, 1, kernel=1)))
        self.model = nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(1024, 1000)

    def forward(self, x: Any) -> Any:
        return self.fc(self.model(x).view(-1, 1024))


# --- the oracle: the module's own numbers -----------------------------------------------------


@dataclass(frozen=True)
class Ran:
    """What a forward hook saw a module with weights (or a pooling) do."""

    output: tuple[int, ...]
    params: int
    macs: int


def forward_hooks(model: Any, shape: tuple[int, int, int]) -> dict[str, Ran]:
    """Each convolution, transposed convolution, BatchNorm, PReLU, linear, pooling and upsampling
    module by its path: one image's output, its own parameters, and the multiply-accumulates a
    convolution (every output value times ``in/groups × kh × kw``), a transposed convolution
    (every input value times ``out/groups × kh × kw``) or a linear layer (``in × out``) does."""
    found: dict[str, Ran] = {}

    def hook(path: str) -> Callable[[Any, Any, Any], None]:
        def record(module: Any, inputs: Any, output: Any) -> None:
            macs = 0
            if isinstance(module, nn.Conv2d):
                kh, kw = module.kernel_size
                macs = output.numel() * module.in_channels // module.groups * kh * kw
            elif isinstance(module, nn.ConvTranspose2d):
                kh, kw = module.kernel_size
                macs = inputs[0].numel() * module.out_channels // module.groups * kh * kw
            elif isinstance(module, nn.Linear):
                macs = module.in_features * module.out_features
            params = sum(p.numel() for p in module.parameters())
            found[path] = Ran(tuple(output.shape[1:]), params, macs)

        return record

    kinds = (
        nn.Conv2d,
        nn.ConvTranspose2d,
        nn.BatchNorm2d,
        nn.PReLU,
        nn.Linear,
        nn.MaxPool2d,
        nn.AdaptiveAvgPool2d,
        nn.Upsample,
    )
    for path, module in model.named_modules():
        if isinstance(module, kinds):
            module.register_forward_hook(hook(path))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    return found


def imported(source: str, tmp_path: Path, shape: tuple[int, int, int]) -> Analysis:
    return import_spec(source, path=tmp_path / "m.yml", editor_line="#", input_shape=shape).analysis


# --- every parameter ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("network", "params", "macs", "batch_norms"),
    [
        # BatchNorms: ResNet-50's after the stem, the 16 bottlenecks' 3 convolutions and the 4
        # downsampling shortcuts (1 + 48 + 4); MobileNet's after each of its 27 convolutions.
        (ResNet50, 25_557_032, 4_089_184_256, 53),
        (MobileNetV1, 4_231_976, 568_740_352, 27),
    ],
    ids=["resnet50", "mobilenet-v1"],
)
def test_a_network_imports_with_every_parameter_and_batch_norm(
    network: type, params: int, macs: int, batch_norms: int, tmp_path: Path
) -> None:
    """The totals are the module's own; so is every layer with weights, layer by layer."""
    model = network()
    assert sum(p.numel() for p in model.parameters()) == params
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()) == batch_norms
    analysis = imported(f"{HERE}:{network.__name__}", tmp_path, (3, 224, 224))
    assert analysis.totals.params == params
    assert analysis.totals.macs == macs
    assert [r.kind for r in analysis.layers].count("batch_norm") == batch_norms
    ran = forward_hooks(model, (3, 224, 224))
    assert sum(r.macs for r in ran.values()) == macs
    for path, expected in ran.items():
        layer = analysis.layer(path)
        assert (layer.output, layer.params) == (expected.output, expected.params), path
        if expected.macs:
            assert layer.macs == expected.macs, path


class Upsampling(nn.Module):  # type: ignore[misc]
    """FCN's scores brought back to the input's size by a ConvTranspose2d (4×4, stride 2, padding
    1: ``(16 − 1)·2 − 2 + 4 = 32``), after a PReLU per channel and one shared and a
    squeeze-and-excitation scale; then nn.Upsample, nearest by 2 and bilinear to a size."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.act1 = nn.PReLU(16)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.act2 = nn.PReLU()
        self.squeeze = nn.AdaptiveAvgPool2d(1)
        self.excite = nn.Conv2d(32, 32, 1)
        self.score = nn.Conv2d(32, 5, 1)
        self.up = nn.ConvTranspose2d(5, 5, 4, stride=2, padding=1, bias=False)
        self.nearest = nn.Upsample(scale_factor=2)
        self.bilinear = nn.Upsample(size=(48, 40), mode="bilinear")

    def forward(self, x: Any) -> Any:
        x = self.act2(self.conv2(self.pool(self.act1(self.conv1(x)))))
        x = x * torch.sigmoid(self.excite(self.squeeze(x)))
        return self.bilinear(self.nearest(self.up(self.score(x))))


def test_transposed_convolution_upsampling_and_prelu_import_with_every_parameter(
    tmp_path: Path,
) -> None:
    """ConvTranspose2d, nn.Upsample and nn.PReLU (exported as ConvTranspose, Resize and PRelu):
    the module's parameters in all, and each module's output, parameters and MACs as its forward
    hook sees them; the transposed convolution back at the input's 32×32."""
    model = Upsampling()
    params = sum(p.numel() for p in model.parameters())
    analysis = imported(f"{HERE}:Upsampling", tmp_path, (3, 32, 32))
    assert analysis.totals.params == params == 448 + 16 + 4_640 + 1 + 1_056 + 165 + 400
    ran = forward_hooks(model, (3, 32, 32))
    assert sum(r.macs for r in ran.values()) == analysis.totals.macs
    for path, expected in ran.items():
        layer = analysis.layer(path)
        assert (layer.output, layer.params, layer.macs) == (
            expected.output,
            expected.params,
            expected.macs,
        ), path
    assert analysis.layer("up").output == (5, 32, 32)
    assert [r.kind for r in analysis.layers if r.kind in ("multiply", "prelu", "upsample")] == [
        "prelu",
        "prelu",
        "multiply",
        "upsample",
        "upsample",
    ]


def plain_batch_norm() -> Any:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4, affine=False), nn.ReLU())


def test_a_batch_norm_without_affine_learns_nothing(tmp_path: Path) -> None:
    """Exported, its scale and shift are constants 1 and 0: a batch_norm with affine false."""
    analysis = imported(f"{HERE}:plain_batch_norm", tmp_path, (3, 8, 8))
    assert [(r.name, r.kind, r.params) for r in analysis.layers] == [
        ("conv_0", "conv", 4 * 3 * 9 + 4),
        ("batchnormalization_1", "batch_norm", 0),
        ("relu_2", "relu", 0),
    ]
    assert analysis.totals.params == sum(p.numel() for p in plain_batch_norm().parameters())


# --- what the spec's total must be -----------------------------------------------------------------


class Unused(nn.Module):  # type: ignore[misc]
    """A module with a layer its forward pass never calls (as an auxiliary classifier in eval)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.spare = nn.Linear(10, 10)

    def forward(self, x: Any) -> Any:
        return self.conv(x)


class Tied(nn.Module):  # type: ignore[misc]
    """One convolution called twice: its weights are read by two layers."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 1)

    def forward(self, x: Any) -> Any:
        return self.conv(self.conv(x))


@pytest.mark.parametrize(
    ("name", "channels", "message"),
    [
        (
            "Unused",
            3,
            "the imported spec counts 112 parameters, the module's parameters (the sum of "
            "p.numel() over module.parameters()) hold 222: no imported layer reads "
            "'spare.weight', 'spare.bias'",
        ),
        (
            "Tied",
            4,
            "the imported spec counts 40 parameters, the module's parameters (the sum of "
            "p.numel() over module.parameters()) hold 20: 'conv.weight', 'conv.bias' are read by "
            "more than one layer, which the spec format counts once per layer",
        ),
    ],
)
def test_a_spec_that_would_not_count_the_modules_parameters_is_refused(
    name: str, channels: int, message: str, tmp_path: Path
) -> None:
    with pytest.raises(ModelError) as caught:
        imported(f"{HERE}:{name}", tmp_path, (channels, 8, 8))
    assert caught.value.problems == (f"{HERE}:{name}: {message}",)
    assert not (tmp_path / "m.yml").exists()


# --- what cannot be imported, named with its module -----------------------------------------------


def layer_norm() -> Any:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.LayerNorm(144), nn.Linear(144, 2))


def pixel_shuffle() -> Any:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.PixelShuffle(2))


def bicubic() -> Any:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.Upsample(scale_factor=2, mode="bicubic"))


class Scaled(nn.Module):  # type: ignore[misc]
    """A parameter used in ``forward`` itself, not by a module of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.scale = nn.Parameter(torch.ones(1))

    def forward(self, x: Any) -> Any:
        return self.conv(x) * self.scale


@pytest.mark.parametrize(
    ("name", "where"),
    [
        (
            "pixel_shuffle",
            "node '/1/DepthToSpace' (DepthToSpace), module '1' (nn.PixelShuffle): operator "
            "DepthToSpace",
        ),
        (
            "layer_norm",
            "node '/2/LayerNormalization' (LayerNormalization), module '2' (nn.LayerNorm): "
            "operator LayerNormalization",
        ),
    ],
)
def test_an_operator_without_a_layer_kind_is_named_with_its_module(
    name: str, where: str, tmp_path: Path
) -> None:
    """Its node, the module that made it, and what it reads; not the weights it takes for images."""
    with pytest.raises(ModelError) as caught:
        imported(f"{HERE}:{name}", tmp_path, (3, 8, 8))
    (found,) = caught.value.problems
    reads = (
        "it reads the output of node '/1/Flatten' (Flatten), module '1' (nn.Flatten)"
        if name == "layer_norm"
        else "it reads the output of node '/0/Conv' (Conv), module '0' (nn.Conv2d)"
    )
    assert found.startswith(
        f"{HERE}:{name}: {where} has no layer kind in the spec format; {reads}. The importer reads"
    ), found


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "Scaled",
            "node '/Mul' (Mul), in the forward of the top module (Scaled): multiplies the image "
            "by a constant or a weight of its own; only the product of two layers' outputs "
            "(multiply) can be imported",
        ),
        (
            "bicubic",
            "node '/1/Resize' (Resize), module '1' (nn.Upsample): mode 'cubic'; nearest and "
            "linear (bilinear) can be imported",
        ),
    ],
)
def test_what_a_known_operator_cannot_say_is_named_with_its_module(
    name: str, message: str, tmp_path: Path
) -> None:
    with pytest.raises(ModelError) as caught:
        imported(f"{HERE}:{name}", tmp_path, (3, 8, 8))
    assert caught.value.problems == (f"{HERE}:{name}: {message}",)


class PaddedThenViewed(nn.Module):  # type: ignore[misc]
    """TensorFlow-style "same" padding by hand: one more pixel right and below, then a view."""

    def __init__(self) -> None:
        super().__init__()
        self.pad = nn.ZeroPad2d((0, 1, 0, 1))
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 7 * 7, 2)

    def forward(self, x: Any) -> Any:
        x = self.conv(self.pad(x))
        return self.fc(x.view(x.size(0), -1))


def padded_then_flattened() -> Any:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ZeroPad2d((0, 1, 0, 1)), nn.Flatten())


def test_an_asymmetric_zero_padding_is_the_next_convolutions(tmp_path: Path) -> None:
    """The exporter computes the padding from the image's shape, which ONNX's shape inference
    does not follow; the importer works it out, and the later view reads as a flatten."""
    result = import_spec(
        f"{HERE}:PaddedThenViewed", path=tmp_path / "m.yml", editor_line="#", input_shape=(3, 8, 8)
    )
    assert [(r.name, r.kind, r.output) for r in result.analysis.layers] == [
        ("conv", "conv", (4, 7, 7)),
        ("Reshape", "flatten", (196,)),
        ("fc", "fc", (2,)),
    ]
    assert "padding: {top: 0, bottom: 1, left: 0, right: 1}" in result.text


def test_a_padding_no_convolution_reads_is_named_with_its_module(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        imported(f"{HERE}:padded_then_flattened", tmp_path, (3, 8, 8))
    (found,) = caught.value.problems
    assert found.startswith(
        f"{HERE}:padded_then_flattened: node '/1/Pad' (Pad), module '1' (nn.ZeroPad2d): only a "
        "zero padding of height and width read by one convolution or pooling can be imported"
    ), found
