"""The shape engine: a spec's layers worked out in order. Pure: no I/O, exact numbers.

A layer's computation only needs the output it reads (shape, receptive field, towers), so the
engine folds over the layer list, handing each layer to its kind's entry in the registry
(:mod:`generator.core.kinds`).
"""

from __future__ import annotations

from fractions import Fraction

from generator.core.kinds import GeometryError, Incoming, kind_of, window_axes
from generator.core.results import Analysis, LayerResult, Totals
from generator.spec.models import Spec

# Imported from here by the loader, the finder and the sweeps: the engine's error and the one
# piece of a layer's geometry that is useful without running a whole analysis.
__all__ = ["GeometryError", "analyse", "window_axes"]


def analyse(name: str, spec: Spec) -> Analysis:
    """Work out every layer of ``spec``; raises :class:`GeometryError` on impossible geometry."""
    _, height, width = spec.input
    one = Fraction(1)
    incoming = Incoming(spec.input, (one, one), (one, one), 1, (height, width), spec.towers)
    results: list[LayerResult] = []
    for index, layer in enumerate(spec.layers):
        kind = kind_of(layer)
        result = kind.compute(index, layer, incoming)
        results.append(result)
        incoming = Incoming(
            result.output,
            result.receptive_field,
            result.jump,
            result.towers,
            _spatial(result, incoming, dense=kind.dense),
            spec.towers,
        )
    return Analysis(name, spec, tuple(results), _totals(results))


def _spatial(result: LayerResult, before: Incoming, *, dense: bool) -> tuple[int, int]:
    """Positions still to be covered by a later fc layer: none once a dense layer saw them all."""
    if len(result.output) == 3:
        return result.output[1], result.output[2]
    if dense:
        return 1, 1
    return before.spatial


def _totals(results: list[LayerResult]) -> Totals:
    return Totals(
        neurons=sum(r.neurons for r in results),
        params=sum(r.params for r in results),
        weights=sum(r.weights for r in results),
        biases=sum(r.biases for r in results),
        macs=sum(r.macs for r in results),
        activations=sum(r.activations for r in results),
    )
