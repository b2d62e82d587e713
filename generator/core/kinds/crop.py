"""``crop``: a layer's output cut to the size of another's (Caffe's ``Crop``, U-Net's centre crop).

It reads two layers: the one it cuts, and a reference whose size it takes on every axis from
``axis`` on (its values are never read). FCN crops its upsampled scores back to the input image
this way, at the offsets that align the two; U-Net crops each skip connection to the upsampled
map, centred. No parameters, no multiply-accumulates; the receptive field and the jump are those
of the layer cut, whose values pass through unchanged.
"""

from __future__ import annotations

from generator.core import formatting, rules
from generator.core.kinds.base import GeometryError, Incoming, LayerKind, TorchCode
from generator.core.results import LayerResult, Shape
from generator.spec.models import CROP_AXES, Crop, Layer

#: ``torch.nn`` has no crop to another tensor's size: the script defines this module.
CROP_MODULE = '''\
class Crop(nn.Module):
    """Its first input cut to the second's size on every dimension from dim on, starting at
    offsets (Caffe's Crop); the second input's values are not read. No parameters."""

    def __init__(self, dim: int, offsets: tuple[int, ...]) -> None:
        super().__init__()
        self.dim, self.offsets = dim, offsets

    def forward(self, x: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
        for dim, offset in enumerate(self.offsets, start=self.dim):
            x = x.narrow(dim, offset, reference.shape[dim])
        return x'''


def offsets(layer: Crop, shape: Shape, reference: Shape) -> tuple[int, ...]:
    """Where the window starts on each axis cut, from ``axis`` on: the spec's offsets (one given
    for all), or the centre's, ``⌊(n − m) / 2⌋``."""
    first = CROP_AXES.index(layer.axis)
    if layer.offset == "centre":
        return tuple(
            rules.centre_offset(n, m) for n, m in zip(shape[first:], reference[first:], strict=True)
        )
    return layer.offset * (len(CROP_AXES) - first) if len(layer.offset) == 1 else layer.offset


def _check(layer: Crop, shape: Shape, reference: Shape, starts: tuple[int, ...]) -> None:
    first = CROP_AXES.index(layer.axis)
    for axis, n, m, start in zip(
        CROP_AXES[first:], shape[first:], reference[first:], starts, strict=True
    ):
        if m > n:
            raise GeometryError(
                layer.name,
                "inputs",
                f"the reference's {axis} is {m}, more than the {n} of the input it crops",
            )
        if start + m > n:
            raise GeometryError(
                layer.name,
                "offset",
                f"a crop of {m} starting at {start} ends at {start + m}, past the input's {axis} "
                f"of {n}: at most offset {n - m}",
            )


def crop(index: int, layer: Layer, incomings: tuple[Incoming, ...]) -> LayerResult:
    """Output: the first input's shape up to ``axis``, the reference's from it on."""
    assert isinstance(layer, Crop)
    if len(incomings) != 2:
        raise GeometryError(
            layer.name,
            "inputs",
            f"a crop reads two layers, the one it cuts and the one whose size it takes, got "
            f"{len(incomings)}: name both in 'inputs'",
        )
    cut, reference = incomings
    if len(cut.shape) != 3 or len(reference.shape) != 3:
        got = " and ".join(formatting.shape(i.shape) for i in incomings)
        raise GeometryError(layer.name, "inputs", f"a crop needs two C×H×W inputs, got {got}")
    starts = offsets(layer, cut.shape, reference.shape)
    _check(layer, cut.shape, reference.shape, starts)
    first = CROP_AXES.index(layer.axis)
    return LayerResult(
        index=index,
        layer=layer,
        input=cut.shape,
        output=(*cut.shape[:first], *reference.shape[first:]),
        axes=None,
        counts_as_neurons=False,
        weights=0,
        biases=0,
        macs=0,
        receptive_field=cut.receptive_field,
        jump=cut.jump,
        towers=cut.towers,
        cross_tower=False,
    )


def _one(index: int, layer: Layer, incoming: Incoming) -> LayerResult:
    return crop(index, layer, (incoming,))


def torch(result: LayerResult) -> TorchCode:
    layer = result.layer
    assert isinstance(layer, Crop)
    shape, reference = result.input_shapes
    starts = offsets(layer, shape, reference)
    dim = CROP_AXES.index(layer.axis) + 1  # after the batch
    return TorchCode((f"Crop({dim}, {starts!r})",), helpers=(CROP_MODULE,))


def operation(result: LayerResult) -> str:
    """``crop to data at 31``, ``crop to up1 centred``: the reference, and where the window is."""
    layer = result.layer
    assert isinstance(layer, Crop)
    reference = result.inputs[1] if len(result.inputs) > 1 else "?"
    where = "" if layer.axis == "height" else f" from {layer.axis}"
    if layer.offset == "centre":
        return f"crop to {reference}{where} centred"
    starts = offsets(layer, result.input_shapes[0], result.input_shapes[1])
    at = str(starts[0]) if len(set(starts)) == 1 else "×".join(map(str, starts))
    return f"crop to {reference}{where} at {at}"


CROP = LayerKind(
    names=("crop",),
    model=Crop,
    compute=_one,
    merge=crop,
    torch=torch,
    operation=operation,
    colour="#9c6b4e",
)
