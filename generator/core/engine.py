"""The shape engine: a spec's layers worked out in order. Pure: no I/O, exact numbers.

A network is a graph written in order: each layer reads the outputs it names in ``inputs`` (or,
by default, the layer written before it), and every name it reads is written earlier, so the order
of the file is always an order in which the graph can be computed. The engine walks it once,
keeping each layer's output by name, and hands each layer to its kind's entry in the registry
(:mod:`generator.core.kinds`).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from generator.core.kinds import GeometryError, Incoming, kind_of, window_axes
from generator.core.results import Analysis, LayerResult, Totals
from generator.spec.models import Layer, Spec

# Imported from here by the loader, the finder and the sweeps: the engine's error and the one
# piece of a layer's geometry that is useful without running a whole analysis.
__all__ = ["INPUT", "GeometryError", "analyse", "sources", "window_axes"]

#: The name under which layers read the network's input.
INPUT = "input"


def sources(layers: tuple[Layer, ...], index: int) -> tuple[str, ...]:
    """The names layer ``index`` reads: its ``inputs``, else the layer before it (or the input)."""
    layer = layers[index]
    if layer.inputs is not None:
        return layer.inputs
    return (layers[index - 1].name,) if index else (INPUT,)


def analyse(name: str, spec: Spec) -> Analysis:
    """Work out every layer of ``spec``; raises :class:`GeometryError` on impossible geometry.

    The loader has checked that every name a layer reads is written before it.
    """
    _, height, width = spec.input
    one = Fraction(1)
    outputs = {INPUT: Incoming(spec.input, (one, one), (one, one), 1, (height, width), spec.towers)}
    results: list[LayerResult] = []
    for index, layer in enumerate(spec.layers):
        names = sources(spec.layers, index)
        incomings = tuple(outputs[n] for n in names)
        kind = kind_of(layer)
        if kind.merge is not None:
            result = kind.merge(index, layer, incomings)
        else:
            result = kind.compute(index, layer, incomings[0])
        result = dataclasses.replace(
            result, inputs=names, input_shapes=tuple(i.shape for i in incomings)
        )
        results.append(result)
        outputs[layer.name] = Incoming(
            result.output,
            result.receptive_field,
            result.jump,
            result.towers,
            _spatial(result, incomings, dense=kind.dense),
            spec.towers,
        )
    return Analysis(name, spec, tuple(results), Totals.of(results))


def _spatial(
    result: LayerResult, incomings: tuple[Incoming, ...], *, dense: bool
) -> tuple[int, int]:
    """Positions still to be covered by a later fc layer: none once a dense layer saw them all."""
    if len(result.output) == 3:
        return result.output[1], result.output[2]
    if dense:
        return 1, 1
    return max(i.spatial[0] for i in incomings), max(i.spatial[1] for i in incomings)
