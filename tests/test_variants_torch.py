"""The variants of issue 4 run in PyTorch, layer by layer, against the engine.

Each network is written here by hand from its source (not generated from the spec), run on one
zero image, and every layer's output shape and the total parameter count are compared with the
engine's. Where the source is not PyTorch, the translation is exact for shapes:

- **Caffe** convolution rounds down like PyTorch; Caffe pooling rounds up and drops a window that
  would start in the padding, which is PyTorch's ``ceil_mode=True`` (no pooling here is padded).
- **TensorFlow** ``VALID`` is padding 0; ``SAME`` with stride 1 and an odd kernel k pads (k − 1)/2
  on every side.
- **cuda-convnet** rounds up with no clip and reads missing pixels as zeros: for a convolution that
  is zero padding on the right and bottom by the overhang, then PyTorch's floor; for unpadded
  pooling it is ``ceil_mode=True``.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.core.results import Analysis
from tests.requirements import require

# PyTorch (or ONNX) as the oracle: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow

torch = require("torch", "pip install torch==2.13.0")
nn = torch.nn


def run(modules: list[Any], input_shape: tuple[int, ...]) -> tuple[list[tuple[int, ...]], int]:
    """Every module's output shape (without the batch axis) and the network's parameter count."""
    net = nn.Sequential(*modules).eval()
    x = torch.zeros(1, *input_shape)
    shapes = []
    with torch.no_grad():
        for module in net:
            x = module(x)
            shapes.append(tuple(x.shape[1:]))
    return shapes, sum(p.numel() for p in net.parameters())


def engine_shapes(analysis: Analysis) -> list[tuple[int, ...]]:
    return [tuple(r.output) for r in analysis.layers]


def fc(in_features: int, out_features: int) -> Any:
    """A fully connected layer that reads a volume, as Caffe's InnerProduct does."""
    return nn.Sequential(nn.Flatten(), nn.Linear(in_features, out_features))


def lrn(k: float) -> Any:
    return nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=k)


def ceil_pool() -> Any:
    return nn.MaxPool2d(3, 2, ceil_mode=True)


def bvlc_alexnet(caffenet: bool) -> list[Any]:
    """models/bvlc_alexnet/deploy.prototxt; CaffeNet swaps each LRN with the pooling after it."""

    def block(conv: Any) -> list[Any]:
        pool_norm = [ceil_pool(), lrn(1.0)]
        return [conv, nn.ReLU(), *(pool_norm if caffenet else pool_norm[::-1])]

    return [
        *block(nn.Conv2d(3, 96, 11, stride=4)),
        *block(nn.Conv2d(96, 256, 5, padding=2, groups=2)),
        nn.Conv2d(256, 384, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1, groups=2),
        nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=2),
        nn.ReLU(),
        ceil_pool(),
        fc(9216, 4096),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(4096, 4096),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(4096, 1000),
        nn.Softmax(dim=1),
    ]


def test_bvlc_alexnet_in_pytorch(analyses: dict[str, Analysis]) -> None:
    shapes, params = run(bvlc_alexnet(caffenet=False), (3, 227, 227))
    assert shapes == engine_shapes(analyses["bvlc-alexnet"])
    assert params == analyses["bvlc-alexnet"].totals.params == 60_965_224


def test_caffenet_in_pytorch(analyses: dict[str, Analysis]) -> None:
    shapes, params = run(bvlc_alexnet(caffenet=True), (3, 227, 227))
    assert shapes == engine_shapes(analyses["caffenet"])
    assert params == analyses["caffenet"].totals.params == 60_965_224


def cuda_convnet2(conv4: int, output: Any) -> list[Any]:
    """layers-imagenet-1gpu.cfg; conv1's window hangs 3 pixels past the 224 input (read as zeros)."""
    return [
        nn.Sequential(nn.ZeroPad2d((0, 3, 0, 3)), nn.Conv2d(3, 64, 11, stride=4)),
        lrn(2.0),
        ceil_pool(),
        nn.ReLU(),
        nn.Conv2d(64, 192, 5, padding=2),
        nn.ReLU(),
        lrn(2.0),
        ceil_pool(),
        nn.Conv2d(192, 384, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(384, conv4, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(conv4, 256, 3, padding=1),
        ceil_pool(),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(9216, 4096),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(4096, 4096),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(4096, 1000),
        output,
    ]


def test_cuda_convnet2_rule_emulated_in_pytorch(analyses: dict[str, Analysis]) -> None:
    shapes, params = run(cuda_convnet2(256, nn.Softmax(dim=1)), (3, 224, 224))
    assert shapes == engine_shapes(analyses["cuda-convnet2-1gpu"])
    assert params == analyses["cuda-convnet2-1gpu"].totals.params == 61_100_840


def test_one_weird_trick_in_pytorch(analyses: dict[str, Analysis]) -> None:
    shapes, params = run(cuda_convnet2(384, nn.Sigmoid()), (3, 224, 224))
    assert shapes == engine_shapes(analyses["one-weird-trick"])
    assert params == analyses["one-weird-trick"].totals.params == 61_838_248


def zfnet(conv1: Any) -> list[Any]:
    return [
        conv1,
        nn.ReLU(),
        ceil_pool(),
        lrn(2.0),
        nn.Conv2d(96, 256, 5, stride=2),
        nn.ReLU(),
        ceil_pool(),
        lrn(2.0),
        nn.Conv2d(256, 384, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1),
        nn.ReLU(),
        ceil_pool(),
        nn.Flatten(),
        nn.Linear(9216, 4096),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(4096, 4096),
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(4096, 1000),
        nn.Softmax(dim=1),
    ]


def test_zfnet_with_cuda_convnets_rule_in_pytorch(analyses: dict[str, Analysis]) -> None:
    """The spec's reading: no padding, conv1's last window one pixel past the edge."""
    conv1 = nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(3, 96, 7, stride=2))
    shapes, params = run(zfnet(conv1), (3, 224, 224))
    assert shapes == engine_shapes(analyses["zfnet"])
    assert params == analyses["zfnet"].totals.params == 62_357_608


def test_zfnet_alternative_reading_gives_the_same_shapes(analyses: dict[str, Analysis]) -> None:
    """Padding 1 in conv1 with PyTorch's floor, and ceil-mode pooling: the same Figure 3 sizes."""
    shapes, params = run(zfnet(nn.Conv2d(3, 96, 7, stride=2, padding=1)), (3, 224, 224))
    assert shapes == engine_shapes(analyses["zfnet"])
    assert params == analyses["zfnet"].totals.params


def tf_slim(squeeze: bool) -> list[Any]:
    """research/slim/nets/alexnet.py with TensorFlow's VALID/SAME paddings written out."""
    layers = [
        nn.Conv2d(3, 64, 11, stride=4),  # VALID
        nn.ReLU(),
        nn.MaxPool2d(3, 2),  # VALID
        nn.Conv2d(64, 192, 5, padding=2),  # SAME
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 4096, 5),  # fc6, VALID
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Conv2d(4096, 4096, 1),  # fc7
        nn.ReLU(),
        nn.Dropout(0.5),
        nn.Conv2d(4096, 1000, 1),  # fc8
    ]
    return [*layers, nn.Flatten()] if squeeze else layers


def test_tf_slim_in_pytorch(analyses: dict[str, Analysis]) -> None:
    shapes, params = run(tf_slim(squeeze=True), (3, 224, 224))
    assert shapes == engine_shapes(analyses["tf-slim-alexnet-v2"])
    assert params == analyses["tf-slim-alexnet-v2"].totals.params == 50_303_912


def test_tf_slim_on_300_by_400_as_its_own_test_expects() -> None:
    """alexnet_test.py's testFullyConvolutional: logits of [1, 4, 7, 1000] before any squeeze."""
    shapes, _ = run(tf_slim(squeeze=False), (3, 300, 400))
    assert shapes[-1] == (1000, 4, 7)


def test_d2l_alexnet_is_the_books_pytorch_code(analyses: dict[str, Analysis]) -> None:
    """The book's current code, lazy layers and all, on its 1×1×224×224 example input."""
    modules = [
        nn.LazyConv2d(96, kernel_size=11, stride=4, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.LazyConv2d(256, kernel_size=5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.LazyConv2d(384, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.LazyConv2d(384, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.LazyConv2d(256, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Flatten(),
        nn.LazyLinear(4096),
        nn.ReLU(),
        nn.Dropout(p=0.5),
        nn.LazyLinear(4096),
        nn.ReLU(),
        nn.Dropout(p=0.5),
        nn.LazyLinear(10),
    ]
    shapes, params = run(modules, (1, 224, 224))
    assert shapes == engine_shapes(analyses["d2l-alexnet"])
    assert params == analyses["d2l-alexnet"].totals.params == 46_764_746
