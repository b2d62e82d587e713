"""Each operation counter's number for a network, predicted from the engine's layers. Pure, exact.

A counter (fvcore, ``torch.utils.flop_counter``, ptflops, thop, torchinfo) runs the page's PyTorch
script and applies its own rule to each module it meets. The rules are data in
:mod:`generator.core.counters`; this module finds the modules each layer is built from (the kind
registry's PyTorch code, which the script is written from), works out the few counts a rule
multiplies (output values, input values after padding, biased outputs, pooling windows) from the
engine's shapes, and adds them up.

The result is the counter's number to the integer, set against the site's own count and broken
into named terms: ``714,682,664 = 714,188,480 (the site's MACs) + 494,184 (biases)``.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

from generator.core import rules
from generator.core.counters import SITE, TOOLS, Baseline, Measure, Op, Tool, Unit
from generator.core.kinds import kind_of
from generator.core.results import Analysis, LayerResult, Shape

__all__ = [
    "NONE",
    "LayerPrediction",
    "ModuleCall",
    "Prediction",
    "Predictions",
    "Term",
    "TermPart",
    "UnknownModule",
    "json_entry",
    "module_calls",
    "predict",
    "predict_all",
    "predict_layers",
    "predictions",
]


class UnknownModule(ValueError):
    """A layer is built from a module that no counter's rules know."""


class Term(NamedTuple):
    """One named part of a counter's difference from the site's count."""

    name: str
    value: int


class TermPart(NamedTuple):
    """How one module type makes up (part of) a term: ``per × quantity``, summed over its calls."""

    term: str
    op: Op
    quantity: Measure
    per: int
    value: int


@dataclass(frozen=True, slots=True)
class Prediction:
    """What one counter reports for one network, and why it differs from the site's count."""

    tool: str
    """The counter's :attr:`~generator.core.counters.Tool.name`."""
    unit: Unit
    total: int
    """The number the counter reports (for batch 1)."""
    params: int | None
    """Its parameter count, or ``None`` when it reports none."""
    baseline: int
    """The site's count it is set against: multiply-accumulates, or neurons for activations."""
    terms: tuple[Term, ...]
    """``total − baseline`` in named parts, in the order of the rules; none of them is 0."""
    parts: tuple[TermPart, ...] = ()
    """Each term by the modules it comes from and the rule's count: ReLU, 2 per output value."""
    uncounted_biases: int = 0
    """The network's biased outputs (one bias addition each) when the counter counts none of
    them; 0 when it counts them or the network has no bias."""

    def parts_of(self, term: str) -> tuple[TermPart, ...]:
        """The parts of one of :attr:`terms`, by module."""
        return tuple(part for part in self.parts if part.term == term)


@dataclass(frozen=True, slots=True)
class LayerPrediction:
    """What one counter counts for one layer (the sum over the modules it is built from)."""

    layer: str
    kind: str
    total: int
    terms: tuple[Term, ...]
    """``total`` in named parts, the site's own count included under its name."""


@dataclass(frozen=True, slots=True)
class ModuleCall:
    """One module of a layer as the script builds and runs it, with the shapes it sees."""

    op: Op
    args: tuple[object, ...]
    kwargs: tuple[tuple[str, object], ...]
    inputs: tuple[Shape, ...]
    """The shapes it receives (batch dimension left out); more than one for a merge."""
    output: Shape

    def arg(self, index: int, name: str, default: object = None) -> object:
        """An argument given by position or by name, as written in the script."""
        if index < len(self.args):
            return self.args[index]
        return dict(self.kwargs).get(name, default)


# --- the modules a layer is made of ---------------------------------------------------------------

#: Modules whose output has their input's shape.
_SHAPE_KEEPING = frozenset(
    {
        Op.BATCH_NORM_1D,
        Op.BATCH_NORM_2D,
        Op.LRN,
        Op.DROPOUT,
        Op.RELU,
        Op.LEAKY_RELU,
        Op.ELU,
        Op.GELU,
        Op.TANH,
        Op.SIGMOID,
        Op.SOFTMAX,
        Op.PRELU,
        Op.ABS,
        Op.LRN_WITHIN,
    }
)


def _parse(result: LayerResult, source: str) -> tuple[Op, tuple[object, ...], dict[str, object]]:
    """``nn.Conv2d(3, 64, kernel_size=(11, 11), stride=(4, 4))`` as its class and arguments."""
    node = ast.parse(source, mode="eval").body
    if not isinstance(node, ast.Call):
        raise UnknownModule(f"layer '{result.name}': {source!r} is not a module call")
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    try:
        op = Op(name)
    except ValueError:
        raise UnknownModule(
            f"layer '{result.name}' ({result.kind}): the counters have no rules for module "
            f"{name!r}; add it to generator.core.counters.Op and give each tool a rule"
        ) from None
    args = tuple(ast.literal_eval(arg) for arg in node.args)
    kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg is not None}
    return op, args, kwargs


def _output(op: Op, args: tuple[object, ...], shape: Shape, result: LayerResult) -> Shape:
    """The shape a module returns: padding and reshaping worked out, shape-keeping modules pass
    theirs through, and the layer's own module (conv, pool, fc, merge) gives the layer's output."""
    if op is Op.ZERO_PAD:
        left, right, top, bottom = _ints(args[0])
        channels, height, width = shape
        return channels, height + top + bottom, width + left + right
    if op is Op.FLATTEN:
        return (math.prod(shape),)
    if op is Op.UNFLATTEN:
        return _ints(args[1])
    if op in _SHAPE_KEEPING:
        return shape
    return result.output


def _ints(value: object) -> tuple[int, ...]:
    assert isinstance(value, tuple) and all(isinstance(v, int) for v in value), value
    return tuple(int(v) for v in value)


def module_calls(result: LayerResult) -> tuple[ModuleCall, ...]:
    """The modules the script runs for ``result``, in order, each with the shapes it sees.

    They are read off the kind registry's PyTorch code for the layer, the text the page's script
    is written from, so a counter's view of the layer is the one it gets when it runs the script:
    parsed, not worked out again, so that no second copy of how a kind becomes modules (explicit
    padding, flattening before an fc layer, LRN on a vector) can drift from the script's.
    """
    code = kind_of(result.layer).torch(result)
    calls = []
    inputs = result.input_shapes or (result.input,)
    for source in code.modules:
        op, args, kwargs = _parse(result, source)
        output = _output(op, args, inputs[0], result)
        calls.append(ModuleCall(op, args, tuple(kwargs.items()), inputs, output))
        inputs = (output,)
    return tuple(calls)


# --- what a rule multiplies -----------------------------------------------------------------------

#: The modules that hold a layer's weights (conv, transposed conv, fc), its scales and shifts
#: (batch norm), or its slopes (PReLU).
_WEIGHTED = frozenset({Op.CONV2D, Op.CONV_TRANSPOSE, Op.LINEAR})
_NORMALISING = frozenset({Op.BATCH_NORM_1D, Op.BATCH_NORM_2D})
_LEARNING = _WEIGHTED | _NORMALISING | {Op.PRELU}


def _values(shape: Shape) -> int:
    return math.prod(shape)


def _weight_macs(call: ModuleCall, result: LayerResult) -> int:
    """The engine's multiply-accumulates for the conv, transposed conv or fc module of a layer;
    for the script's ``DilatedAvgPool2d``, its fixed depthwise convolution: ``output values ×
    k_h × k_w``."""
    if call.op in _WEIGHTED:
        return result.macs
    if call.op is Op.DILATED_AVG_POOL:
        return _values(call.output) * math.prod(_ints(call.arg(1, "kernel_size")))
    return 0


def _biased_outputs(call: ModuleCall, result: LayerResult) -> int:
    """A conv or fc module's output values when the layer has biases: one addition each."""
    return _values(call.output) if call.op in _WEIGHTED and result.biases else 0


def _inputs(call: ModuleCall, result: LayerResult) -> int:
    """The values the module receives, from all its inputs."""
    return sum(_values(shape) for shape in call.inputs)


def _affine_inputs(call: ModuleCall, result: LayerResult) -> int:
    """A batch norm's input values when it learns a scale and shift (it then has parameters)."""
    return _values(call.inputs[0]) if call.op in _NORMALISING and result.params else 0


def _outputs(call: ModuleCall, result: LayerResult) -> int:
    return _values(call.output)


def _window_inputs(call: ModuleCall, result: LayerResult) -> int:
    """The values every pooling window reads, summed over the windows (see
    :attr:`~generator.core.counters.Measure.WINDOW_INPUTS`)."""
    if call.op is Op.AVG_POOL:
        return _avg_pool_window_inputs(call)
    return _adaptive_window_inputs(call)


def _avg_pool_window_inputs(call: ModuleCall) -> int:
    """``C × Πaxis Σᵢ |[i·s − p, i·s − p + k) ∩ [−p, n + p)|``: the values each window of an
    ``nn.AvgPool2d`` averages, padding included (``count_include_pad``, PyTorch's default) and
    clipped to the padded input, as thop's ``count_avgpool`` sums them."""
    channels, *sizes = call.inputs[0]
    kernel = _ints(call.arg(0, "kernel_size"))
    stride = _ints(call.arg(1, "stride", kernel))
    padding = _ints(call.arg(2, "padding", (0, 0)))
    include_pad = call.arg(4, "count_include_pad", True)
    total = channels
    for size, out, k, s, p in zip(sizes, call.output[1:], kernel, stride, padding, strict=True):
        lower, upper = (-p, size + p) if include_pad else (0, size)
        total *= sum(max(min(i * s - p + k, upper) - max(i * s - p, lower), 0) for i in range(out))
    return total


def _adaptive_window_inputs(call: ModuleCall) -> int:
    """``C × Πaxis Σⱼ (⌈(j+1)·n/o⌉ − ⌊j·n/o⌋)``: the values of every adaptive pooling window."""
    channels, *sizes = call.inputs[0]
    total = channels
    for size, out in zip(sizes, call.output[1:], strict=True):
        windows = (rules.adaptive_window(size, out, j) for j in range(out))
        total *= sum(end - start for start, end in windows)
    return total


def _lrn_squares(call: ModuleCall, result: LayerResult) -> int:
    """``(C + size − 1) × H × W``: the squares ``F.local_response_norm`` averages, zero-padded by
    ``size − 1`` channels (``size // 2`` before, ``(size − 1) // 2`` after)."""
    size = call.arg(0, "size")
    assert isinstance(size, int)
    channels, *rest = call.inputs[0]
    return (channels + size - 1) * math.prod(rest)


def _rows(call: ModuleCall, result: LayerResult) -> int:
    """The vectors a softmax over channels normalises: one per position (1 for a vector)."""
    return _values(call.output) // call.output[0]


def _params(call: ModuleCall, result: LayerResult) -> int:
    """The layer's parameters, held by its conv, fc, batch-norm or PReLU module."""
    return result.params if call.op in _LEARNING else 0


def _weights_at_outputs(call: ModuleCall, result: LayerResult) -> int:
    """A transposed convolution's weights times its output positions, ``H_out·W_out``."""
    if call.op is not Op.CONV_TRANSPOSE:
        return 0
    return result.weights * math.prod(call.output[1:])


def _bilinear_outputs(call: ModuleCall, result: LayerResult) -> int:
    """An upsampling's output values when it interpolates (``mode='bilinear'``)."""
    bilinear = call.op is Op.UPSAMPLE and call.arg(2, "mode", "nearest") == "bilinear"
    return _values(call.output) if bilinear else 0


#: How each quantity is worked out for one module call of a layer.
_QUANTITIES: Mapping[Measure, Callable[[ModuleCall, LayerResult], int]] = MappingProxyType(
    {
        Measure.WEIGHT_MACS: _weight_macs,
        Measure.BIASED_OUTPUTS: _biased_outputs,
        Measure.INPUTS: _inputs,
        Measure.AFFINE_INPUTS: _affine_inputs,
        Measure.OUTPUTS: _outputs,
        Measure.WINDOW_INPUTS: _window_inputs,
        Measure.LRN_SQUARES: _lrn_squares,
        Measure.ROWS: _rows,
        Measure.PARAMS: _params,
        Measure.WEIGHTS_AT_OUTPUTS: _weights_at_outputs,
        Measure.BILINEAR_OUTPUTS: _bilinear_outputs,
    }
)


# --- predictions ----------------------------------------------------------------------------------


#: Each layer with the modules it is built from.
Calls = tuple[tuple[LayerResult, tuple[ModuleCall, ...]], ...]


class _Counted(NamedTuple):
    """One count of one module call: the layer, the term, and the part of the rule it is."""

    result: LayerResult
    term: str
    value: int
    op: Op
    quantity: Measure
    per: int


def _counted(tool: Tool, calls: Calls) -> Iterator[_Counted]:
    """Every count of every module the counter sees (none that is 0)."""
    for result, modules in calls:
        for call in modules:
            for count in tool.rules[call.op].counts:
                value = count.per * _QUANTITIES[count.quantity](call, result)
                if value:
                    yield _Counted(result, count.term, value, call.op, count.quantity, count.per)


def _grouped(parts: Iterator[tuple[str, int]]) -> tuple[Term, ...]:
    sums: dict[str, int] = {}
    for name, value in parts:
        sums[name] = sums.get(name, 0) + value
    return tuple(Term(name, value) for name, value in sums.items() if value)


def _baseline(tool: Tool, analysis: Analysis) -> int:
    if tool.baseline is Baseline.NEURONS:
        return analysis.totals.neurons
    return analysis.totals.macs


def _calls(analysis: Analysis) -> Calls:
    return tuple((result, module_calls(result)) for result in analysis.layers)


def _parts(counted: list[_Counted]) -> tuple[TermPart, ...]:
    """The counts outside the site's own, summed by term, module and rule."""
    sums: dict[tuple[str, Op, Measure, int], int] = {}
    for c in counted:
        if c.term != SITE:
            key = (c.term, c.op, c.quantity, c.per)
            sums[key] = sums.get(key, 0) + c.value
    return tuple(TermPart(*key, value) for key, value in sums.items() if value)


def _counts_biases(tool: Tool) -> bool:
    return any(
        count.quantity is Measure.BIASED_OUTPUTS
        for rule in tool.rules.values()
        for count in rule.counts
    )


def _biased_outputs_of(calls: Calls) -> int:
    """The network's bias additions: one per output value of a conv or fc module with a bias."""
    return sum(_biased_outputs(call, result) for result, modules in calls for call in modules)


def _predict(analysis: Analysis, tool: Tool, calls: Calls) -> Prediction:
    counted = list(_counted(tool, calls))
    total = sum(c.value for c in counted)
    baseline = _baseline(tool, analysis)
    site = sum(c.value for c in counted if c.term == SITE)
    terms = _grouped((c.term, c.value) for c in counted if c.term != SITE)
    if site != baseline:
        # A counter that skips some of the site's own count (none of today's does): the part of
        # the baseline it leaves out is a term of its own, so the terms still add up.
        terms = (Term(f"{SITE} it leaves out", site - baseline), *terms)
    biases = tool.baseline is Baseline.MACS and not _counts_biases(tool)
    return Prediction(
        tool=tool.name,
        unit=tool.unit,
        total=total,
        params=analysis.totals.params if tool.params is not None else None,
        baseline=baseline,
        terms=terms,
        parts=_parts(counted),
        uncounted_biases=_biased_outputs_of(calls) if biases else 0,
    )


def predict(analysis: Analysis, tool: Tool) -> Prediction:
    """``tool``'s number for ``analysis``'s network at its input size, batch 1.

    Raises :class:`UnknownModule` for a layer built from a module the rules do not cover.
    """
    return _predict(analysis, tool, _calls(analysis))


def predict_all(analysis: Analysis, tools: tuple[Tool, ...] = TOOLS) -> tuple[Prediction, ...]:
    """Every counter's number for ``analysis``, in the order of ``tools``."""
    calls = _calls(analysis)
    return tuple(_predict(analysis, tool, calls) for tool in tools)


@dataclass(frozen=True, slots=True)
class Predictions:
    """Every counter's number for one network, or why there are none."""

    found: tuple[Prediction, ...] = ()
    """One per counter, in the order of :data:`~generator.core.counters.TOOLS`."""
    unknown: str | None = None
    """Why there are none: a layer built from a module no counter's rules know."""


#: No counter's number: the predictions of an architecture built without them.
NONE = Predictions()


def predictions(analysis: Analysis) -> Predictions:
    """Every counter's number for ``analysis``; none, with the reason, when one of its layers is
    built from a module the rules do not cover (a kind added without its counters' rules)."""
    try:
        return Predictions(predict_all(analysis))
    except UnknownModule as error:
        return Predictions((), str(error))


def predict_layers(analysis: Analysis, tool: Tool) -> tuple[LayerPrediction, ...]:
    """``tool``'s count for each layer, with its parts: where a network's number comes from."""
    found = []
    for result, modules in _calls(analysis):
        counted = list(_counted(tool, ((result, modules),)))
        found.append(
            LayerPrediction(
                layer=result.name,
                kind=result.kind,
                total=sum(c.value for c in counted),
                terms=_grouped((c.term, c.value) for c in counted),
            )
        )
    return tuple(found)


def json_entry(prediction: Prediction) -> dict[str, object]:
    """``{"macs" | "flops" | "activations": total, "params": …, "terms": [[name, value], …]}``."""
    key = {Unit.MACS: "macs", Unit.FLOPS: "flops", Unit.VALUES: "activations"}[prediction.unit]
    return {
        key: prediction.total,
        "params": prediction.params,
        "terms": [[term.name, term.value] for term in prediction.terms],
    }
