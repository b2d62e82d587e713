"""A runnable PyTorch script for an analysis: the spec built as ``torch.nn`` modules, layer by layer.

Pure: it writes Python source text and never imports torch (torch is a test-only dependency). The
script it writes needs nothing but torch; it runs a zero input through the layers on the CPU and
prints each layer's output shape, parameters and multiply-accumulates, so a reader can check every
number on the page with the framework they use. ``tests/test_pytorch.py`` runs it for every shipped
spec and compares its output with the engine's.

Where a spec uses a rule PyTorch lacks, the script reproduces it with explicit zero padding computed
from the engine's :class:`~generator.core.results.Axis` values, and says so in a comment. What
each layer becomes is its kind's business (:mod:`generator.core.kinds`); this module assembles.
"""

from __future__ import annotations

import textwrap

from generator.core.kinds import ENTRIES, LayerKind, kind_of
from generator.core.results import Analysis, LayerResult
from generator.spec.models import Rounding

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
# groups) x kernel height x kernel width, or output values x in_features; for a transposed
# conv, input values x (out_channels / groups) x kernel height x kernel width."""

_MAIN = """\


class Network(nn.Module):
    \"\"\"The layers as one module: forward feeds each layer the outputs it reads (INPUTS), or
    the output of the layer before it.\"\"\"

    def __init__(self) -> None:
        super().__init__()
        self.names = [name for name, _ in LAYERS]
        self.layers = nn.ModuleList(module for _, module in LAYERS)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        \"\"\"Every layer's output by its name, and the image as "input".\"\"\"
        outputs = {"input": x}
        previous = "input"
        for name, layer in zip(self.names, self.layers):
            outputs[name] = layer(*(outputs[source] for source in INPUTS.get(name, [previous])))
            previous = name
        return outputs


def shape(x: torch.Tensor) -> str:
    \"\"\"One image's shape as CxHxW or N (the batch dimension dropped).\"\"\"
    return "x".join(str(size) for size in x.shape[1:])


def count_macs(network: nn.Module) -> dict[nn.Module, int]:
    \"\"\"Multiply-accumulates of each conv, transposed conv and fc module in the next forward
    pass, recorded by hooks from the values it reads and writes.\"\"\"
    counted: dict[nn.Module, int] = {}

    def hook(m: nn.Module, args: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        if isinstance(m, nn.ConvTranspose2d):  # every input value times a kernel
            kernel = (m.out_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
            counted[m] = args[0].numel() * kernel
        elif isinstance(m, nn.Conv2d):  # every output value from a kernel's window
            kernel = (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
            counted[m] = out.numel() * kernel
        else:
            counted[m] = out.numel() * m.in_features

    for m in network.modules():
        if isinstance(m, nn.Conv2d | nn.ConvTranspose2d | nn.Linear):
            m.register_forward_hook(hook)
    return counted


def main() -> None:
    network = Network().eval()  # as at inference: dropout passes values through
    counted = count_macs(network)
    with torch.no_grad():
        outputs = network(torch.zeros(1, *INPUT))
    params_total = macs_total = 0
    print("layer\\toutput\\tparams\\tmacs")
    for name, layer in zip(network.names, network.layers):
        params = sum(p.numel() for p in layer.parameters())
        layer_macs = sum(counted.get(m, 0) for m in layer.modules())
        params_total += params
        macs_total += layer_macs
        print(f"{name}\\t{shape(outputs[name])}\\t{params}\\t{layer_macs}")
    print(f"total\\t-\\t{params_total}\\t{macs_total}")


if __name__ == "__main__":
    main()
"""


def _text(value: str) -> str:
    """Spec text safe for one comment line: printable characters, whitespace collapsed."""
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(size) for size in shape)


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


def _kinds(analysis: Analysis) -> list[LayerKind]:
    """The network's layer kinds, each once, in the registry's order."""
    present = {kind_of(r.layer).names for r in analysis.layers}
    return [kind for kind in ENTRIES if kind.names in present]


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
        "# As one model: Network() (below), whose forward returns every layer's output by name.",
    ]
    for kind in _kinds(analysis):
        lines += [f"# {line}" for line in kind.script_note]
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
    code = [(result, kind_of(result.layer).torch(result)) for result in analysis.layers]
    helpers = list(dict.fromkeys(helper for _, c in code for helper in c.helpers))
    for helper in helpers:
        lines += ["", "", *helper.splitlines()]
    lines += [
        *(["", ""] if helpers else [""]),
        f"INPUT = {tuple(analysis.input)!r}",
        "LAYERS: list[tuple[str, nn.Module]] = [",
    ]
    for result, torch in code:
        for comment in torch.comments:
            lines += textwrap.wrap(
                comment, width=LINE_LENGTH, initial_indent="    # ", subsequent_indent="    # "
            )
        lines += _entry(result, list(torch.modules))
    lines.append("]")
    lines += _inputs(analysis)
    return "\n".join(lines) + "\n" + _MAIN


def _inputs(analysis: Analysis) -> list[str]:
    """``INPUTS``: the layers that read something else than the layer written before them."""
    branching = [r for r in analysis.layers if r.layer.inputs is not None]
    if not branching:
        return [
            "# Each layer reads the output of the layer before it.",
            "INPUTS: dict[str, list[str]] = {}",
        ]
    lines = [
        "# The layers that read other outputs than the one before them, and which, in order.",
        "INPUTS: dict[str, list[str]] = {",
    ]
    for result in branching:
        names = ", ".join(f'"{name}"' for name in result.inputs)
        lines.append(f'    "{result.name}": [{names}],')
    return [*lines, "}"]
