"""The layer-kind registry: one entry per kind, everything the code asks of it in one place.

Each module here holds one kind (or a family sharing one spec model): how the engine computes it,
its PyTorch modules, its shorthand in the tables, and the factors the hypothesis finder may vary.
Adding a kind is a spec model in :mod:`generator.spec.models` and one entry in :data:`KINDS`.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.core.kinds.activations import ACTIVATION, SOFTMAX
from generator.core.kinds.adaptive_pool import ADAPTIVE_POOL
from generator.core.kinds.base import GeometryError, Incoming, LayerKind, Product, TorchCode
from generator.core.kinds.batch_norm import BATCH_NORM
from generator.core.kinds.conv import CONV
from generator.core.kinds.conv_transpose import CONV_TRANSPOSE
from generator.core.kinds.crop import CROP
from generator.core.kinds.dropout import DROPOUT
from generator.core.kinds.fc import FC
from generator.core.kinds.flatten import FLATTEN
from generator.core.kinds.lrn import LRN_KIND
from generator.core.kinds.merges import ADD, CONCAT, MULTIPLY
from generator.core.kinds.pool import POOL
from generator.core.kinds.prelu import PRELU
from generator.core.kinds.upsample import UPSAMPLE
from generator.core.results import Axis
from generator.spec.models import Conv, Layer, Pool

__all__ = [
    "ENTRIES",
    "KINDS",
    "GeometryError",
    "Incoming",
    "LayerKind",
    "Product",
    "TorchCode",
    "kind_of",
    "window_axes",
]

#: One entry per spec model; notes about kinds (in scripts, under tables) follow this order.
ENTRIES: tuple[LayerKind, ...] = (
    CONV,
    CONV_TRANSPOSE,
    POOL,
    ADAPTIVE_POOL,
    UPSAMPLE,
    CROP,
    DROPOUT,
    LRN_KIND,
    BATCH_NORM,
    ADD,
    CONCAT,
    MULTIPLY,
    ACTIVATION,
    PRELU,
    FLATTEN,
    FC,
    SOFTMAX,
)

#: Every kind, by the ``kind`` value a spec writes.
KINDS: Mapping[str, LayerKind] = {name: entry for entry in ENTRIES for name in entry.names}


def kind_of(layer: Layer) -> LayerKind:
    """The registry's entry for a layer (the spec's validation guarantees there is one)."""
    return KINDS[layer.kind]


def window_axes(layer: Conv | Pool, size: tuple[int, int]) -> tuple[Axis, Axis]:
    """How a windowed layer crosses a ``size`` (height, width) input: spatial work only.

    Raises :class:`GeometryError` when the window does not fit. Input-size sweeps use it instead
    of whole analyses.
    """
    axes = kind_of(layer).axes
    assert axes is not None
    return axes(layer, size)
