"""The input-size sweep follows each layer's inputs, and agrees with the whole engine.

The arithmetic page lists the square input sizes on which every conv and pooling layer of a
network tiles its input exactly. The sweep follows only spatial sizes, for speed; the oracle here
is the engine itself, run on the network with each input size.
"""

from __future__ import annotations

import pytest

from generator.analysis import sweeps
from generator.core import engine
from generator.core.results import Analysis
from generator.spec.models import Spec
from tests.helpers import SHIPPED


def tiles_by_engine(analysis: Analysis, size: int) -> bool:
    """Whether every windowed layer is exact when the engine runs the network on ``size``×``size``."""
    channels = analysis.input[0]
    spec = analysis.spec.model_copy(update={"input": (channels, size, size)})
    try:
        found = engine.analyse(analysis.name, spec)
    except engine.GeometryError:
        return False
    return all(axis.is_exact for r in found.layers if r.axes for axis in r.axes)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_sweep_agrees_with_the_engine(name: str, analyses: dict[str, Analysis]) -> None:
    analysis = analyses[name]
    found = sweeps.sweep(analysis)
    if found is None:
        pytest.skip(f"{name} has no convolution")
    assert found.network_sizes == tuple(n for n in sweeps.SWEEP if tiles_by_engine(analysis, n)), (
        name
    )


def test_a_shortcut_and_its_branch_both_start_from_the_block_input() -> None:
    # Both stride-2 layers read the 8×8 input: 4×4 each. Followed one after the other they would
    # give 2×2 and call a 6×6 input exact where the engine does not.
    spec = Spec.model_validate(
        {
            "title": "Two strided paths",
            "summary": "A projection shortcut beside a strided branch.",
            "input": [4, 8, 8],
            "sources": {"s": {"citation": "none", "url": "https://tiny.test", "states": "-"}},
            "layers": [
                {"name": "short", "kind": "conv", "out_channels": 4, "kernel": 1, "stride": 2},
                {
                    "name": "branch",
                    "kind": "conv",
                    "out_channels": 4,
                    "kernel": 3,
                    "stride": 2,
                    "padding": 1,
                    "inputs": ["input"],
                },
                {"name": "sum", "kind": "add", "inputs": ["short", "branch"]},
            ],
        }
    )
    analysis = engine.analyse("two-paths", spec)
    for size in (6, 7, 8, 9, 10):
        assert sweeps.network_tiles(analysis, size) == tiles_by_engine(analysis, size), size
