"""What each popular operation counter counts, as data: one rule per PyTorch module, with its source.

The site counts multiply-accumulates of conv and fc weights (one per weight per output position,
no biases), parameters as weights plus biases, and neurons as conv and fc outputs. Every operation
counter (fvcore, ``torch.utils.flop_counter``, ptflops, ultralytics-thop, torchinfo) has a
convention of its own, and each one's number for a network is a sum over the modules it runs of a
few counts the engine already has: output values, input values, biases, windows.

The counters look at PyTorch modules (or at the ATen operations those modules call), not at our
layer kinds, so the rules are keyed by :class:`Op`: the modules that the kind registry's PyTorch
code (:attr:`generator.core.kinds.LayerKind.torch`) builds a layer from, which are what the page's
script runs. A layer kind maps to one or a few of them (a padded max pool is ``ZeroPad2d`` then
``MaxPool2d``; an fc layer on a volume is ``Flatten`` then ``Linear``).

Each :class:`CounterRule` names the file and the function of the counter that applies it, at the version
in :attr:`Tool.version`, pinned in ``pyproject.toml``'s ``test`` extra, where
``tests/test_counters_torch.py`` runs every counter on every shipped network's script and requires
its number to equal the sum these rules predict. Pure data: nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType


class Op(str, Enum):
    """A module the generated PyTorch script builds layers from: ``torch.nn`` classes by their
    name, and the script's own ``Add``, ``Concat``, ``Multiply``, ``Crop``, ``Abs``,
    ``DilatedAvgPool2d`` and ``LocalResponseNormWithin``."""

    CONV2D = "Conv2d"
    LINEAR = "Linear"
    ZERO_PAD = "ZeroPad2d"
    FLATTEN = "Flatten"
    UNFLATTEN = "Unflatten"
    MAX_POOL = "MaxPool2d"
    AVG_POOL = "AvgPool2d"
    DILATED_AVG_POOL = "DilatedAvgPool2d"
    """The script's average pool with dilation: a fixed depthwise ``F.conv2d`` whose weights are a
    buffer. Counters that read ATen operations see a convolution."""
    ADAPTIVE_AVG_POOL = "AdaptiveAvgPool2d"
    ADAPTIVE_MAX_POOL = "AdaptiveMaxPool2d"
    BATCH_NORM_2D = "BatchNorm2d"
    BATCH_NORM_1D = "BatchNorm1d"
    LRN = "LocalResponseNorm"
    DROPOUT = "Dropout"
    RELU = "ReLU"
    LEAKY_RELU = "LeakyReLU"
    ELU = "ELU"
    GELU = "GELU"
    TANH = "Tanh"
    SIGMOID = "Sigmoid"
    SOFTMAX = "Softmax"
    ADD = "Add"
    """The script's sum of its inputs: ``torch.stack(xs).sum(dim=0)``."""
    CONCAT = "Concat"
    """The script's ``torch.cat(xs, dim=1)``."""
    CONV_TRANSPOSE = "ConvTranspose2d"
    UPSAMPLE = "Upsample"
    PRELU = "PReLU"
    ABS = "Abs"
    """The script's ``torch.abs(x)``."""
    MULTIPLY = "Multiply"
    """The script's product of its inputs with the ``*`` operator, broadcasting."""
    CROP = "Crop"
    """The script's ``x.narrow(dim, offset, size)`` on each dimension cut."""
    LRN_WITHIN = "LocalResponseNormWithin"
    """The script's LRN within a channel, as Caffe builds it: ``x * x``, ``F.avg_pool2d`` of
    that (stride 1, padded to the same size), then ``x / (k + alpha * mean) ** beta``."""


class Measure(str, Enum):
    """A count of one module call (batch 1) that a counter's rule multiplies by a whole number."""

    WEIGHT_MACS = "weight MACs"
    """Multiply-accumulates against the module's weights: conv ``output values × (C_in / groups)
    × k_h × k_w``, fc ``inputs × outputs`` (the site's count), and ``output values × k_h × k_w``
    for the fixed averaging weights of ``DilatedAvgPool2d``."""
    BIASED_OUTPUTS = "biased outputs"
    """Output values of a conv or fc module that has a bias (one bias addition each); 0 without."""
    INPUTS = "inputs"
    """Values the module receives (after the script's explicit zero padding, if any)."""
    AFFINE_INPUTS = "affine inputs"
    """Input values of a batch norm with a learned scale and shift (``affine``); 0 without."""
    OUTPUTS = "outputs"
    """Values the module returns."""
    WINDOW_INPUTS = "window inputs"
    """Input values summed over every pooling window, each window clipped to the padded input:
    ``C × Πaxis Σᵢ |window i|``, padding counted as PyTorch's ``count_include_pad`` does; for an
    adaptive pool, its windows ``⌊j·n/o⌋ … ⌈(j+1)·n/o⌉``."""
    LRN_SQUARES = "LRN squares"
    """The squared input that ``F.local_response_norm`` averages, zero-padded by ``size − 1``
    channels: ``(C + size − 1) × H × W`` (``H × W = 1`` for a vector)."""
    ROWS = "rows"
    """Vectors a softmax normalises: output values over channels (1 for a vector)."""
    PARAMS = "params"
    """The module's parameters: weights and biases, a batch norm's scales and shifts, or a
    PReLU's slopes."""
    WEIGHTS_AT_OUTPUTS = "weights at output positions"
    """A transposed convolution's weights times its output's positions, ``C_in·(C_out/g)·k_h·k_w
    × H_out·W_out``: a convolution's multiply-accumulates counted on the output side, which for
    a transposed one (whose products are made at its input's positions) is not its count."""
    BILINEAR_OUTPUTS = "bilinear outputs"
    """Output values of an upsampling that interpolates (``bilinear``); 0 for ``nearest``."""


class Unit(str, Enum):
    """What a counter's number counts."""

    MACS = "MACs"
    """Multiply-accumulates: a multiplication and the addition after it count as one."""
    FLOPS = "FLOPs"
    """Floating-point operations: a multiply-accumulate counts as two."""
    VALUES = "values"
    """Output values (fvcore's activations)."""


class Baseline(str, Enum):
    """The site's count a counter's number is set against."""

    MACS = "macs"
    """The site's multiply-accumulates: conv and fc weights, no biases."""
    NEURONS = "neurons"
    """The site's neurons: conv and fc output values."""


#: The term name of a count that is the site's own: not a difference from the site's number.
SITE = "the site's count"


@dataclass(frozen=True, slots=True)
class Count:
    """``per × quantity``, added to the counter's number for each call of the module."""

    quantity: Measure
    per: int = 1
    term: str = SITE
    """Which named term of the difference from the site's count it belongs to; :data:`SITE` when
    it is the site's count itself."""


@dataclass(frozen=True, slots=True)
class CounterRule:
    """What one counter counts for one module, and where its code says so."""

    counts: tuple[Count, ...]
    """Empty when the counter counts nothing for the module."""
    source: str
    """The counter's file and function (or table) that apply the rule, at :attr:`Tool.version`."""
    note: str
    """The rule in words: what the code does, and why the count comes out as it does."""


@dataclass(frozen=True, slots=True)
class Tool:
    """One counter: how it is called, what its number counts, and its rule for every module."""

    name: str
    """A short identifier: ``fvcore``, ``ptflops-aten``…"""
    label: str
    """The call that gives the number."""
    package: str
    """The package on PyPI that holds it."""
    version: str
    """The version whose code the rules cite (the one the ``test`` extra pins)."""
    unit: Unit
    baseline: Baseline
    params: str | None
    """Where its parameter count comes from (every parameter, no buffer: the site's count), or
    ``None`` when it reports none."""
    rules: Mapping[Op, CounterRule]
    """A rule for every :class:`Op`; counting nothing is a rule too."""


def _rules(
    nothing: CounterRule,
    counted: Mapping[Op, CounterRule],
    quiet: Mapping[Op, CounterRule] | None = None,
) -> Mapping[Op, CounterRule]:
    """Every op's rule: ``counted``, then ``quiet`` (counts nothing, for a reason of its own), and
    ``nothing`` (counts nothing because the counter has no rule for it) for the rest."""
    chosen = {**(quiet or {}), **counted}
    return MappingProxyType({op: chosen.get(op, nothing) for op in Op})


BIASES = "biases"
DOUBLED = "× 2 (FLOPs)"
ACTIVATION_FUNCTIONS = "activation functions"
POOLING = "pooling"
ADAPTIVE_POOLING = "adaptive pooling"
BATCH_NORM = "batch norm"
LRN = "LRN"
SOFTMAX = "Softmax"
DILATED_AVERAGE = "dilated average pooling (as a convolution)"
UPSAMPLING = "upsampling"
OUTPUT_SIDE = "transposed convolutions counted at their outputs"
PRELU = "PReLU slopes"

FVCORE_VERSION = "0.1.5.post20221221"
PTFLOPS_VERSION = "0.7.5"

# --- fvcore -------------------------------------------------------------------------------------

_FVCORE_TABLE = "fvcore/nn/flop_count.py: _DEFAULT_SUPPORTED_OPS"

FVCORE = Tool(
    name="fvcore",
    label="fvcore.nn.FlopCountAnalysis(model, x).total()",
    package="fvcore",
    version=FVCORE_VERSION,
    unit=Unit.MACS,
    baseline=Baseline.MACS,
    params='fvcore/nn/parameter_count.py: parameter_count(model)[""], every parameter',
    rules=_rules(
        CounterRule(
            (),
            _FVCORE_TABLE,
            "The traced ATen operations (aten::max_pool2d, aten::avg_pool2d, aten::relu, "
            "aten::mul, aten::stack, aten::cat, …) have no handle: counted as 0 (and warned about).",
        ),
        {
            Op.CONV2D: CounterRule(
                (Count(Measure.WEIGHT_MACS),),
                "fvcore/nn/jit_handles.py: conv_flop_jit, conv_flop_count",
                "aten::_convolution: batch × prod(weight shape) × output positions, one per "
                "multiply-accumulate ('We count one fused multiply-add as one flop'); the bias is "
                "ignored.",
            ),
            Op.LINEAR: CounterRule(
                (Count(Measure.WEIGHT_MACS),),
                "fvcore/nn/jit_handles.py: linear_flop_jit",
                "aten::linear: prod(input shape) × output features; the bias is ignored.",
            ),
            Op.DILATED_AVG_POOL: CounterRule(
                (Count(Measure.WEIGHT_MACS, 1, DILATED_AVERAGE),),
                "fvcore/nn/jit_handles.py: conv_flop_jit",
                "The script's F.conv2d is an aten::_convolution: k_h × k_w per output value.",
            ),
            Op.CONV_TRANSPOSE: CounterRule(
                (Count(Measure.WEIGHT_MACS),),
                "fvcore/nn/jit_handles.py: conv_flop_jit, conv_flop_count",
                "aten::_convolution with transposed set: batch × prod(weight shape) × input "
                "positions ('Flops for a transposed convolution are calculated as flops = "
                "(x_shape[2:] * prod(w_shape) * batch_size)'), every input value times a kernel; "
                "the bias is ignored.",
            ),
            Op.UPSAMPLE: CounterRule(
                (
                    Count(Measure.OUTPUTS, 1, UPSAMPLING),
                    Count(Measure.BILINEAR_OUTPUTS, 3, UPSAMPLING),
                ),
                f"{_FVCORE_TABLE}: aten::upsample_nearest2d, elementwise_flop_counter(0, 1); "
                "aten::upsample_bilinear2d, elementwise_flop_counter(0, 4)",
                "One per output value for nearest, four for bilinear (input_scale 0).",
            ),
            Op.ADAPTIVE_AVG_POOL: CounterRule(
                (Count(Measure.INPUTS, 1, ADAPTIVE_POOLING),),
                f"{_FVCORE_TABLE}: aten::adaptive_avg_pool2d, elementwise_flop_counter(1, 0)",
                "One per input value (input_scale 1, output_scale 0).",
            ),
            Op.BATCH_NORM_2D: CounterRule(
                (
                    Count(Measure.INPUTS, 1, BATCH_NORM),
                    Count(Measure.AFFINE_INPUTS, 1, BATCH_NORM),
                ),
                "fvcore/nn/jit_handles.py: batchnorm_flop_jit",
                "aten::batch_norm in eval mode: one per input value, two with a scale and shift.",
            ),
            Op.BATCH_NORM_1D: CounterRule(
                (
                    Count(Measure.INPUTS, 1, BATCH_NORM),
                    Count(Measure.AFFINE_INPUTS, 1, BATCH_NORM),
                ),
                "fvcore/nn/jit_handles.py: batchnorm_flop_jit",
                "aten::batch_norm in eval mode: one per input value, two with a scale and shift.",
            ),
        },
    ),
)

_ACTIVATIONS_TABLE = "fvcore/nn/activation_count.py: _DEFAULT_SUPPORTED_OPS"

FVCORE_ACTIVATIONS = Tool(
    name="fvcore-activations",
    label="fvcore.nn.ActivationCountAnalysis(model, x).total()",
    package="fvcore",
    version=FVCORE_VERSION,
    unit=Unit.VALUES,
    baseline=Baseline.NEURONS,
    params=None,
    rules=_rules(
        CounterRule(
            (),
            _ACTIVATIONS_TABLE,
            "Only convolutions and matrix products (aten::_convolution, addmm, bmm, einsum, "
            "matmul, linear) have a handle; every other operation counts 0.",
        ),
        {
            Op.CONV2D: CounterRule(
                (Count(Measure.OUTPUTS),),
                f"{_ACTIVATIONS_TABLE}: generic_activation_jit('conv') (jit_handles.py)",
                "aten::_convolution: its output values.",
            ),
            Op.LINEAR: CounterRule(
                (Count(Measure.OUTPUTS),),
                f"{_ACTIVATIONS_TABLE}: generic_activation_jit() (jit_handles.py)",
                "aten::linear: its output values.",
            ),
            Op.DILATED_AVG_POOL: CounterRule(
                (Count(Measure.OUTPUTS, 1, DILATED_AVERAGE),),
                f"{_ACTIVATIONS_TABLE}: generic_activation_jit('conv') (jit_handles.py)",
                "The script's F.conv2d is an aten::_convolution: its output values.",
            ),
            Op.CONV_TRANSPOSE: CounterRule(
                (Count(Measure.OUTPUTS),),
                f"{_ACTIVATIONS_TABLE}: generic_activation_jit('conv') (jit_handles.py)",
                "aten::_convolution, transposed too: its output values.",
            ),
        },
    ),
)

# --- torch.utils.flop_counter -------------------------------------------------------------------

_TORCH_FLOPS = "torch/utils/flop_counter.py"

TORCH_FLOP_COUNTER = Tool(
    name="torch-flop-counter",
    label="torch.utils.flop_counter.FlopCounterMode().get_total_flops()",
    package="torch",
    version="2.13.0",
    unit=Unit.FLOPS,
    baseline=Baseline.MACS,
    params=None,
    rules=_rules(
        CounterRule(
            (),
            f"{_TORCH_FLOPS}: flop_registry",
            "Only matrix products, convolutions and attention have a formula; pooling, "
            "normalisation, activations, additions count 0.",
        ),
        {
            Op.CONV2D: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.WEIGHT_MACS, 1, DOUBLED)),
                f"{_TORCH_FLOPS}: conv_flop, conv_flop_count",
                "aten.convolution: output positions × kernel × batch × C_out × C_in/groups × 2: "
                "two per multiply-accumulate; 'Computation for bias are ignored'.",
            ),
            Op.LINEAR: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.WEIGHT_MACS, 1, DOUBLED)),
                f"{_TORCH_FLOPS}: addmm_flop, mm_flop",
                "aten.addmm (aten.mm without a bias): m × n × 2 × k, the bias ignored.",
            ),
            Op.DILATED_AVG_POOL: CounterRule(
                (Count(Measure.WEIGHT_MACS, 2, DILATED_AVERAGE),),
                f"{_TORCH_FLOPS}: conv_flop, conv_flop_count",
                "The script's F.conv2d is an aten.convolution: 2 × k_h × k_w per output value.",
            ),
            Op.CONV_TRANSPOSE: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.WEIGHT_MACS, 1, DOUBLED)),
                f"{_TORCH_FLOPS}: conv_flop, conv_flop_count",
                "aten.convolution with transposed set: 'each point in the *input* spatial "
                "dimension' × kernel × batch × the weight's C_in × C_out/groups × 2: two per "
                "multiply-accumulate, the bias ignored.",
            ),
        },
    ),
)

# --- ptflops ------------------------------------------------------------------------------------

_PTFLOPS_ATEN = "ptflops/aten_ops.py"

PTFLOPS_ATEN = Tool(
    name="ptflops-aten",
    label="ptflops.get_model_complexity_info(model, input, backend='aten')",
    package="ptflops",
    version=PTFLOPS_VERSION,
    unit=Unit.MACS,
    baseline=Baseline.MACS,
    params="ptflops/pytorch_engine.py: get_model_parameters_number, parameters that need grad",
    rules=_rules(
        CounterRule(
            (),
            f"{_PTFLOPS_ATEN}: ATEN_OPS_MAPPING",
            "Only aten.mm, matmul, addmm, bmm, convolution and _convolution are mapped; every "
            "other operation is a zero-op (ptflops/aten_engine.py: FlopCounterMode).",
        ),
        {
            Op.CONV2D: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.BIASED_OUTPUTS, 1, BIASES)),
                f"{_PTFLOPS_ATEN}: conv_flop, conv_flop_count",
                "'Summation is ignored when applying conv kernel, but counted for bias': the "
                "multiply-accumulates, plus one per output value when there is a bias.",
            ),
            Op.LINEAR: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.BIASED_OUTPUTS, 1, BIASES)),
                f"{_PTFLOPS_ATEN}: addmm_flop (matmul_flop without a bias)",
                "'Bias is considered if exists': inputs × outputs, plus one per output.",
            ),
            Op.DILATED_AVG_POOL: CounterRule(
                (Count(Measure.WEIGHT_MACS, 1, DILATED_AVERAGE),),
                f"{_PTFLOPS_ATEN}: conv_flop",
                "The script's F.conv2d is an aten.convolution without bias: k_h × k_w per output.",
            ),
            Op.CONV_TRANSPOSE: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.BIASED_OUTPUTS, 1, BIASES)),
                f"{_PTFLOPS_ATEN}: conv_flop, conv_flop_count",
                "aten.convolution with transposed set: batch × prod(weight shape) × input "
                "positions, plus one per output value when there is a bias.",
            ),
        },
    ),
)

_PTFLOPS_OPS = "ptflops/pytorch_ops.py"
_PATCHED = "ptflops/pytorch_engine.py: patch_functional"
_POOL_HOOK = CounterRule(
    (Count(Measure.INPUTS, 2, POOLING),),
    f"{_PTFLOPS_OPS}: MODULES_MAPPING, pool_flops_counter_hook; {_PATCHED}",
    "The module's hook counts its input values, and the module's forward calls the patched "
    "torch.nn.functional pooling, which counts them again: 2 per input value.",
)
_ADAPTIVE_HOOK = CounterRule(
    (Count(Measure.INPUTS, 2, ADAPTIVE_POOLING),),
    _POOL_HOOK.source,
    _POOL_HOOK.note,
)
_DOUBLE_ACTIVATION = CounterRule(
    (Count(Measure.OUTPUTS, 2, ACTIVATION_FUNCTIONS),),
    f"{_PTFLOPS_OPS}: MODULES_MAPPING, relu_flops_counter_hook; {_PATCHED}",
    "The module's hook counts its output values, and its forward calls the patched "
    "functional (F.relu, F.elu, F.gelu, F.prelu), which counts its input values: 2 per value.",
)
_BN_HOOK = CounterRule(
    (
        Count(Measure.INPUTS, 1, BATCH_NORM),
        Count(Measure.AFFINE_INPUTS, 1, BATCH_NORM),
    ),
    f"{_PTFLOPS_OPS}: MODULES_MAPPING, bn_flops_counter_hook",
    "One per input value, two with a scale and shift (affine).",
)

PTFLOPS_PYTORCH = Tool(
    name="ptflops-pytorch",
    label="ptflops.get_model_complexity_info(model, input, backend='pytorch')",
    package="ptflops",
    version=PTFLOPS_VERSION,
    unit=Unit.MACS,
    baseline=Baseline.MACS,
    params="ptflops/pytorch_engine.py: get_model_parameters_number, parameters that need grad",
    rules=_rules(
        CounterRule(
            (),
            f"{_PTFLOPS_OPS}: MODULES_MAPPING, FUNCTIONAL_MAPPING, TENSOR_OPS_MAPPING",
            "No hook for the module, and none of the functions its forward calls is patched "
            "(torch.tanh, torch.sigmoid, F.dropout, F.pad, F.conv2d, torch.stack, torch.cat, "
            "torch.abs, Tensor.narrow, the * operator…): a zero-op.",
        ),
        {
            Op.CONV2D: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.BIASED_OUTPUTS, 1, BIASES)),
                f"{_PTFLOPS_OPS}: conv_flops_counter_hook",
                "kernel × C_in × C_out/groups per output position, plus one per output value "
                "when there is a bias.",
            ),
            Op.LINEAR: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.BIASED_OUTPUTS, 1, BIASES)),
                f"{_PTFLOPS_OPS}: linear_flops_counter_hook",
                "(inputs × outputs + outputs when there is a bias) per row; F.linear is not "
                "patched (commented out in patch_functional), so it is counted once.",
            ),
            Op.RELU: _DOUBLE_ACTIVATION,
            Op.ELU: _DOUBLE_ACTIVATION,
            Op.GELU: _DOUBLE_ACTIVATION,
            Op.LEAKY_RELU: CounterRule(
                (Count(Measure.OUTPUTS, 1, ACTIVATION_FUNCTIONS),),
                f"{_PTFLOPS_OPS}: MODULES_MAPPING, relu_flops_counter_hook",
                "The module's hook counts its output values; F.leaky_relu is not patched.",
            ),
            Op.MAX_POOL: _POOL_HOOK,
            Op.AVG_POOL: _POOL_HOOK,
            Op.ADAPTIVE_AVG_POOL: _ADAPTIVE_HOOK,
            Op.ADAPTIVE_MAX_POOL: _ADAPTIVE_HOOK,
            Op.BATCH_NORM_2D: _BN_HOOK,
            Op.BATCH_NORM_1D: _BN_HOOK,
            Op.LRN: CounterRule(
                (Count(Measure.INPUTS, 3, LRN), Count(Measure.LRN_SQUARES, 1, LRN)),
                f"{_PTFLOPS_OPS}: TENSOR_OPS_MAPPING, FUNCTIONAL_MAPPING; "
                "ptflops/pytorch_engine.py: patch_tensor_ops, patch_functional",
                "No module hook, but F.local_response_norm calls patched functions: "
                "input.mul(input), avg_pool3d over the squares padded by size − 1 channels "
                "(avg_pool2d for a vector), .mul(alpha), .add(k): 3 per input value and 1 per "
                "padded square (pow and the division are not patched).",
            ),
            Op.SOFTMAX: CounterRule(
                (Count(Measure.INPUTS, 1, SOFTMAX),),
                f"{_PTFLOPS_OPS}: FUNCTIONAL_MAPPING[F.softmax]; {_PATCHED}",
                "No module hook; the patched F.softmax its forward calls counts its input values.",
            ),
            Op.CONV_TRANSPOSE: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.BIASED_OUTPUTS, 1, BIASES)),
                f"{_PTFLOPS_OPS}: MODULES_MAPPING, conv_flops_counter_hook(transpose=True)",
                "kernel × C_in × C_out/groups per input position (the input's, for a transpose), "
                "plus one per output value when there is a bias; F.conv_transpose2d is not "
                "patched.",
            ),
            Op.UPSAMPLE: CounterRule(
                (Count(Measure.OUTPUTS, 2, UPSAMPLING),),
                f"{_PTFLOPS_OPS}: MODULES_MAPPING, upsample_flops_counter_hook, "
                f"FUNCTIONAL_MAPPING[F.interpolate]; {_PATCHED}",
                "The module's hook counts its output values, and its forward calls the patched "
                "F.interpolate, which counts them again (input values × the scale on each axis, "
                "or the size × channels): 2 per output value, nearest or bilinear.",
            ),
            Op.PRELU: _DOUBLE_ACTIVATION,
            Op.LRN_WITHIN: CounterRule(
                (Count(Measure.INPUTS, 1, LRN),),
                f"{_PTFLOPS_OPS}: FUNCTIONAL_MAPPING[F.avg_pool2d]; {_PATCHED}",
                "No module hook; the patched F.avg_pool2d over the squares counts its input "
                "values, one per input value (x * x, the power and the division are operators, "
                "not patched functions).",
            ),
        },
    ),
)

# --- ultralytics-thop ---------------------------------------------------------------------------

_THOP_TABLE = "thop/profile.py: register_hooks"
_THOP_HOOKS = "thop/vision/basic_hooks.py"
_THOP_NORM = CounterRule(
    (
        Count(Measure.INPUTS, 2, BATCH_NORM),
        Count(Measure.AFFINE_INPUTS, 2, BATCH_NORM),
    ),
    f"{_THOP_TABLE}[_NormBase]; {_THOP_HOOKS}: count_normalization; "
    "thop/vision/calc_func.py: calculate_norm",
    "2 per input value, doubled with a scale and shift (affine): 4.",
)
_THOP_ZERO = CounterRule(
    (),
    f"{_THOP_TABLE}: zero_ops",
    "Registered as zero_ops: padding, dropout, ReLU, max pooling, Flatten and Unflatten count 0.",
)

THOP = Tool(
    name="thop",
    label="thop.profile(model, inputs=(x,))",
    package="ultralytics-thop",
    version="2.2.3",
    unit=Unit.MACS,
    baseline=Baseline.MACS,
    params="thop/vision/calc_func.py: calculate_parameters(model.parameters())",
    rules=_rules(
        CounterRule(
            (),
            f"{_THOP_TABLE}; thop/profile.py: functional_hooks",
            "No rule for the module or any class it derives from (GELU, ELU, Tanh, Sigmoid, "
            "LocalResponseNorm, the script's Add, Concat, Multiply, Crop, Abs, DilatedAvgPool2d "
            "and LocalResponseNormWithin), and the functions its forward calls are not among "
            "the counted products: 0.",
        ),
        {
            Op.CONV2D: CounterRule(
                (Count(Measure.WEIGHT_MACS),),
                f"{_THOP_HOOKS}: count_convNd; thop/vision/calc_func.py: calculate_conv2d_flops",
                "Output values × C_in/groups × kernel; the bias is not counted.",
            ),
            Op.LINEAR: CounterRule(
                (Count(Measure.WEIGHT_MACS),),
                f"{_THOP_HOOKS}: count_linear; thop/vision/calc_func.py: calculate_linear",
                "in_features × output values; the bias is not counted.",
            ),
            Op.BATCH_NORM_2D: _THOP_NORM,
            Op.BATCH_NORM_1D: _THOP_NORM,
            Op.AVG_POOL: CounterRule(
                (
                    Count(Measure.WINDOW_INPUTS, 1, POOLING),
                    Count(Measure.OUTPUTS, 1, POOLING),
                ),
                f"{_THOP_HOOKS}: count_avgpool",
                "'one add per input, one divide per output': each window's values, clipped to "
                "the padded input, and one per output value.",
            ),
            Op.ADAPTIVE_AVG_POOL: CounterRule(
                (
                    Count(Measure.WINDOW_INPUTS, 1, ADAPTIVE_POOLING),
                    Count(Measure.OUTPUTS, 1, ADAPTIVE_POOLING),
                ),
                f"{_THOP_HOOKS}: count_adap_avgpool",
                "'one add per pooled input, one divide per output': the values of each adaptive "
                "window, and one per output value.",
            ),
            Op.CONV_TRANSPOSE: CounterRule(
                (Count(Measure.WEIGHT_MACS),),
                f"{_THOP_HOOKS}: count_convtNd; thop/vision/calc_func.py: "
                "calculate_conv2d_flops(transpose=True)",
                "'A transpose scatters rather than gathers': input values × C_out/groups × "
                "kernel; the bias is not counted.",
            ),
            Op.UPSAMPLE: CounterRule(
                (Count(Measure.BILINEAR_OUTPUTS, 11, UPSAMPLING),),
                f"{_THOP_HOOKS}: count_upsample",
                "Per output value: 0 for 'nearest', 11 for 'bilinear'.",
            ),
            Op.PRELU: CounterRule(
                (Count(Measure.INPUTS, 1, ACTIVATION_FUNCTIONS),),
                f"{_THOP_HOOKS}: count_prelu",
                "Outside training, one per input value.",
            ),
            Op.SOFTMAX: CounterRule(
                (Count(Measure.OUTPUTS, 3, SOFTMAX), Count(Measure.ROWS, -1, SOFTMAX)),
                f"{_THOP_HOOKS}: count_softmax; thop/vision/calc_func.py: calculate_softmax",
                "Per row of n values: n exponentials, n − 1 additions, n divisions: 3n − 1.",
            ),
        },
        dict.fromkeys(
            (
                Op.ZERO_PAD,
                Op.DROPOUT,
                Op.RELU,
                Op.LEAKY_RELU,
                Op.MAX_POOL,
                Op.ADAPTIVE_MAX_POOL,
                Op.FLATTEN,
                Op.UNFLATTEN,
            ),
            _THOP_ZERO,
        ),
    ),
)

# --- torchinfo ----------------------------------------------------------------------------------

_TORCHINFO = "torchinfo/layer_info.py: LayerInfo.calculate_macs"

TORCHINFO = Tool(
    name="torchinfo",
    label="torchinfo.summary(model, input_data=[x]).total_mult_adds",
    package="torchinfo",
    version="1.8.0",
    unit=Unit.MACS,
    baseline=Baseline.MACS,
    params="torchinfo/model_statistics.py: ModelStatistics.total_params",
    rules=_rules(
        CounterRule(
            (),
            _TORCHINFO,
            "Multiply-adds are worked out from a leaf module's parameters only: a module "
            "without parameters counts 0.",
        ),
        {
            Op.CONV2D: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.BIASED_OUTPUTS, 1, BIASES)),
                _TORCHINFO,
                "'Conv' in the class name: each of weight and bias × output positions, so one "
                "per multiply-accumulate and one per output value for the bias.",
            ),
            Op.LINEAR: CounterRule(
                (Count(Measure.WEIGHT_MACS), Count(Measure.BIASED_OUTPUTS, 1, BIASES)),
                _TORCHINFO,
                "Batch size × parameters: inputs × outputs for the weight, one per output for "
                "the bias.",
            ),
            Op.BATCH_NORM_2D: CounterRule(
                (Count(Measure.PARAMS, 1, BATCH_NORM),),
                _TORCHINFO,
                "Batch size × parameters: 2 per channel (scale and shift), not per value.",
            ),
            Op.BATCH_NORM_1D: CounterRule(
                (Count(Measure.PARAMS, 1, BATCH_NORM),),
                _TORCHINFO,
                "Batch size × parameters: 2 per feature (scale and shift), not per value.",
            ),
            Op.CONV_TRANSPOSE: CounterRule(
                (
                    Count(Measure.WEIGHT_MACS),
                    Count(Measure.WEIGHTS_AT_OUTPUTS, 1, OUTPUT_SIDE),
                    Count(Measure.WEIGHT_MACS, -1, OUTPUT_SIDE),
                    Count(Measure.BIASED_OUTPUTS, 1, BIASES),
                ),
                _TORCHINFO,
                "'Conv' in the class name: each of weight and bias × output positions, as for a "
                "convolution; but a transposed convolution's products are made at its input's "
                "positions, so the weights count H_out·W_out / (H_in·W_in) times the site's.",
            ),
            Op.PRELU: CounterRule(
                (Count(Measure.PARAMS, 1, PRELU),),
                _TORCHINFO,
                "Batch size × parameters: its slopes, one per channel (or one), not per value.",
            ),
        },
    ),
)

#: Every counter, in the order their numbers are shown.
TOOLS: tuple[Tool, ...] = (
    FVCORE,
    FVCORE_ACTIVATIONS,
    TORCH_FLOP_COUNTER,
    PTFLOPS_ATEN,
    PTFLOPS_PYTORCH,
    THOP,
    TORCHINFO,
)


def tool(name: str) -> Tool:
    """The counter called ``name`` (``fvcore``, ``ptflops-aten``…)."""
    for found in TOOLS:
        if found.name == name:
            return found
    raise KeyError(name)
