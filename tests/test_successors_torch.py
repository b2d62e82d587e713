"""AlexNet's successors built by hand in PyTorch from their papers, as an oracle for the specs.

Each network here is written from the paper's tables (and, where the paper leaves it open, the
reference code the spec cites), independently of the spec files and of the generated scripts:
VGG's Table 1 configurations D and E; GoogLeNet's Table 1 with BVLC's Caffe pooling; SqueezeNet's
fire modules from forresti/SqueezeNet; ResNet's Table 1 with batch norm after every convolution and
1×1 projections where the shape changes. PyTorch counts the parameters (``parameters()``: batch
norm's weight and bias, not its running statistics) and forward hooks count the conv and fc
multiply-accumulates; both must equal the engine's totals for the spec of the same name.
torchvision's own models are not used: its wheel here does not import with the CPU torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from generator.core.results import Analysis
from tests.requirements import require

# PyTorch (or ONNX) as the oracle: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

torch = require("torch", "pip install torch==2.13.0")
nn = torch.nn


def count(model: Any, size: int) -> tuple[int, int]:
    """Parameters, and conv + fc multiply-accumulates of one ``size``×``size`` image."""
    macs: list[int] = []

    def hook(module: Any, _: Any, out: Any) -> None:
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            macs.append(out.numel() * module.in_channels // module.groups * kh * kw)
        else:
            macs.append(module.in_features * module.out_features)

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, nn.Conv2d | nn.Linear)
    ]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for handle in handles:
        handle.remove()
    return sum(p.numel() for p in model.parameters()), sum(macs)


def conv(cin: int, cout: int, k: int, s: int = 1, p: int = 0, *, bn: bool = False) -> Any:
    """A convolution and its ReLU; with ``bn``, batch norm between them and no bias."""
    if bn:
        return nn.Sequential(
            nn.Conv2d(cin, cout, k, s, p, bias=False), nn.BatchNorm2d(cout), nn.ReLU()
        )
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, p), nn.ReLU())


# --- VGG (Simonyan and Zisserman, Table 1) ------------------------------------------------------

VGG = {
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M"] + [512, 512, 512, 512, "M"] * 2,
}


def vgg(configuration: str) -> Any:
    layers: list[Any] = []
    channels = 3
    for v in VGG[configuration]:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers.append(conv(channels, int(v), 3, p=1))
            channels = int(v)
    return nn.Sequential(
        *layers,
        nn.Flatten(),
        nn.Linear(512 * 7 * 7, 4096),
        nn.ReLU(),
        nn.Linear(4096, 4096),
        nn.ReLU(),
        nn.Linear(4096, 1000),
    )


# --- ResNet (He et al., Table 1, projection shortcuts where the shape changes) -------------------


class Basic(nn.Module):
    """Two 3×3 convolutions with batch norm, and the shortcut added before the last ReLU."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            conv(cin, cout, 3, stride, 1, bn=True),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False),
            nn.BatchNorm2d(cout),
        )
        self.shortcut = (
            nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
            if stride != 1 or cin != cout
            else nn.Identity()
        )

    def forward(self, x: Any) -> Any:
        return (self.body(x) + self.shortcut(x)).relu()


def resnet(blocks: tuple[int, ...]) -> Any:
    layers: list[Any] = [conv(3, 64, 7, 2, 3, bn=True), nn.MaxPool2d(3, 2, 1)]
    channels = 64
    for stage, (count_, width) in enumerate(zip(blocks, (64, 128, 256, 512), strict=True)):
        for block in range(count_):
            layers.append(Basic(channels, width, 2 if block == 0 and stage else 1))
            channels = width
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000))


# --- SqueezeNet (Iandola et al.; forresti/SqueezeNet's Caffe definitions) ------------------------


class Fire(nn.Module):
    """Squeeze 1×1, then expand 1×1 and expand 3×3 side by side, concatenated."""

    def __init__(self, cin: int, squeeze: int, expand: int) -> None:
        super().__init__()
        self.squeeze = conv(cin, squeeze, 1)
        self.one = conv(squeeze, expand, 1)
        self.three = conv(squeeze, expand, 3, p=1)

    def forward(self, x: Any) -> Any:
        x = self.squeeze(x)
        return torch.cat([self.one(x), self.three(x)], 1)


def squeezenet(version: str, conv10_padding: int = 0) -> Any:
    def pool() -> Any:
        return nn.MaxPool2d(3, 2, ceil_mode=True)  # Caffe's pooling rounds up

    if version == "1.0":
        body = [conv(3, 96, 7, 2), pool(), Fire(96, 16, 64), Fire(128, 16, 64), Fire(128, 32, 128)]
        body += [pool(), Fire(256, 32, 128), Fire(256, 48, 192), Fire(384, 48, 192)]
        body += [Fire(384, 64, 256), pool(), Fire(512, 64, 256)]
    else:
        body = [conv(3, 64, 3, 2), pool(), Fire(64, 16, 64), Fire(128, 16, 64), pool()]
        body += [Fire(128, 32, 128), Fire(256, 32, 128), pool(), Fire(256, 48, 192)]
        body += [Fire(384, 48, 192), Fire(384, 64, 256), Fire(512, 64, 256)]
    return nn.Sequential(
        *body, conv(512, 1000, 1, p=conv10_padding), nn.AdaptiveAvgPool2d(1), nn.Flatten()
    )


# --- GoogLeNet (Szegedy et al., Table 1; BVLC's Caffe pooling) -----------------------------------

#: Table 1: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj.
INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


class Inception(nn.Module):
    """Four branches side by side, concatenated; torchvision's has a 3×3 for the 5×5, and BN."""

    def __init__(self, cin: int, widths: tuple[int, ...], *, tv: bool) -> None:
        super().__init__()
        c1, r3, c3, r5, c5, proj = widths
        k5, p5 = (3, 1) if tv else (5, 2)
        self.branches = nn.ModuleList(
            [
                conv(cin, c1, 1, bn=tv),
                nn.Sequential(conv(cin, r3, 1, bn=tv), conv(r3, c3, 3, p=1, bn=tv)),
                nn.Sequential(conv(cin, r5, 1, bn=tv), conv(r5, c5, k5, p=p5, bn=tv)),
                nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), conv(cin, proj, 1, bn=tv)),
            ]
        )

    def forward(self, x: Any) -> Any:
        return torch.cat([branch(x) for branch in self.branches], 1)


class Auxiliary(nn.Module):
    """A training-only classifier: 5×5/3 average pool, 1×1 conv to 128, fc 1024, fc 1000."""

    def __init__(self, cin: int) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.AvgPool2d(5, 3, ceil_mode=True),
            conv(cin, 128, 1),
            nn.Flatten(),
            nn.Linear(2048, 1024),
            nn.ReLU(),
            nn.Linear(1024, 1000),
        )

    def forward(self, x: Any) -> Any:
        return self.layers(x)


class GoogLeNet(nn.Module):
    def __init__(self, *, aux: bool = False, tv: bool = False) -> None:
        super().__init__()

        def lrn() -> Any:
            return nn.Identity() if tv else nn.LocalResponseNorm(5, 1e-4, 0.75, 1.0)

        self.stem = nn.Sequential(
            conv(3, 64, 7, 2, 3, bn=tv),
            nn.MaxPool2d(3, 2, ceil_mode=True),
            lrn(),
            conv(64, 64, 1, bn=tv),
            conv(64, 192, 3, p=1, bn=tv),
            lrn(),
            nn.MaxPool2d(3, 2, ceil_mode=True),
        )
        channels = 192
        self.modules_ = nn.ModuleDict()
        for name, widths in INCEPTION.items():
            self.modules_[name] = Inception(channels, widths, tv=tv)
            channels = widths[0] + widths[2] + widths[4] + widths[5]
        self.pool3 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.pool4 = (
            nn.MaxPool2d(2, 2, ceil_mode=True) if tv else nn.MaxPool2d(3, 2, ceil_mode=True)
        )
        self.aux = nn.ModuleList([Auxiliary(512), Auxiliary(528)]) if aux else None
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1) if tv else nn.AvgPool2d(7, 1),
            nn.Flatten(),
            nn.Linear(1024, 1000),
        )

    def forward(self, x: Any) -> Any:
        x = self.stem(x)
        for name, module in self.modules_.items():
            x = module(x)
            if self.aux is not None and name in ("4a", "4d"):
                self.aux[0 if name == "4a" else 1](x)
            x = {"3b": self.pool3, "4e": self.pool4}.get(name, nn.Identity())(x)
        return self.head(x)


#: Each spec's network, built by hand, and the image size it is worked out at.
ORACLES: dict[str, tuple[Callable[[], Any], int]] = {
    "vgg-16": (lambda: vgg("D"), 224),
    "vgg-19": (lambda: vgg("E"), 224),
    "resnet-18": (lambda: resnet((2, 2, 2, 2)), 224),
    "resnet-34": (lambda: resnet((3, 4, 6, 3)), 224),
    "squeezenet-1.0": (lambda: squeezenet("1.0"), 224),
    "squeezenet-1.0-caffe": (lambda: squeezenet("1.0", conv10_padding=1), 227),
    "squeezenet-1.1": (lambda: squeezenet("1.1"), 224),
    "googlenet": (lambda: GoogLeNet(), 224),
    "googlenet-aux": (lambda: GoogLeNet(aux=True), 224),
    "googlenet-torchvision": (lambda: GoogLeNet(tv=True), 224),
}


@pytest.mark.parametrize("name", sorted(ORACLES))
def test_the_hand_built_network_counts_what_the_spec_computes(
    name: str, analyses: dict[str, Analysis]
) -> None:
    build, size = ORACLES[name]
    analysis = analyses[name]
    assert analysis.input == (3, size, size)
    assert count(build(), size) == (analysis.totals.params, analysis.totals.macs)


def test_the_issues_reference_totals() -> None:
    """The totals issue 11 gives for the papers' networks at 224×224, from the oracles alone."""
    assert count(vgg("D"), 224) == (138_357_544, 15_470_264_320)
    assert count(resnet((2, 2, 2, 2)), 224) == (11_689_512, 1_814_073_344)
    assert count(resnet((3, 4, 6, 3)), 224) == (21_797_672, 3_663_761_408)
    assert count(squeezenet("1.0"), 224) == (1_248_424, 818_924_576)
    assert count(squeezenet("1.1"), 224) == (1_235_496, 349_151_936)
    assert count(GoogLeNet(), 224) == (6_998_552, 1_582_671_872)
