"""Versions of a network: the same spec under the rules other frameworks (or authors) would apply.

The AlexNet paper states a 224×224 input, an 11×11 kernel and stride 4 for conv1, which does not
tile: each framework's rounding, and each proposed fix (a 227 input, padding), gives a different
network. A version is a named change to the spec, recomputed by the engine, so every later layer
and every total follows from it; the pages say in words what each key changes
(:mod:`generator.render.phrasing`). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.core import engine, rules
from generator.core.results import Analysis, Axis, LayerResult
from generator.spec.models import Conv, Layer, Pool, Rounding, Sides, Spec


@dataclass(frozen=True, slots=True)
class Version:
    """The spec with one named change, and the network it gives (or why it gives none)."""

    key: str
    """Which change (:data:`VERSIONS`): ``floor``, ``cuda-convnet``, ``input-227`` …"""
    analysis: Analysis | None
    problem: str | None = None
    """Why the engine gives no network: the layer and the engine's message."""

    @property
    def first_conv(self) -> LayerResult | None:
        return None if self.analysis is None else first_conv(self.analysis)


def first_conv(analysis: Analysis) -> LayerResult | None:
    """The network's first convolution: the layer the AlexNet question is about."""
    return next((r for r in analysis.layers if isinstance(r.layer, Conv)), None)


def rounded_down(axis: Axis) -> int:
    """The axis's output size under the floor rule, whatever rule the layer declares."""
    return rules.output_size(
        axis.size,
        axis.effective_kernel,
        axis.stride,
        axis.pad_before,
        axis.pad_after,
        Rounding.FLOOR,
    )


def _rounding(spec: Spec, conv: Rounding, pool: Rounding) -> Spec:
    layers: list[Layer] = []
    for layer in spec.layers:
        if isinstance(layer, Conv):
            layers.append(layer.model_copy(update={"rounding": conv}))
        elif isinstance(layer, Pool):
            layers.append(layer.model_copy(update={"rounding": pool}))
        else:
            layers.append(layer)
    return spec.model_copy(update={"layers": tuple(layers)})


def _first_conv_padding(spec: Spec, sides: Sides) -> Spec:
    index = next(i for i, layer in enumerate(spec.layers) if isinstance(layer, Conv))
    layers = list(spec.layers)
    layers[index] = layers[index].model_copy(update={"padding": sides})
    return spec.model_copy(update={"layers": tuple(layers)})


def _input_size(spec: Spec, size: int) -> Spec:
    return spec.model_copy(update={"input": (spec.input[0], size, size)})


def _floor(spec: Spec) -> Spec:
    return _rounding(spec, Rounding.FLOOR, Rounding.FLOOR)


#: The versions of the paper's network, by key, in the order a reader meets them: as written and
#: rounded down, as the authors ran it (every size rounded up), a 227 input, padding 2 on conv1
#: (torchvision), three pixels of padding after the image (CS231n's guess), Caffe's ceil pooling.
VERSIONS: tuple[tuple[str, Callable[[Spec], Spec]], ...] = (
    ("floor", _floor),
    (
        "cuda-convnet",
        lambda spec: _rounding(spec, Rounding.CEIL_UNCLIPPED, Rounding.CEIL_UNCLIPPED),
    ),
    ("input-227", lambda spec: _floor(_input_size(spec, 227))),
    (
        "padding-2",
        lambda spec: _floor(_first_conv_padding(spec, Sides(top=2, bottom=2, left=2, right=2))),
    ),
    ("padding-3", lambda spec: _floor(_first_conv_padding(spec, Sides(bottom=3, right=3)))),
    ("caffe-pooling", lambda spec: _rounding(spec, Rounding.FLOOR, Rounding.CEIL)),
)


def versions(analysis: Analysis) -> tuple[Version, ...]:
    """Every version of ``analysis``'s spec, each worked out by the engine."""
    found = []
    for key, change in VERSIONS:
        try:
            result: Analysis | None = engine.analyse(analysis.name, change(analysis.spec))
            problem = None
        except engine.GeometryError as error:
            result, problem = None, f"layer {error.layer!r}: {error.message}"
        found.append(Version(key, result, problem))
    return tuple(found)
