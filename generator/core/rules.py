"""One small function per formula of layer arithmetic, exact: ints and Fractions, never floats.

Each docstring states the formula. Sizes are along one spatial axis; the engine applies them to
height and width separately.
"""

from __future__ import annotations

import math
from fractions import Fraction

from generator.spec.models import Rounding


def effective_kernel(kernel: int, dilation: int) -> int:
    """Span of a dilated kernel: ``k_eff = d·(k − 1) + 1``."""
    return dilation * (kernel - 1) + 1


def exact_output_size(
    size: int, kernel: int, stride: int, pad_before: int, pad_after: int
) -> Fraction:
    """Window positions before rounding: ``(n + p_before + p_after − k_eff) / s + 1``.

    ``kernel`` is the effective kernel. For AlexNet's conv1 as the paper states it,
    ``(224 + 0 − 11) / 4 + 1 = 217/4 = 54.25``: not a whole number of positions.
    """
    return Fraction(size + pad_before + pad_after - kernel, stride) + 1


def output_size(
    size: int, kernel: int, stride: int, pad_before: int, pad_after: int, rounding: Rounding
) -> int:
    """Whole window positions under a rounding rule.

    - ``floor``: ``⌊(n + p − k_eff) / s⌋ + 1``, the last partial window is dropped.
    - ``ceil_unclipped``: ``⌈(n + p − k_eff) / s⌉ + 1``, the last window may hang past the edge
      (cuda-convnet; it treats the missing pixels as zeros).
    - ``ceil``: as ``ceil_unclipped``, minus one when the last window would start at or past
      ``n + p_before``, i.e. entirely in the right/bottom padding (PyTorch ``ceil_mode``, Caffe pooling).
    """
    # Integer floor and ceiling of the exact size above: the same numbers without a Fraction,
    # which every engine run (the finder reruns it hundreds of times) would build per layer.
    span = size + pad_before + pad_after - kernel
    if rounding is Rounding.FLOOR:
        return span // stride + 1
    out = -(-span // stride) + 1
    if rounding is Rounding.CEIL and (out - 1) * stride >= size + pad_before:
        out -= 1
    return out


def max_pool_padding(kernel: int) -> int:
    """Most padding a pooling window allows on one side: ``⌊k / 2⌋`` of the undilated kernel.

    PyTorch's limit (``pool2d_shape_check``); its second check, ``p ≤ ⌊k_eff / 2⌋`` of the dilated
    kernel, is never stricter. Caffe instead requires ``p < k``; ONNX has no limit.
    """
    return kernel // 2


def covered_extent(out: int, kernel: int, stride: int) -> int:
    """Pixels from the first window's start to the last window's end: ``(o − 1)·s + k_eff``."""
    return (out - 1) * stride + kernel


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow ``SAME``: output ``⌈n / s⌉``, padding ``max((o − 1)·s + k_eff − n, 0)``, the odd pixel after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def adaptive_window(size: int, out: int, index: int) -> tuple[int, int]:
    """Input range ``[⌊i·n/o⌋, ⌈(i+1)·n/o⌉)`` pooled into output position ``i`` (PyTorch adaptive pooling)."""
    start = (index * size) // out
    end = -(-((index + 1) * size) // out)
    return start, end


def adaptive_max_window(size: int, out: int) -> int:
    """The widest window adaptive pooling uses along an axis of ``n`` inputs and ``o`` outputs."""
    return max(end - start for start, end in (adaptive_window(size, out, i) for i in range(out)))


def conv_weights(in_channels: int, out_channels: int, groups: int, kh: int, kw: int) -> int:
    """Convolution weights: ``C_out · (C_in / g) · k_h · k_w`` (each output sees one group's inputs)."""
    return out_channels * (in_channels // groups) * kh * kw


def conv_macs(
    in_channels: int, out_channels: int, groups: int, kh: int, kw: int, oh: int, ow: int
) -> int:
    """Convolution multiply-accumulates: ``C_out · H_out · W_out · (C_in / g) · k_h · k_w``."""
    return out_channels * oh * ow * (in_channels // groups) * kh * kw


def fc_weights(in_features: int, out_features: int) -> int:
    """Fully connected weights: ``N_in · N_out``; one multiply-accumulate per weight."""
    return in_features * out_features


def receptive_field(previous: Fraction, kernel: int, jump: Fraction) -> Fraction:
    """Input pixels one output sees: ``r_out = r_in + (k_eff − 1) · j_in``."""
    return previous + (kernel - 1) * jump


def next_jump(jump: Fraction, stride: Fraction) -> Fraction:
    """Input pixels between neighbouring outputs (the effective stride): ``j_out = j_in · s``."""
    return jump * stride


# --- transposed convolution ---------------------------------------------------------------------


def transposed_output_size(
    size: int, kernel: int, stride: int, padding: int, output_padding: int, dilation: int
) -> int:
    """Output side of a transposed convolution:
    ``(n − 1)·s − 2·p + d·(k − 1) + output_padding + 1``.

    Each of the ``n`` inputs places a kernel spanning ``d·(k − 1) + 1`` pixels, ``s`` apart; the
    padding is taken off both ends and the output padding added at the end. For FCN's ``upscore2``
    (``k = 4``, ``s = 2``) on 16 inputs: ``15·2 + 3 + 1 = 34``.
    """
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def transposed_taps(kernel: int, dilation: int, stride: int) -> tuple[int, ...]:
    """How many kernel taps reach an output position of each phase ``r = 0 … s − 1`` (position
    mod ``s``, away from the edges): ``#{t < k : t·d ≡ r (mod s)}``.

    The taps of one phase are ``p = s / gcd(d, s)`` apart, so ``gcd(d, s)`` phases share the
    ``k`` taps, ``⌈(k − c)/p⌉`` for the one starting at tap ``c < p``, and the others get none.
    Equal counts (``k`` a multiple of ``s`` when ``d`` and ``s`` are coprime) mean even overlap;
    otherwise neighbouring outputs add up different numbers of products: the checkerboard of
    uneven overlap.
    """
    step = stride // math.gcd(dilation, stride)
    counts = [0] * stride
    for start in range(min(step, kernel)):
        counts[start * dilation % stride] = -(-(kernel - start) // step)
    return tuple(counts)


def transposed_span(kernel: int, dilation: int, stride: int) -> int:
    """Inputs one output of a transposed convolution depends on, along an axis:
    ``(⌈k / p⌉ − 1)·d / g + 1`` with ``g = gcd(d, s)`` and ``p = s / g``.

    The taps reaching one output are ``p`` apart in the kernel, so ``p·d`` pixels apart in the
    output, which is ``p·d / s = d / g`` inputs; ``⌈k / s⌉`` inputs without dilation (FCN's 4×4
    at stride 2: 2).
    """
    common = math.gcd(dilation, stride)
    step = stride // common
    return (-(-kernel // step) - 1) * (dilation // common) + 1


def conv_transpose_weights(
    in_channels: int, out_channels: int, groups: int, kh: int, kw: int
) -> int:
    """Transposed convolution weights: ``C_in · (C_out / g) · k_h · k_w`` (PyTorch's weight is
    ``C_in × C_out/g × k_h × k_w``, Caffe's ``Deconvolution`` blob alike)."""
    return in_channels * (out_channels // groups) * kh * kw


def conv_transpose_macs(
    in_channels: int, height: int, width: int, out_channels: int, groups: int, kh: int, kw: int
) -> int:
    """Transposed convolution multiply-accumulates: ``C_in · H_in · W_in · (C_out / g) · k_h ·
    k_w``, every input value times a kernel, as PyTorch's operation counters count them (the
    products a kernel puts past the cropped edges included)."""
    return in_channels * height * width * (out_channels // groups) * kh * kw


# --- crops, products and upsampling -------------------------------------------------------------


def centre_offset(size: int, target: int) -> int:
    """Where a centred crop of ``m`` from ``n`` starts: ``⌊(n − m) / 2⌋``, the odd pixel after."""
    return (size - target) // 2


def broadcast_size(sizes: tuple[int, ...]) -> int | None:
    """One axis of an element-wise product: the size every input has or stretches from 1 to
    (PyTorch's broadcasting); ``None`` when two inputs differ and neither is 1."""
    wider = {size for size in sizes if size != 1}
    if len(wider) > 1:
        return None
    return wider.pop() if wider else 1


def upsampled_size(size: int, scale: int) -> int:
    """Output side of an upsampling by a whole factor: ``n · s`` (PyTorch's ``⌊n · s⌋``)."""
    return size * scale
