"""A runnable PyTorch script for an analysis: the spec built as ``torch.nn`` modules, layer by layer.

Pure: it writes Python source text and never imports torch (torch is a test-only dependency). The
script it writes needs nothing but torch; it runs a zero input through the layers on the CPU and
prints each layer's output shape, parameters and multiply-accumulates, so a reader can check every
number on the page with the framework they use. ``tests/test_pytorch.py`` runs it for every shipped
spec and compares its output with the engine's.

Where a spec uses a rule PyTorch lacks, the script reproduces it with explicit zero padding computed
from the engine's :class:`~generator.core.results.Axis` values, and says so in a comment.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from generator.core.results import Analysis, Axis, LayerResult
from generator.spec.models import (
    LRN,
    Activation,
    AdaptivePool,
    Conv,
    Dropout,
    Flatten,
    FullyConnected,
    Pool,
    Rounding,
    Softmax,
)

#: What each activation kind is called in ``torch.nn``.
ACTIVATIONS = {
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU()",
    "elu": "nn.ELU()",
    "gelu": "nn.GELU()",
    "tanh": "nn.Tanh()",
    "sigmoid": "nn.Sigmoid()",
}

#: Lines of the script are kept this short where they can be.
LINE_LENGTH = 100

#: The columns the script prints, tab-separated, in its header line.
COLUMNS = ("layer", "output", "params", "macs")

_FORMAT = """\
# Output: a header line, then one line per layer and a totals line, tab-separated:
#     layer   output   params   macs
#     <name>  CxHxW    <int>    <int>        (output N for a vector)
#     total   -        <int>    <int>
# "output" is one image's output shape (batch 1), "params" counts weights and biases, and
# "macs" counts multiply-accumulates of conv and fc layers: output values x (in_channels /
# groups) x kernel height x kernel width, or output values x in_features."""

_MAIN = '''\


def shape(x: torch.Tensor) -> str:
    """One image's shape as CxHxW or N (the batch dimension dropped)."""
    return "x".join(str(size) for size in x.shape[1:])


def macs(module: nn.Module, out: torch.Tensor) -> int:
    """Multiply-accumulates of the conv and fc modules inside ``module`` for this output."""
    total = 0
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            total += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total += out.numel() * m.in_features
    return total


def main() -> None:
    x = torch.zeros(1, *INPUT)
    params_total = macs_total = 0
    print("layer\\toutput\\tparams\\tmacs")
    with torch.no_grad():
        for name, module in LAYERS:
            module.eval()  # dropout passes values through, as at inference
            x = module(x)
            params = sum(p.numel() for p in module.parameters())
            layer_macs = macs(module, x)
            params_total += params
            macs_total += layer_macs
            print(f"{name}\\t{shape(x)}\\t{params}\\t{layer_macs}")
    print(f"total\\t-\\t{params_total}\\t{macs_total}")


if __name__ == "__main__":
    main()
'''

_DILATED_AVG_POOL = '''\


class DilatedAvgPool2d(nn.Module):
    """Average pooling with dilation, which nn.AvgPool2d lacks: a fixed depthwise convolution.

    The averaging weights are a buffer, not parameters, so the layer has no parameters, as in the
    spec; padding is applied before it with nn.ZeroPad2d.
    """

    def __init__(self, channels: int, kernel_size: tuple[int, int], stride: tuple[int, int],
                 dilation: tuple[int, int]) -> None:
        super().__init__()
        weight = torch.full((channels, 1, *kernel_size), 1.0 / (kernel_size[0] * kernel_size[1]))
        self.register_buffer("weight", weight)
        self.stride, self.dilation, self.channels = stride, dilation, channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.conv2d(
            x, self.weight, stride=self.stride, dilation=self.dilation, groups=self.channels
        )'''


@dataclass(frozen=True, slots=True)
class _Padding:
    """How a windowed layer's padding is expressed: in the module, in ZeroPad2d, or both."""

    module: tuple[int, int]
    """Symmetric (height, width) padding passed to the PyTorch module itself."""
    zero: tuple[int, int, int, int] | None
    """``nn.ZeroPad2d((left, right, top, bottom))`` applied first, or ``None``."""
    ceil_mode: bool


def _text(value: str) -> str:
    """Spec text safe for one comment line: printable characters, whitespace collapsed."""
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


def _pair(values: tuple[int, int]) -> str:
    return f"({values[0]}, {values[1]})"


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(size) for size in shape)


def _is_dilated_avg_pool(result: LayerResult) -> bool:
    layer = result.layer
    return isinstance(layer, Pool) and layer.kind == "avg_pool" and layer.dilation != (1, 1)


def _trim(axis: Axis) -> int:
    """Padding pixels to leave out so that floor rounding drops what ``ceil`` drops: usually 0.

    ``ceil`` drops a last window that starts in the right padding even where it fits, which floor
    rounding keeps when ``unused ≥ stride`` (only possible with padding of a kernel or more, so
    never in PyTorch's pooling): ``max(unused − s + 1, 0)``, which is then at most 1.
    """
    return max(axis.unused - axis.stride + 1, 0)


def _padding(result: LayerResult, height: Axis, width: Axis) -> _Padding:
    """Native PyTorch padding where it expresses the engine's rule, explicit zeros otherwise.

    PyTorch pads symmetrically and knows two roundings: floor, and (pooling only) ``ceil_mode``,
    which is the engine's ``ceil``. Everything else (asymmetric or TensorFlow 'same' padding,
    ``ceil`` convolutions, ``ceil_unclipped``) becomes floor rounding over an input zero-padded on
    the right and bottom by the engine's ``overhang``: the pixels the last window reaches past the
    padded input, so that floor rounding gives exactly the engine's output size.
    """
    symmetric = height.pad_before == height.pad_after and width.pad_before == width.pad_after
    native = symmetric and not _is_dilated_avg_pool(result) and not _trim(height) + _trim(width)
    if native and isinstance(result.layer, Pool) and height.rounding is Rounding.CEIL:
        return _Padding((height.pad_before, width.pad_before), None, ceil_mode=True)
    if native:
        overhang = (0, width.overhang, 0, height.overhang)
        zero = overhang if any(overhang) else None
        return _Padding((height.pad_before, width.pad_before), zero, ceil_mode=False)
    zero = (
        width.pad_before,
        width.pad_after + width.overhang - _trim(width),
        height.pad_before,
        height.pad_after + height.overhang - _trim(height),
    )
    return _Padding((0, 0), zero if any(zero) else None, ceil_mode=False)


def _windowed(result: LayerResult) -> tuple[list[str], list[str]]:
    """The module expression and comments of a conv or pooling layer."""
    assert result.axes is not None
    height, width = result.axes
    padding = _padding(result, height, width)
    kernel, stride = (height.kernel, width.kernel), (height.stride, width.stride)
    dilation = (height.dilation, width.dilation)
    comments: list[str] = []
    layer = result.layer
    args = [f"kernel_size={_pair(kernel)}"]
    if stride != (1, 1) or isinstance(layer, Pool):
        args.append(f"stride={_pair(stride)}")
    if padding.module != (0, 0):
        args.append(f"padding={_pair(padding.module)}")
    if dilation != (1, 1):
        args.append(f"dilation={_pair(dilation)}")
    if isinstance(layer, Conv):
        channels = f"{result.input[0]}, {layer.out_channels}"
        if layer.groups != 1:
            args.append(f"groups={layer.groups}")
        if not layer.bias:
            args.append("bias=False")
        module = f"nn.Conv2d({channels}, {', '.join(args)})"
    elif _is_dilated_avg_pool(result):
        comments.append("nn.AvgPool2d has no dilation: DilatedAvgPool2d (above) averages instead")
        module = (
            f"DilatedAvgPool2d({result.input[0]}, {_pair(kernel)}, {_pair(stride)}, "
            f"{_pair(dilation)})"
        )
    else:
        if padding.ceil_mode:
            args.append("ceil_mode=True")
        name = "nn.MaxPool2d" if layer.kind == "max_pool" else "nn.AvgPool2d"
        module = f"{name}({', '.join(args)})"
    if padding.zero is None:
        return [module], comments
    comments.extend(_zero_padding_comments(result, height, width))
    return [f"nn.ZeroPad2d({padding.zero})", module], comments


def _zero_padding_comments(result: LayerResult, height: Axis, width: Axis) -> list[str]:
    rounding = height.rounding or Rounding.FLOOR
    comments = []
    if height.overhang or width.overhang:
        rule = {
            Rounding.CEIL_UNCLIPPED: "'ceil_unclipped' rounding (cuda-convnet: up, with no clip)",
            Rounding.CEIL: "'ceil' rounding (up, dropping a window that starts in the padding)",
        }[rounding]
        comments.append(
            f"{rule}, which PyTorch cannot express for this layer: the last window overhangs the "
            f"padded input by {height.overhang} row(s) and {width.overhang} column(s), added here "
            "as zeros on the bottom and right so that PyTorch's floor rounding gives the same size"
        )
    elif _trim(height) or _trim(width):
        comments.append(
            "'ceil' rounding drops the last window because it starts in the padding, although "
            f"it fits: {_trim(height)} row(s) and {_trim(width)} column(s) less padding on the "
            "bottom and right make PyTorch's floor rounding drop it too"
        )
    elif rounding is not Rounding.FLOOR:
        comments.append(
            f"'{rounding.value}' rounding: no window overhangs the padded input here, so floor "
            "rounding over the explicit padding gives the same size"
        )
    if (height.pad_before, width.pad_before) != (height.pad_after, width.pad_after):
        comments.append(
            f"asymmetric padding (top {height.pad_before}, bottom {height.pad_after}, "
            f"left {width.pad_before}, right {width.pad_after}), which PyTorch modules lack"
        )
    if result.kind == "max_pool":
        comments.append(
            "zero padding instead of PyTorch's -inf changes the maximum only for negative "
            "inputs; for shapes it is exact"
        )
    return comments


def _module(result: LayerResult) -> tuple[list[str], list[str]]:
    """The ``torch.nn`` modules for one layer (several run in sequence), and comments for it."""
    layer = result.layer
    match layer:
        case Conv() | Pool():
            return _windowed(result)
        case AdaptivePool():
            name = "AdaptiveAvgPool2d" if layer.kind == "adaptive_avg_pool" else "AdaptiveMaxPool2d"
            return [f"nn.{name}({_pair(layer.output)})"], []
        case LRN():
            lrn = (
                f"nn.LocalResponseNorm({layer.size}, alpha={layer.alpha!r}, "
                f"beta={layer.beta!r}, k={layer.k!r})"
            )
            if len(result.input) == 3:
                return [lrn], []
            return (
                [f"nn.Unflatten(1, ({result.input[0]}, 1))", lrn, "nn.Flatten()"],
                ["LRN needs channels: the vector's values become channels of length 1"],
            )
        case Activation():
            return [ACTIVATIONS[layer.kind]], []
        case Dropout():
            return [f"nn.Dropout(p={layer.p!r})"], []
        case Flatten():
            return ["nn.Flatten()"], []
        case FullyConnected():
            features = 1
            for size in result.input:
                features *= size
            linear = (
                f"nn.Linear({features}, {layer.out_features}{'' if layer.bias else ', bias=False'})"
            )
            if len(result.input) == 3:
                return (
                    ["nn.Flatten()", linear],
                    [f"the {_shape(result.input)} input is flattened first, as the engine does"],
                )
            return [linear], []
        case Softmax():
            return ["nn.Softmax(dim=1)"], []
    raise AssertionError(f"unhandled layer kind {layer.kind}")  # pragma: no cover


def _entry(result: LayerResult, modules: list[str]) -> list[str]:
    """One ``LAYERS`` entry: on one line when it fits, else one module per line."""
    shape = f"  # -> {_shape(result.output)}"
    module = modules[0] if len(modules) == 1 else f"nn.Sequential({', '.join(modules)})"
    line = f'    ("{result.name}", {module}),'
    if len(line) <= LINE_LENGTH:
        return [line + shape]
    return [
        f'    ("{result.name}", nn.Sequential({shape}',
        *(f"        {m}," for m in modules),
        "    )),",
    ]


def _header(analysis: Analysis) -> list[str]:
    spec = analysis.spec
    lines = [
        f"# {_text(spec.title)} ({_text(analysis.name)}), built layer by layer in PyTorch.",
        "# Generated from the spec by the site's generator; needs only torch and runs on the CPU:",
        f"#     python {_text(analysis.name)}.py",
        "# It runs one zero image of the spec's input shape through the layers and prints what",
        "# each layer computes, to compare with the page's table.",
        "#",
        *_FORMAT.splitlines(),
        "#",
        "# For a single model: nn.Sequential(*(module for _, module in LAYERS)).",
    ]
    kinds = {r.kind for r in analysis.layers}
    if "dropout" in kinds:
        lines.append("# Dropout runs in eval mode, as at inference: it passes values through.")
    if "lrn" in kinds:
        lines += [
            "# nn.LocalResponseNorm scales alpha by 1/size, as Caffe does and the paper's formula",
            "# does not: values may differ from the paper's, shapes and counts do not.",
        ]
    towers = {r.towers for r in analysis.layers} | {spec.towers}
    if max(towers) > 1:
        lines += [
            "#",
            f"# Towers: the spec splits layers across {max(towers)} GPUs (towers). They change no",
            "# shape or count here: grouped convolutions (groups=...) already keep each tower's",
            "# channels apart, and fully connected layers read every tower's outputs.",
        ]
    roundings = {a.rounding for r in analysis.layers for a in r.axes or ()}
    if Rounding.CEIL_UNCLIPPED in roundings:
        lines += [
            "#",
            "# 'ceil_unclipped' is cuda-convnet's rule: it rounds output sizes up and lets the last",
            "# window hang past the edge, reading zeros there. PyTorch has no such rule, so it is",
            "# reproduced with explicit one-sided zero padding of the overhang (right and bottom).",
        ]
    return lines


def pytorch_snippet(analysis: Analysis) -> str:
    """A self-contained Python script (it imports only torch) that builds ``analysis``'s spec."""
    lines = [*_header(analysis), "", "import torch", "from torch import nn"]
    helper = any(_is_dilated_avg_pool(r) for r in analysis.layers)
    if helper:
        lines += _DILATED_AVG_POOL.splitlines()
    lines += [
        *(["", ""] if helper else [""]),
        f"INPUT = {tuple(analysis.input)!r}",
        "LAYERS: list[tuple[str, nn.Module]] = [",
    ]
    for result in analysis.layers:
        modules, comments = _module(result)
        for comment in comments:
            lines += textwrap.wrap(
                comment, width=LINE_LENGTH, initial_indent="    # ", subsequent_indent="    # "
            )
        lines += _entry(result, modules)
    lines.append("]")
    return "\n".join(lines) + "\n" + _MAIN
