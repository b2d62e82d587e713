"""Elementwise non-linearities (the absolute value among them) and ``softmax``: shape in = shape
out, no parameters, no MACs."""

from __future__ import annotations

from generator.core.kinds.base import Incoming, LayerKind, TorchCode, unchanged
from generator.core.results import LayerResult
from generator.spec.models import Activation, Layer, Softmax

#: What each activation kind is called in ``torch.nn``.
MODULES = {
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU()",
    "elu": "nn.ELU()",
    "gelu": "nn.GELU()",
    "tanh": "nn.Tanh()",
    "sigmoid": "nn.Sigmoid()",
    "softmax": "nn.Softmax(dim=1)",
    "abs": "Abs()",
}

#: ``torch.nn`` has no absolute value: the script defines this module where a spec needs one.
ABS_MODULE = '''\
class Abs(nn.Module):
    """The absolute value of each value (Caffe's AbsVal); no parameters."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.abs(x)'''
#: The script's own modules, by the kinds that need them.
HELPERS = {"abs": (ABS_MODULE,)}


def compute(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    """Output = input: one value out for each value in."""
    return unchanged(index, layer, incoming)


def torch(result: LayerResult) -> TorchCode:
    return TorchCode((MODULES[result.kind],), helpers=HELPERS.get(result.kind, ()))


def operation(result: LayerResult) -> str:
    return result.kind


ACTIVATION = LayerKind(
    names=("relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid", "abs"),
    words=(("relu", "ReLU"), ("leaky_relu", "leaky ReLU"), ("elu", "ELU"), ("gelu", "GELU")),
    model=Activation,
    compute=compute,
    torch=torch,
    operation=operation,
    passthrough=True,
)

SOFTMAX = LayerKind(
    names=("softmax",),
    model=Softmax,
    compute=compute,
    torch=torch,
    operation=operation,
    passthrough=True,
)
