"""What conv and pooling layers share: a window sliding over height and width. Pure.

How the window crosses each axis (padding resolved, output size rounded, pixels left over or
overhanging), how the receptive field grows through it, and how PyTorch's modules express the
same geometry, which takes explicit zero padding wherever PyTorch lacks the spec's rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from generator.core import formatting, rules
from generator.core.kinds.base import GeometryError, Incoming
from generator.core.results import Axis, LayerResult
from generator.spec.models import MAX_SPATIAL, Conv, Pool, Rounding, Sides

#: Checks a kind makes on one axis: ``(layer, size, kernel, effective kernel, before, after)``.
AxisCheck = Callable[[Conv | Pool, int, int, int, int, int], None]


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


def axes(layer: Conv | Pool, size: tuple[int, int], check: AxisCheck) -> tuple[Axis, Axis]:
    """How ``layer``'s window crosses a ``size`` (height, width) input, after ``check`` per axis."""
    stride = layer.stride or layer.kernel
    effective = tuple(
        rules.effective_kernel(k, d) for k, d in zip(layer.kernel, layer.dilation, strict=True)
    )
    sides = _sides(layer, size, (effective[0], effective[1]), stride)
    pads = ((sides.top, sides.bottom), (sides.left, sides.right))
    found = []
    for n, k, d, k_eff, s, (before, after) in zip(
        size, layer.kernel, layer.dilation, effective, stride, pads, strict=True
    ):
        check(layer, n, k, k_eff, before, after)
        out = rules.output_size(n, k_eff, s, before, after, layer.rounding)
        if out < 1:
            raise GeometryError(
                layer.name,
                "kernel",
                f"the output size would be {out}: kernel {k_eff} does not fit input {n}",
            )
        covered = rules.covered_extent(out, k_eff, s)
        padded = n + before + after
        found.append(
            Axis(
                size=n,
                kernel=k,
                dilation=d,
                effective_kernel=k_eff,
                stride=s,
                pad_before=before,
                pad_after=after,
                rounding=layer.rounding,
                exact=rules.exact_output_size(n, k_eff, s, before, after),
                output=out,
                unused=max(padded - covered, 0),
                overhang=max(covered - padded, 0),
            )
        )
    return found[0], found[1]


def receptive_field(
    incoming: Incoming, found: tuple[Axis, Axis]
) -> tuple[tuple[Fraction, Fraction], tuple[Fraction, Fraction]]:
    """Receptive field and jump after the window: ``r + (k_eff − 1)·j`` and ``j·s`` per axis."""
    rf = tuple(
        rules.receptive_field(r, a.effective_kernel, j)
        for r, a, j in zip(incoming.receptive_field, found, incoming.jump, strict=True)
    )
    jump = tuple(
        rules.next_jump(j, Fraction(a.stride)) for j, a in zip(incoming.jump, found, strict=True)
    )
    return (rf[0], rf[1]), (jump[0], jump[1])


# --- the same geometry in PyTorch ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TorchPadding:
    """How a windowed layer's padding is expressed: in the module, in ZeroPad2d, or both."""

    module: tuple[int, int]
    """Symmetric (height, width) padding passed to the PyTorch module itself."""
    zero: tuple[int, int, int, int] | None
    """``nn.ZeroPad2d((left, right, top, bottom))`` applied first, or ``None``."""
    ceil_mode: bool


def pair(values: tuple[int, int]) -> str:
    """``(3, 3)`` as Python source."""
    return f"({values[0]}, {values[1]})"


def trim(axis: Axis) -> int:
    """Padding pixels to leave out so that floor rounding drops what ``ceil`` drops: usually 0.

    ``ceil`` drops a last window that starts in the right padding even where it fits, which floor
    rounding keeps when ``unused ≥ stride`` (only possible with padding of a kernel or more, so
    never in PyTorch's pooling): ``max(unused − s + 1, 0)``, which is then at most 1.
    """
    return max(axis.unused - axis.stride + 1, 0)


def torch_padding(height: Axis, width: Axis, *, native: bool, ceil_mode: bool) -> TorchPadding:
    """Native PyTorch padding where it expresses the engine's rule, explicit zeros otherwise.

    PyTorch pads symmetrically and knows two roundings: floor, and (pooling only) ``ceil_mode``,
    which is the engine's ``ceil``. Everything else (asymmetric or TensorFlow 'same' padding,
    ``ceil`` convolutions, ``ceil_unclipped``) becomes floor rounding over an input zero-padded on
    the right and bottom by the engine's ``overhang``: the pixels the last window reaches past the
    padded input, so that floor rounding gives exactly the engine's output size. ``native`` is
    false where the module cannot pad at all; ``ceil_mode`` says whether it has PyTorch's ``ceil``.
    """
    symmetric = height.pad_before == height.pad_after and width.pad_before == width.pad_after
    native = native and symmetric and not trim(height) + trim(width)
    if native and ceil_mode and height.rounding is Rounding.CEIL:
        return TorchPadding((height.pad_before, width.pad_before), None, ceil_mode=True)
    if native:
        overhang = (0, width.overhang, 0, height.overhang)
        zero = overhang if any(overhang) else None
        return TorchPadding((height.pad_before, width.pad_before), zero, ceil_mode=False)
    zero = (
        width.pad_before,
        width.pad_after + width.overhang - trim(width),
        height.pad_before,
        height.pad_after + height.overhang - trim(height),
    )
    return TorchPadding((0, 0), zero if any(zero) else None, ceil_mode=False)


def window_args(result: LayerResult, padding: TorchPadding, *, pooling: bool) -> list[str]:
    """``kernel_size=…, stride=…, padding=…, dilation=…``: what a PyTorch module needs said."""
    assert result.axes is not None
    height, width = result.axes
    stride = (height.stride, width.stride)
    dilation = (height.dilation, width.dilation)
    args = [f"kernel_size={pair((height.kernel, width.kernel))}"]
    if stride != (1, 1) or pooling:
        args.append(f"stride={pair(stride)}")
    if padding.module != (0, 0):
        args.append(f"padding={pair(padding.module)}")
    if dilation != (1, 1):
        args.append(f"dilation={pair(dilation)}")
    return args


def zero_padding_comments(height: Axis, width: Axis) -> list[str]:
    """Why the script pads explicitly: the rule or the asymmetry PyTorch modules lack."""
    rounding = height.rounding or Rounding.FLOOR
    comments = []
    if height.overhang or width.overhang:
        rule = {
            Rounding.CEIL_UNCLIPPED: "'ceil_unclipped' rounding (cuda-convnet: up, with no clip)",
            Rounding.CEIL: "'ceil' rounding (up, dropping a window that starts in the padding)",
        }[rounding]
        comments.append(
            f"{rule}, which PyTorch cannot express for this layer: the last window overhangs the "
            f"padded input by {height.overhang} row(s) and {width.overhang} column(s), added here "
            "as zeros on the bottom and right so that PyTorch's floor rounding gives the same size"
        )
    elif trim(height) or trim(width):
        comments.append(
            "'ceil' rounding drops the last window because it starts in the padding, although "
            f"it fits: {trim(height)} row(s) and {trim(width)} column(s) less padding on the "
            "bottom and right make PyTorch's floor rounding drop it too"
        )
    elif rounding is not Rounding.FLOOR:
        comments.append(
            f"'{rounding.value}' rounding: no window overhangs the padded input here, so floor "
            "rounding over the explicit padding gives the same size"
        )
    if (height.pad_before, width.pad_before) != (height.pad_after, width.pad_after):
        comments.append(
            f"asymmetric padding (top {height.pad_before}, bottom {height.pad_after}, "
            f"left {width.pad_before}, right {width.pad_after}), which PyTorch modules lack"
        )
    return comments


# --- the table's shorthand ---------------------------------------------------------------------


def padding_text(layer: Conv | Pool, result: LayerResult) -> str:
    """Padding as declared, resolved to pixels for TensorFlow's ``same``."""
    if result.axes is None:
        return ""
    height, width = result.axes
    sides = (height.pad_before, height.pad_after, width.pad_before, width.pad_after)
    if len(set(sides)) == 1:
        text = str(sides[0])
    elif sides[0] == sides[1] and sides[2] == sides[3]:
        text = f"{sides[0]}×{sides[2]}"
    else:
        text = "t{} b{} l{} r{}".format(*sides)
    return f"same → {text}" if layer.padding == "same" else text


def operation_parts(layer: Conv | Pool, result: LayerResult, *, pooling: bool) -> list[str]:
    """``conv 5×5 s2 p2 d2``: kind, kernel, and each setting that is not the default."""
    kernel = layer.kernel
    parts = [layer.kind, f"{kernel[0]}×{kernel[1]}"]
    stride = layer.stride or layer.kernel
    if stride != (1, 1) or pooling:
        parts.append(f"s{formatting.pair(stride)}")
    pad = padding_text(layer, result)
    if pad not in ("0", ""):
        parts.append(f"p{pad}" if layer.padding != "same" else f"p {pad}")
    if layer.dilation != (1, 1):
        parts.append(f"d{formatting.pair(layer.dilation)}")
    return parts


def numbers(layer: Conv | Pool) -> list[tuple[int, str]]:
    """A window's kernel sizes, strides and (even) padding, as numbers a slip could use."""
    found = [(size, f"{layer.name}'s kernel size") for size in layer.kernel]
    found += [(size, f"{layer.name}'s stride") for size in layer.stride or layer.kernel]
    if isinstance(layer.padding, Sides):
        found.append((layer.padding.top, f"{layer.name}'s padding"))
    return found
