"""The contributing page's worked example and its broken copies, checked at every build.

The page shows a spec a contributor could write, its audit, and the loader's own messages for
one-line mistakes in it. All of them are loaded from text in memory
(:func:`generator.load.loader.load_text`) under the path a contributor would save the example
at, so the messages name that path and the build writes no file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.analysis.audit import Check, audit
from generator.core.results import Analysis
from generator.load import loader
from generator.spec import schema
from generator.spec.errors import SpecError

#: Where specs live, as a contributor types it.
SPECS = "docs/architectures"
#: The walkthrough's worked example: a spec a contributor could write, checked at every build.
EXAMPLE_NAME = "cs231n-conv1"
EXAMPLE = f"""\
{schema.EDITOR_LINE}
title: AlexNet's first layer, as CS231n works it out
summary: >-
  The first convolutional layer of AlexNet with the 227×227 input that the CS231n course notes use
  for their worked example: 96 kernels of 11×11 with stride 4 and no padding give 55×55 maps.
input: [3, 227, 227]
sources:
  cs231n:
    citation: >-
      Andrej Karpathy and the CS231n course staff. CS231n: Convolutional Neural Networks for
      Visual Recognition, course notes, "Convolutional Neural Networks".
    url: https://cs231n.github.io/convolutional-networks/
    states: >-
      AlexNet's first layer takes 227×227×3 images and has 96 kernels of 11×11 with stride 4 and
      no padding, so (227 − 11)/4 + 1 = 55: an output of 55×55×96, that is 290,400 neurons, and
      34,944 parameters with the biases.
stated:
  - {{quantity: shape, layer: input, value: [3, 227, 227], source: cs231n, quote: "accepted images of size [227x227x3]"}}
  - {{quantity: neurons, layer: conv1, value: 290400, source: cs231n}}
  - {{quantity: params, layer: conv1, value: 34944, source: cs231n}}
layers:
  - {{name: conv1, kind: conv, out_channels: 96, kernel: 11, stride: 4}}
  - {{name: relu1, kind: relu}}
"""

#: The second example: branches, a depthwise convolution and a projection shortcut, written as
#: a contributor writes MobileNet's or ResNet's blocks.
BRANCHES_NAME = "my-block"
BRANCHES = f"""\
{schema.EDITOR_LINE}
title: A residual block with a depthwise convolution
summary: >-
  A block in the style of MobileNet and ResNet: a 1×1 convolution, a depthwise 3×3 one, and a
  projection shortcut from the block's input added to them.
input: [32, 56, 56]
sources:
  mobilenets:
    citation: >-
      Andrew G. Howard, Menglong Zhu, Bo Chen et al. MobileNets: Efficient Convolutional Neural
      Networks for Mobile Vision Applications. arXiv:1704.04861, 2017.
    url: https://arxiv.org/abs/1704.04861
    states: >-
      A depthwise separable convolution is a depthwise convolution, one 3×3 filter per input
      channel, followed by a 1×1 pointwise convolution, each followed by batch norm and ReLU.
layers:
  - {{name: expand, kind: conv, out_channels: 64, kernel: 1, bias: false}}
  - {{name: bn1, kind: batch_norm}}
  - {{name: relu1, kind: relu}}
  - {{name: depthwise, kind: conv, out_channels: 64, kernel: 3, padding: 1, groups: 64, bias: false}}
  - {{name: bn2, kind: batch_norm}}
  - {{name: shortcut, kind: conv, out_channels: 64, kernel: 1, inputs: [input]}}
  - {{name: add, kind: add, inputs: [bn2, shortcut]}}
  - {{name: relu2, kind: relu}}
  - {{name: pool, kind: avg_pool, kernel: 56}}
  - {{name: flatten, kind: flatten}}
  - {{name: fc, kind: fc, out_features: 10}}
"""
#: The line of :data:`BRANCHES` that names the shortcut's input, and the same line forgetting it.
NAMED_INPUT = "kernel: 1, inputs: [input]}"
FORGOTTEN_INPUT = "kernel: 1}"

#: One-line mistakes made in copies of the example, to show the messages they give.
MISTAKES: tuple[tuple[str, str, str], ...] = (
    ("A misspelt field", "kernel: 11,", "kernal: 11,"),
    ("An input written channels last", "input: [3, 227, 227]", "input: [227, 227, 3]"),
    (
        "A stated number citing a source the spec does not have",
        "290400, source: cs231n}",
        "290400, source: cs231}",
    ),
)


@dataclass(frozen=True, slots=True)
class BrokenExample:
    """A copy of the example with one line changed, and what the loader says about it."""

    title: str
    line: str
    """The changed line, as written in the copy."""
    report: str
    """The loader's report: every problem, located in the example's path."""


@dataclass(frozen=True, slots=True)
class Examples:
    """The contributing page's examples, loaded: the worked example's audit and the mistakes."""

    checks: tuple[Check, ...]
    mistakes: tuple[BrokenExample, ...]
    branches: Analysis
    """:data:`BRANCHES`, worked out."""
    forgotten: BrokenExample
    """:data:`BRANCHES` with the shortcut's ``inputs`` left out, and the loader's warning."""


def check_examples() -> Examples:
    """Load the worked examples and each broken copy; a copy that loads without the error (or
    the warning) it shows is a bug: it raises."""
    return Examples(
        audit(_load(EXAMPLE)),
        tuple(_broken(*mistake) for mistake in MISTAKES),
        _load(BRANCHES, BRANCHES_NAME),
        _forgotten(),
    )


def _forgotten() -> BrokenExample:
    """:data:`BRANCHES` with the shortcut's ``inputs`` left out: it loads, with a warning."""
    if BRANCHES.count(NAMED_INPUT) != 1:
        raise ValueError(f"the branches example must contain {NAMED_INPUT!r} exactly once")
    broken = BRANCHES.replace(NAMED_INPUT, FORGOTTEN_INPUT)
    line = next(line for line in broken.splitlines() if FORGOTTEN_INPUT in line)
    warnings = _loaded(broken, BRANCHES_NAME).warnings
    if not warnings:
        raise ValueError("the branches example without the shortcut's inputs gives no warning")
    return BrokenExample("A forgotten `inputs`", line, "\n".join(f"warning: {w}" for w in warnings))


def _broken(title: str, right: str, wrong: str) -> BrokenExample:
    if EXAMPLE.count(right) != 1:
        raise ValueError(f"the example must contain {right!r} exactly once")
    broken = EXAMPLE.replace(right, wrong)
    line = next(line for line in broken.splitlines() if wrong in line)
    try:
        _load(broken)
    except SpecError as error:
        return BrokenExample(title, line, error.report())
    raise ValueError(f"the example with {wrong!r} for {right!r} loads without an error")


def _load(text: str, name: str = EXAMPLE_NAME) -> Analysis:
    """Load spec text as ``docs/architectures/NAME.yml``; messages name that path."""
    return loader.analyse(_loaded(text, name))


def _loaded(text: str, name: str) -> loader.LoadedSpec:
    return loader.load_text(Path(SPECS) / f"{name}{loader.SUFFIX}", text)
