"""Properties every shipped spec must have, whatever its numbers."""

from __future__ import annotations

import pytest

from generator.core.results import Analysis
from tests.conftest import SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_per_layer_sums_equal_the_totals(name: str, analyses: dict[str, Analysis]) -> None:
    analysis = analyses[name]
    totals = analysis.totals
    assert sum(r.neurons for r in analysis.layers) == totals.neurons
    assert sum(r.params for r in analysis.layers) == totals.params
    assert sum(r.macs for r in analysis.layers) == totals.macs
    assert totals.params == totals.weights + totals.biases


@pytest.mark.parametrize("name", SHIPPED)
def test_each_layer_reads_the_previous_output(name: str, analyses: dict[str, Analysis]) -> None:
    analysis = analyses[name]
    assert analysis.layers[0].input == analysis.input
    for before, after in zip(analysis.layers, analysis.layers[1:], strict=False):
        assert after.input == before.output, after.name


@pytest.mark.parametrize("name", SHIPPED)
def test_neurons_are_conv_and_fc_outputs(name: str, analyses: dict[str, Analysis]) -> None:
    for r in analyses[name].layers:
        assert r.counts_as_neurons == (r.kind in ("conv", "fc"))
        if r.counts_as_neurons:
            assert r.neurons == r.activations


@pytest.mark.parametrize("name", SHIPPED)
def test_windowed_layers_round_their_exact_size_by_their_rule(
    name: str, analyses: dict[str, Analysis]
) -> None:
    for r in analyses[name].layers:
        for axis in r.axes or ():
            assert axis.output - 1 <= axis.exact <= axis.output + 1
            assert (
                axis.output - 1
            ) * axis.stride + axis.effective_kernel == axis.padded - axis.unused + axis.overhang
