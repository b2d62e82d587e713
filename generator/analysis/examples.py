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


def check_examples() -> Examples:
    """Load the worked example and each broken copy; a copy that loads is a bug: it raises."""
    return Examples(audit(_load(EXAMPLE)), tuple(_broken(*mistake) for mistake in MISTAKES))


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


def _load(text: str) -> Analysis:
    """Load spec text as ``docs/architectures/EXAMPLE_NAME.yml``; messages name that path."""
    path = Path(SPECS) / f"{EXAMPLE_NAME}{loader.SUFFIX}"
    return loader.analyse(loader.load_text(path, text))
