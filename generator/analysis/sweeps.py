"""Which square input sizes a network's windowed layers tile exactly. Pure: no I/O.

A layer tiles its input when its windows cover the padded input with no partial window left over
(the exact output size is a whole number). The arithmetic page lists, for every architecture, the
sizes its first convolution tiles and those every convolution and pooling layer tiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from generator.analysis.readings import first_conv
from generator.core.engine import INPUT, GeometryError, sources, window_axes
from generator.core.results import Analysis, LayerResult
from generator.spec.models import AdaptivePool, Conv, Flatten, FullyConnected, Layer, Pool

#: Square input sizes tried by the sweep.
SWEEP = range(200, 261)


@dataclass(frozen=True, slots=True)
class Sweep:
    """Which square input sizes one architecture's first convolution, and the whole network, tile."""

    analysis: Analysis
    conv: LayerResult
    """The first convolution, as the spec declares it."""
    stated: int
    """The spec's own input height."""
    stated_exact: Fraction
    """The first convolution's exact output height on the spec's own input."""
    conv_sizes: tuple[int, ...]
    network_sizes: tuple[int, ...]


#: What one windowed layer does to one input size: its output size and whether it tiles, or
#: None where the window does not fit. Shared by the sizes of a sweep, which soon meet.
Windows = dict[tuple[int, tuple[int, int]], tuple[tuple[int, int], bool] | None]


def _window(
    layer: Conv | Pool, index: int, spatial: tuple[int, int], memo: Windows
) -> tuple[tuple[int, int], bool] | None:
    key = (index, spatial)
    if key not in memo:
        try:
            axes = window_axes(layer, spatial)
        except GeometryError:
            memo[key] = None
        else:
            memo[key] = ((axes[0].output, axes[1].output), all(a.is_exact for a in axes))
    return memo[key]


def _tiles(
    layers: Sequence[Layer],
    size: int,
    check_from: int = 0,
    stop: int | None = None,
    memo: Windows | None = None,
) -> bool:
    """Whether the windowed layers from ``check_from`` on tile a ``size``×``size`` input exactly.

    Only the spatial sizes are followed, each layer from the inputs it names (a projection
    shortcut and the branch beside it both start from the block's input), so a sweep costs a few
    rule evaluations per size rather than a whole analysis: channels cannot change whether a
    window fits.
    """
    chain = tuple(layers)
    memo = {} if memo is None else memo
    # None once a layer has flattened the map: no window follows on that path.
    sizes: dict[str, tuple[int, int] | None] = {INPUT: (size, size)}
    for index, layer in enumerate(chain[:stop]):
        spatial = sizes[sources(chain, index)[0]]
        if spatial is not None and isinstance(layer, Conv | Pool):
            found = _window(layer, index, spatial, memo)
            if found is None:
                return False
            spatial, exact = found
            if index >= check_from and not exact:
                return False
        elif isinstance(layer, AdaptivePool):
            spatial = layer.output
        elif isinstance(layer, Flatten | FullyConnected):
            spatial = None
        sizes[layer.name] = spatial
    return True


def conv_tiles(analysis: Analysis, size: int, memo: Windows | None = None) -> bool:
    """Whether the first convolution tiles a ``size``×``size`` input exactly."""
    conv = first_conv(analysis)
    if conv is None:
        return False
    return _tiles(analysis.spec.layers, size, conv.index, conv.index + 1, memo)


def network_tiles(analysis: Analysis, size: int, memo: Windows | None = None) -> bool:
    """Whether every windowed layer (conv and pooling) tiles exactly on a ``size``×``size`` input."""
    return _tiles(analysis.spec.layers, size, memo=memo)


@dataclass(frozen=True, slots=True)
class Tiling:
    """The input sizes a network's first convolution tiles, and those the whole network tiles:
    the costly part of a :class:`Sweep`, which the build cache keeps without the network."""

    conv_sizes: tuple[int, ...]
    network_sizes: tuple[int, ...]


def tiling(analysis: Analysis, sizes: Sequence[int] = SWEEP) -> Tiling | None:
    """The sizes of ``sizes`` that ``analysis`` tiles; None for a network without a convolution."""
    conv = first_conv(analysis)
    if conv is None or conv.axes is None:
        return None
    memo: Windows = {}
    return Tiling(
        conv_sizes=tuple(n for n in sizes if conv_tiles(analysis, n, memo)),
        network_sizes=tuple(n for n in sizes if network_tiles(analysis, n, memo)),
    )


def sweep(
    analysis: Analysis, sizes: Sequence[int] = SWEEP, found: Tiling | None = None
) -> Sweep | None:
    """The sizes of ``sizes`` that ``analysis`` tiles; None for a network without a convolution.

    ``found`` is :func:`tiling` of ``analysis`` over ``sizes``, when the caller has it already."""
    conv = first_conv(analysis)
    if conv is None or conv.axes is None:
        return None
    found = tiling(analysis, sizes) if found is None else found
    assert found is not None
    return Sweep(
        analysis=analysis,
        conv=conv,
        stated=analysis.input[1],
        stated_exact=conv.axes[0].exact,
        conv_sizes=found.conv_sizes,
        network_sizes=found.network_sizes,
    )


def nearest_tiling(found: Sweep) -> int | None:
    """The size every layer tiles that is nearest the stated one (the smaller on a tie)."""
    if not found.network_sizes:
        return None
    return min(found.network_sizes, key=lambda n: (abs(n - found.stated), n))
