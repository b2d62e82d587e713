"""What the analysis found, in words: the one place where its data becomes sentences. Pure.

The analysis returns data (a hypothesis is a list of changed assumptions, each saying which
factor changes, from what, to what); the pages, the exports and the command line say it with the
functions here, so that one finding reads the same wherever it is shown.
"""

from __future__ import annotations

#: Each version of the paper's network (:data:`generator.analysis.versions.VERSIONS`): its title
#: and what it changes, in a sentence.
VERSIONS = {
    "floor": (
        "As written, rounded down",
        "The stated 224 input and no padding, with PyTorch's and Caffe's convolution rule "
        "(round down) for every layer.",
    ),
    "cuda-convnet": (
        "As the authors ran it (cuda-convnet)",
        "The stated 224 input; the authors' code rounds every output size up.",
    ),
    "input-227": ("A 227 input (Caffe, CS231n)", "A 227×227 input, rounded down everywhere."),
    "padding-2": (
        "Padding 2 on conv1 (torchvision)",
        "Two pixels of zero padding on every side of conv1's input, rounded down everywhere.",
    ),
    "padding-3": (
        "Three pixels of padding (CS231n's guess)",
        "Three pixels of zero padding after the image (bottom and right), rounded down everywhere.",
    ),
    "caffe-pooling": (
        "Floor convolution, Caffe's ceil pooling",
        "The stated 224 input; convolutions round down, pooling rounds up as Caffe's does.",
    ),
}


def version_title(key: str) -> str:
    """A version's title: ``As the authors ran it (cuda-convnet)``."""
    return VERSIONS[key][0]


def version_rule(key: str) -> str:
    """What a version changes, in a sentence."""
    return VERSIONS[key][1]
