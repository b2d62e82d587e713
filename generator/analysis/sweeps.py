"""Which square input sizes a network's windowed layers tile exactly. Pure: no I/O.

A layer tiles its input when its windows cover the padded input with no partial window left over
(the exact output size is a whole number). The arithmetic page lists, for every architecture, the
sizes its first convolution tiles and those every convolution and pooling layer tiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from generator.analysis.versions import first_conv
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


def _tiles(
    layers: Sequence[Layer],
    size: int,
    check_from: int = 0,
    stop: int | None = None,
) -> bool:
    """Whether the windowed layers from ``check_from`` on tile a ``size``×``size`` input exactly.

    Only the spatial sizes are followed, each layer from the inputs it names (a projection
    shortcut and the branch beside it both start from the block's input), so a sweep costs a few
    rule evaluations per size rather than a whole analysis: channels cannot change whether a
    window fits.
    """
    chain = tuple(layers)
    # None once a layer has flattened the map: no window follows on that path.
    sizes: dict[str, tuple[int, int] | None] = {INPUT: (size, size)}
    for index, layer in enumerate(chain[:stop]):
        spatial = sizes[sources(chain, index)[0]]
        if spatial is not None and isinstance(layer, Conv | Pool):
            try:
                axes = window_axes(layer, spatial)
            except GeometryError:
                return False
            spatial = (axes[0].output, axes[1].output)
            if index >= check_from and not all(a.is_exact for a in axes):
                return False
        elif isinstance(layer, AdaptivePool):
            spatial = layer.output
        elif isinstance(layer, Flatten | FullyConnected):
            spatial = None
        sizes[layer.name] = spatial
    return True


def conv_tiles(analysis: Analysis, size: int) -> bool:
    """Whether the first convolution tiles a ``size``×``size`` input exactly."""
    conv = first_conv(analysis)
    if conv is None:
        return False
    return _tiles(analysis.spec.layers, size, conv.index, conv.index + 1)


def network_tiles(analysis: Analysis, size: int) -> bool:
    """Whether every windowed layer (conv and pooling) tiles exactly on a ``size``×``size`` input."""
    return _tiles(analysis.spec.layers, size)


def sweep(analysis: Analysis, sizes: Sequence[int] = SWEEP) -> Sweep | None:
    """The sizes of ``sizes`` that ``analysis`` tiles; None for a network without a convolution."""
    conv = first_conv(analysis)
    if conv is None or conv.axes is None:
        return None
    return Sweep(
        analysis=analysis,
        conv=conv,
        stated=analysis.input[1],
        stated_exact=conv.axes[0].exact,
        conv_sizes=tuple(n for n in sizes if conv_tiles(analysis, n)),
        network_sizes=tuple(n for n in sizes if network_tiles(analysis, n)),
    )


def nearest_tiling(found: Sweep) -> int | None:
    """The size every layer tiles that is nearest the stated one (the smaller on a tie)."""
    if not found.network_sizes:
        return None
    return min(found.network_sizes, key=lambda n: (abs(n - found.stated), n))
