"""The shape engine: folds the per-kind rules over a spec's layers. Pure: no I/O, exact numbers.

A layer's computation only needs the previous layer's output (shape, receptive field, towers), so
the engine is a left fold over the layer list with one small function per layer kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from generator.core import rules
from generator.core.results import Analysis, Axis, LayerResult, Shape, Totals
from generator.spec.models import (
    LRN,
    MAX_SPATIAL,
    Activation,
    AdaptivePool,
    Conv,
    Dropout,
    Flatten,
    FullyConnected,
    Layer,
    Pool,
    Rounding,
    Sides,
    Softmax,
    Spec,
)


class GeometryError(Exception):
    """A layer that cannot be computed (kernel larger than its input, channels not divisible...).

    The engine knows layers and fields but not files; the loader turns this into a
    :class:`~generator.spec.errors.SpecError` with the file and line.
    """

    def __init__(self, layer: str, field: str, message: str) -> None:
        super().__init__(message)
        self.layer = layer
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class _State:
    """What the next layer needs to know about the output so far."""

    shape: Shape
    receptive_field: tuple[Fraction, Fraction]
    jump: tuple[Fraction, Fraction]
    towers: int
    spatial: tuple[int, int]
    """Height and width of the last volume, kept through flatten for the fc receptive field."""


def analyse(name: str, spec: Spec) -> Analysis:
    """Work out every layer of ``spec``; raises :class:`GeometryError` on impossible geometry."""
    _, height, width = spec.input
    one = Fraction(1)
    state = _State(spec.input, (one, one), (one, one), 1, (height, width))
    results: list[LayerResult] = []
    for index, layer in enumerate(spec.layers):
        result = _layer(index, layer, state, spec.towers)
        results.append(result)
        state = _State(
            result.output,
            result.receptive_field,
            result.jump,
            result.towers,
            _spatial(result, state),
        )
    return Analysis(name, spec, tuple(results), _totals(results))


def _spatial(result: LayerResult, before: _State) -> tuple[int, int]:
    """Positions still to be covered by a later fc layer: none once an fc layer has seen them all."""
    if len(result.output) == 3:
        return result.output[1], result.output[2]
    if isinstance(result.layer, FullyConnected):
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


def _layer(index: int, layer: Layer, state: _State, spec_towers: int) -> LayerResult:
    match layer:
        case Conv():
            return _conv(index, layer, state, spec_towers)
        case Pool():
            return _pool(index, layer, state)
        case AdaptivePool():
            return _adaptive_pool(index, layer, state)
        case FullyConnected():
            return _fc(index, layer, state, spec_towers)
        case Flatten():
            return _passthrough(index, layer, state, (_volume(state.shape),))
        case LRN() | Activation() | Dropout() | Softmax():
            return _passthrough(index, layer, state, state.shape)
    raise AssertionError(f"unhandled layer kind {layer.kind}")  # pragma: no cover


def _volume(shape: Shape) -> int:
    total = 1
    for size in shape:
        total *= size
    return total


def _require_volume(layer: Layer, state: _State) -> tuple[int, int, int]:
    if len(state.shape) != 3:
        raise GeometryError(
            layer.name,
            "kind",
            f"a {layer.kind} layer needs a C×H×W input, got a vector of {state.shape[0]:,}",
        )
    c, h, w = state.shape
    return c, h, w


def _passthrough(index: int, layer: Layer, state: _State, output: Shape) -> LayerResult:
    return LayerResult(
        index=index,
        layer=layer,
        input=state.shape,
        output=output,
        axes=None,
        counts_as_neurons=False,
        weights=0,
        biases=0,
        macs=0,
        receptive_field=state.receptive_field,
        jump=state.jump,
        towers=state.towers,
        cross_tower=False,
    )


def _sides(
    layer: Conv | Pool, size: tuple[int, int], kernel: tuple[int, int], stride: tuple[int, int]
) -> Sides:
    """Resolve ``same``/``valid`` to pixels; TensorFlow's rule depends on the input size."""
    if layer.padding == "valid":
        return Sides()
    if layer.padding == "same":
        top, bottom = rules.same_padding(size[0], kernel[0], stride[0])
        left, right = rules.same_padding(size[1], kernel[1], stride[1])
        if max(bottom, right) > MAX_SPATIAL:
            raise GeometryError(
                layer.name,
                "dilation",
                f"'same' padding would add {max(bottom, right):,} pixels on a side for a kernel "
                f"spanning {max(kernel):,} dilated pixels; at most {MAX_SPATIAL:,} make sense",
            )
        return Sides(top=top, bottom=bottom, left=left, right=right)
    return layer.padding


def window_axes(layer: Conv | Pool, size: tuple[int, int]) -> tuple[Axis, Axis]:
    """How ``layer``'s window crosses a ``size`` (height, width) input; spatial work only.

    Raises :class:`GeometryError` when the window does not fit. Used to sweep input sizes without
    running whole analyses.
    """
    stride = layer.stride if isinstance(layer, Conv) else (layer.stride or layer.kernel)
    return _axes(layer, size, stride, layer.rounding)


def _axes(
    layer: Conv | Pool, size: tuple[int, int], stride: tuple[int, int], rounding: Rounding
) -> tuple[Axis, Axis]:

    effective = tuple(
        rules.effective_kernel(k, d) for k, d in zip(layer.kernel, layer.dilation, strict=True)
    )
    sides = _sides(layer, size, (effective[0], effective[1]), stride)
    pads = ((sides.top, sides.bottom), (sides.left, sides.right))
    axes = []
    for n, k, d, k_eff, s, (before, after) in zip(
        size, layer.kernel, layer.dilation, effective, stride, pads, strict=True
    ):
        _check_axis(layer, n, k, k_eff, before, after)
        out = rules.output_size(n, k_eff, s, before, after, rounding)
        if out < 1:
            raise GeometryError(
                layer.name,
                "kernel",
                f"the output size would be {out}: kernel {k_eff} does not fit input {n}",
            )
        covered = rules.covered_extent(out, k_eff, s)
        padded = n + before + after
        axes.append(
            Axis(
                size=n,
                kernel=k,
                dilation=d,
                effective_kernel=k_eff,
                stride=s,
                pad_before=before,
                pad_after=after,
                rounding=rounding,
                exact=rules.exact_output_size(n, k_eff, s, before, after),
                output=out,
                unused=max(padded - covered, 0),
                overhang=max(covered - padded, 0),
            )
        )
    return axes[0], axes[1]


def _check_axis(
    layer: Conv | Pool, size: int, kernel: int, k_eff: int, before: int, after: int
) -> None:
    if isinstance(layer, Conv) and k_eff > size + before + after:
        raise GeometryError(
            layer.name,
            "kernel",
            f"kernel spans {k_eff} pixels but the padded input is only {size + before + after} "
            f"({size} + {before} + {after})",
        )
    if isinstance(layer, Pool) and max(before, after) > rules.max_pool_padding(kernel):
        dilated = f", {k_eff} pixels dilated" if k_eff != kernel else ""
        raise GeometryError(
            layer.name,
            "padding",
            f"padding {max(before, after)} is more than half the kernel ({kernel}{dilated}): "
            "PyTorch allows at most half the undilated kernel on each side",
        )


def _windowed_receptive_field(
    state: _State, axes: tuple[Axis, Axis]
) -> tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]:
    rf = tuple(
        rules.receptive_field(r, a.effective_kernel, j)
        for r, a, j in zip(state.receptive_field, axes, state.jump, strict=True)
    )
    jump = tuple(
        rules.next_jump(j, Fraction(a.stride)) for j, a in zip(state.jump, axes, strict=True)
    )
    return (rf[0], rf[1]), (jump[0], jump[1])


def _conv(index: int, layer: Conv, state: _State, spec_towers: int) -> LayerResult:
    c, h, w = _require_volume(layer, state)
    if c % layer.groups:
        raise GeometryError(
            layer.name, "groups", f"{c} input channels do not split into {layer.groups} groups"
        )
    if layer.out_channels % layer.groups:
        raise GeometryError(
            layer.name,
            "out_channels",
            f"{layer.out_channels} output channels do not split into {layer.groups} groups",
        )
    towers = layer.towers or spec_towers
    if layer.out_channels % towers:
        raise GeometryError(
            layer.name,
            "towers",
            f"{layer.out_channels} output channels do not split across {towers} towers",
        )
    axes = _axes(layer, (h, w), layer.stride, layer.rounding)
    oh, ow = axes[0].output, axes[1].output
    kh, kw = layer.kernel
    rf, jump = _windowed_receptive_field(state, axes)
    return LayerResult(
        index=index,
        layer=layer,
        input=state.shape,
        output=(layer.out_channels, oh, ow),
        axes=axes,
        counts_as_neurons=True,
        weights=rules.conv_weights(c, layer.out_channels, layer.groups, kh, kw),
        biases=layer.out_channels if layer.bias else 0,
        macs=rules.conv_macs(c, layer.out_channels, layer.groups, kh, kw, oh, ow),
        receptive_field=rf,
        jump=jump,
        towers=towers,
        cross_tower=state.towers > 1 and layer.groups % state.towers != 0,
    )


def _pool(index: int, layer: Pool, state: _State) -> LayerResult:
    c, h, w = _require_volume(layer, state)
    stride = layer.stride or layer.kernel
    axes = _axes(layer, (h, w), stride, layer.rounding)
    rf, jump = _windowed_receptive_field(state, axes)
    return LayerResult(
        index=index,
        layer=layer,
        input=state.shape,
        output=(c, axes[0].output, axes[1].output),
        axes=axes,
        counts_as_neurons=False,
        weights=0,
        biases=0,
        macs=0,
        receptive_field=rf,
        jump=jump,
        towers=state.towers,
        cross_tower=False,
    )


def _adaptive_pool(index: int, layer: AdaptivePool, state: _State) -> LayerResult:
    c, h, w = _require_volume(layer, state)
    oh, ow = layer.output
    widest = (rules.adaptive_max_window(h, oh), rules.adaptive_max_window(w, ow))
    rf = tuple(
        rules.receptive_field(r, k, j)
        for r, k, j in zip(state.receptive_field, widest, state.jump, strict=True)
    )
    jump = tuple(
        rules.next_jump(j, Fraction(n, o))
        for j, n, o in zip(state.jump, (h, w), (oh, ow), strict=True)
    )
    return LayerResult(
        index=index,
        layer=layer,
        input=state.shape,
        output=(c, oh, ow),
        axes=None,
        counts_as_neurons=False,
        weights=0,
        biases=0,
        macs=0,
        receptive_field=(rf[0], rf[1]),
        jump=(jump[0], jump[1]),
        towers=state.towers,
        cross_tower=False,
    )


def _fc(index: int, layer: FullyConnected, state: _State, spec_towers: int) -> LayerResult:
    inputs = _volume(state.shape)
    towers = layer.towers or spec_towers
    if layer.out_features % towers:
        raise GeometryError(
            layer.name,
            "towers",
            f"{layer.out_features} outputs do not split across {towers} towers",
        )
    # Every output sees every input: the receptive field spans all positions of the last volume.
    rf = tuple(
        rules.receptive_field(r, n, j)
        for r, n, j in zip(state.receptive_field, state.spatial, state.jump, strict=True)
    )
    return LayerResult(
        index=index,
        layer=layer,
        input=state.shape,
        output=(layer.out_features,),
        axes=None,
        counts_as_neurons=True,
        weights=rules.fc_weights(inputs, layer.out_features),
        biases=layer.out_features if layer.bias else 0,
        macs=rules.fc_weights(inputs, layer.out_features),
        receptive_field=(rf[0], rf[1]),
        jump=state.jump,
        towers=towers,
        cross_tower=state.towers > 1,
    )
