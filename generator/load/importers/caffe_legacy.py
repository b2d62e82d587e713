"""Caffe's two older formats, read as the current one: V1's enum types and V0's nested layers.

Caffe has written a network three ways, and ``caffe.proto`` keeps all three:

* the current one, ``layer { type: "Convolution" convolution_param { kernel_size: 11 } }``;
* V1 (2014 to 2015), ``layers { type: CONVOLUTION ... }``: the same fields, the type an enum,
  written by its name or its number (:data:`V1_TYPES`, :data:`V1_NUMBERS`);
* V0 (2013 to March 2014), ``layers { layer { name: "conv1" type: "conv" kernelsize: 11 ... }
  bottom: "data" top: "conv1" }``: every setting a field of the inner ``layer`` (a
  ``V0LayerParameter``), the types in lower case, and a zero padding a layer of its own
  (``type: "padding"``) before the convolution or pooling that reads it.

V0 is read as Caffe reads it: each ``layers`` entry is upgraded to a layer message of the current
format, and the padding layers are first taken into the layers that read them. Followed: BVLC/caffe,
``src/caffe/util/upgrade_proto.cpp`` (``UpgradeV0PaddingLayers``, ``UpgradeV0LayerParameter``,
``UpgradeV0LayerType``, ``UpgradeV1LayerType``) and ``src/caffe/proto/caffe.proto``
(``V0LayerParameter``, ``V1LayerParameter.LayerType``) at commit
9b891540183ddc834a02b2bd81b31afae71b2153; the V0 parts are as commit 69ddcc84a (2014-03-15, "add
V0NetParameter and UpgradeV0Net") wrote them. Where Caffe's upgrade has no place for a V0 field,
or stops on a padding layer, the problem names V0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.load.importers.prototxt import Field, Identifier, Message

#: V1's layer types by their names in the enum, as the current format names them.
V1_TYPES: Mapping[str, str] = {
    "ABSVAL": "AbsVal",
    "ACCURACY": "Accuracy",
    "ARGMAX": "ArgMax",
    "BNLL": "BNLL",
    "CONCAT": "Concat",
    "CONTRASTIVE_LOSS": "ContrastiveLoss",
    "CONVOLUTION": "Convolution",
    "DECONVOLUTION": "Deconvolution",
    "DATA": "Data",
    "DROPOUT": "Dropout",
    "DUMMY_DATA": "DummyData",
    "EUCLIDEAN_LOSS": "EuclideanLoss",
    "ELTWISE": "Eltwise",
    "EXP": "Exp",
    "FLATTEN": "Flatten",
    "HDF5_DATA": "HDF5Data",
    "HDF5_OUTPUT": "HDF5Output",
    "HINGE_LOSS": "HingeLoss",
    "IM2COL": "Im2col",
    "IMAGE_DATA": "ImageData",
    "INFOGAIN_LOSS": "InfogainLoss",
    "INNER_PRODUCT": "InnerProduct",
    "LRN": "LRN",
    "MEMORY_DATA": "MemoryData",
    "MULTINOMIAL_LOGISTIC_LOSS": "MultinomialLogisticLoss",
    "MVN": "MVN",
    "POOLING": "Pooling",
    "POWER": "Power",
    "RELU": "ReLU",
    "SIGMOID": "Sigmoid",
    "SIGMOID_CROSS_ENTROPY_LOSS": "SigmoidCrossEntropyLoss",
    "SILENCE": "Silence",
    "SOFTMAX": "Softmax",
    "SOFTMAX_LOSS": "SoftmaxWithLoss",
    "SPLIT": "Split",
    "SLICE": "Slice",
    "TANH": "TanH",
    "WINDOW_DATA": "WindowData",
    "THRESHOLD": "Threshold",
}
#: The same types by their numbers in the enum, which a file may also write.
V1_NUMBERS: Mapping[int, str] = {
    35: "AbsVal",
    1: "Accuracy",
    30: "ArgMax",
    2: "BNLL",
    3: "Concat",
    37: "ContrastiveLoss",
    4: "Convolution",
    39: "Deconvolution",
    5: "Data",
    6: "Dropout",
    32: "DummyData",
    7: "EuclideanLoss",
    25: "Eltwise",
    38: "Exp",
    8: "Flatten",
    9: "HDF5Data",
    10: "HDF5Output",
    28: "HingeLoss",
    11: "Im2col",
    12: "ImageData",
    13: "InfogainLoss",
    14: "InnerProduct",
    15: "LRN",
    29: "MemoryData",
    16: "MultinomialLogisticLoss",
    34: "MVN",
    17: "Pooling",
    26: "Power",
    18: "ReLU",
    19: "Sigmoid",
    27: "SigmoidCrossEntropyLoss",
    36: "Silence",
    20: "Softmax",
    21: "SoftmaxWithLoss",
    22: "Split",
    33: "Slice",
    23: "TanH",
    24: "WindowData",
    31: "Threshold",
}

#: ``UpgradeV0LayerType``: each V0 layer type (a lower-case word, as V0 files write it) and the
#: current format's name for it, in upgrade_proto.cpp's order.
_V0_TYPE_TABLE = """
    accuracy                    Accuracy
    bnll                        BNLL
    concat                      Concat
    conv                        Convolution
    data                        Data
    dropout                     Dropout
    euclidean_loss              EuclideanLoss
    flatten                     Flatten
    hdf5_data                   HDF5Data
    hdf5_output                 HDF5Output
    im2col                      Im2col
    images                      ImageData
    infogain_loss               InfogainLoss
    innerproduct                InnerProduct
    lrn                         LRN
    multinomial_logistic_loss   MultinomialLogisticLoss
    pool                        Pooling
    relu                        ReLU
    sigmoid                     Sigmoid
    softmax                     Softmax
    softmax_loss                SoftmaxWithLoss
    split                       Split
    tanh                        TanH
    window_data                 WindowData
"""
#: V0's layer types, as the current format names them.
V0_TYPES: Mapping[str, str] = {
    v0: current for v0, current in (line.split() for line in _V0_TYPE_TABLE.strip().splitlines())
}
#: V0's zero padding, a layer of its own, taken into the convolution or pooling that reads it.
PADDING = "padding"
#: The layers that may read a V0 padding layer, by their current names.
PADDED = ("Convolution", "Pooling")
_CONV, _POOL, _FC = "convolution_param", "pooling_param", "inner_product_param"
#: Each V0 setting that shapes the network: the layer types that take it (by their current
#: names), each with the message of the current format it moves to, and the setting's name there
#: (``UpgradeV0LayerParameter``).
V0_SETTINGS: Mapping[str, tuple[Mapping[str, str], str]] = {
    "num_output": ({"Convolution": _CONV, "InnerProduct": _FC}, "num_output"),
    "biasterm": ({"Convolution": _CONV, "InnerProduct": _FC}, "bias_term"),
    "pad": ({"Convolution": _CONV, "Pooling": _POOL}, "pad"),
    "kernelsize": ({"Convolution": _CONV, "Pooling": _POOL}, "kernel_size"),
    "group": ({"Convolution": _CONV}, "group"),
    "stride": ({"Convolution": _CONV, "Pooling": _POOL}, "stride"),
    "pool": ({"Pooling": _POOL}, "pool"),
    "dropout_ratio": ({"Dropout": "dropout_param"}, "dropout_ratio"),
    "local_size": ({"LRN": "lrn_param"}, "local_size"),
    "alpha": ({"LRN": "lrn_param"}, "alpha"),
    "beta": ({"LRN": "lrn_param"}, "beta"),
    "k": ({"LRN": "lrn_param"}, "k"),
    "concat_dim": ({"Concat": "concat_param"}, "concat_dim"),
    # Any type: Caffe's upgrade moves it to the data transformation every layer may have.
    "cropsize": (dict.fromkeys(V0_TYPES.values(), "transform_param"), "crop_size"),
    "new_height": ({"ImageData": "image_data_param"}, "new_height"),
    "new_width": ({"ImageData": "image_data_param"}, "new_width"),
}
#: V0 fields that do not shape the network: what a layer starts from and learns at (fillers,
#: weights, learning rates), where and how data is read, and a detector's sampling.
V0_IGNORED = frozenset(
    {
        "weight_filler",
        "bias_filler",
        "blobs",
        "blobs_lr",
        "weight_decay",
        "source",
        "meanfile",
        "scale",
        "batchsize",
        "mirror",
        "rand_skip",
        "det_fg_threshold",
        "det_bg_threshold",
        "det_fg_fraction",
        "det_context_pad",
        "det_crop_mode",
        "shuffle_images",
        "new_num",
        "new_channels",
        "hdf5_output_param",
    }
)
#: What each V0 type cannot do without, by its current name.
V0_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "Convolution": ("num_output", "kernelsize"),
    "Pooling": ("kernelsize",),
    "InnerProduct": ("num_output",),
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``layers`` entry of a file, as a layer message of the current format."""

    layer: Message
    v0_type: str | None = None
    """The V0 type as written (``conv``), for a V0 entry; ``None`` for the others."""
    problems: tuple[tuple[int, str], ...] = ()
    """What stops this layer, by line: a V0 field with no place in its layer, a padding read by
    what cannot take it."""
    comment: str | None = None
    """A remark for the written spec (a V0 padding layer taken into this one)."""


def is_v0(entry: Message) -> bool:
    """Whether a ``layers`` entry is V0's: its settings nested in a ``layer { ... }``."""
    return any(isinstance(f.value, Message) for f in entry.all("layer"))


def entries(layers: Sequence[Message]) -> list[Entry]:
    """The ``layers`` entries of a file, V0's upgraded; V0 padding layers are taken into their
    readers and leave no entry."""
    found: list[Entry] = []
    paddings: dict[str, _Padding] = {}
    for entry in layers:
        if not is_v0(entry):
            found.append(Entry(entry))
            _forget(paddings, entry)
            continue
        inner = next(f.value for f in entry.all("layer") if isinstance(f.value, Message))
        kind = inner.first("type")
        if kind is not None and kind.value == PADDING:
            _forget(paddings, entry)
            padding = _padding(entry, inner)
            for blob in padding.tops:
                paddings[blob] = padding
            continue
        found.append(_upgrade(entry, inner, paddings))
        _forget(paddings, entry)
    return found


@dataclass(frozen=True, slots=True)
class _Padding:
    """A V0 padding layer, waiting for the convolution or pooling that reads its top."""

    name: str
    line: int
    pad: Field | None
    bottoms: tuple[Field, ...]
    tops: tuple[str, ...]


def _padding(entry: Message, inner: Message) -> _Padding:
    name = inner.first("name")
    return _Padding(
        str(name.value) if name is not None else "",
        entry.line,
        inner.first("pad"),
        tuple(entry.all("bottom")),
        tuple(str(f.value) for f in entry.all("top")),
    )


def _forget(paddings: dict[str, _Padding], entry: Message) -> None:
    """A blob written again is no longer the padding's output."""
    for f in entry.all("top"):
        paddings.pop(str(f.value), None)


def _upgrade(entry: Message, inner: Message, paddings: Mapping[str, _Padding]) -> Entry:
    """One V0 entry as a current layer message (``UpgradeV0LayerParameter``)."""
    problems: list[tuple[int, str]] = []
    kind_field = inner.first("type")
    quoted = kind_field is not None and _quoted(kind_field.value)
    v0_type = str(kind_field.value) if kind_field is not None and quoted else ""
    current = V0_TYPES.get(v0_type, "")
    fields: list[Field] = []
    moved: dict[str, list[Field]] = {}
    for f in inner.fields:
        if f.name == "name":
            fields.append(f)
        elif f.name == "type":
            if not _quoted(f.value):
                shown = "a message { ... }" if isinstance(f.value, Message) else str(f.value)
                problems.append(
                    (f.line, f"field 'type' must be a quoted V0 layer type, got {shown}")
                )
            elif not current:
                known = ", ".join(sorted((*V0_TYPES, PADDING)))
                problems.append(
                    (f.line, f"V0 layer type {v0_type!r} is not one of V0's types ({known})")
                )
            fields.append(Field("type", current or v0_type, f.line, written="type"))
        elif f.name in V0_SETTINGS:
            takers, target = V0_SETTINGS[f.name]
            message = takers.get(current)
            if message is None:
                problems.append(
                    (
                        f.line,
                        f"the V0 field {f.name!r} has no place in a V0 {v0_type!r} layer "
                        "(Caffe's upgrade to later formats drops it as incompatible)",
                    )
                )
                continue
            moved.setdefault(message, []).append(Field(target, f.value, f.line, written=f.name))
        elif f.name not in V0_IGNORED:
            problems.append(
                (
                    f.line,
                    f"{f.name!r} is not a field of a V0 layer (caffe.proto's V0LayerParameter)",
                )
            )
    for needed in V0_REQUIRED.get(current, ()):
        if inner.first(needed) is None:
            problems.append((inner.line, f"a V0 {v0_type!r} layer needs {needed}"))
    comment = None
    bottoms = list(entry.all("bottom"))
    for index, bottom in enumerate(bottoms):
        padding = paddings.get(str(bottom.value))
        if padding is None:
            continue
        line, problem = _takes_padding(current, padding, bottoms, bottom.line)
        if problem:
            problems.append((line, problem))
            continue
        if padding.pad is not None:
            # Caffe's upgrade sets the padding's pad over any the layer has of its own.
            place = _CONV if current == PADDED[0] else _POOL
            kept = [f for f in moved.get(place, []) if f.name != "pad"]
            moved[place] = [*kept, Field("pad", padding.pad.value, padding.pad.line, written="pad")]
        bottoms[index] = padding.bottoms[0]
        comment = f"with the zero padding of the V0 padding layer {padding.name!r} before it"
    fields += bottoms
    fields += entry.all("top")
    fields += (
        Field(name, Message(tuple(values), inner.line), inner.line)
        for name, values in moved.items()
    )
    return Entry(Message(tuple(fields), entry.line), v0_type, tuple(problems), comment)


def _quoted(value: object) -> bool:
    return isinstance(value, str) and not isinstance(value, Identifier)


def _takes_padding(
    current: str, padding: _Padding, bottoms: Sequence[Field], line: int
) -> tuple[int, str]:
    """Whether a layer can take the padding it reads (``UpgradeV0PaddingLayers``' checks)."""
    if current not in PADDED:
        return line, (
            f"reads the V0 padding layer {padding.name!r} (line {padding.line}), which only a "
            "V0 'conv' or 'pool' layer can read: Caffe's upgrade stops here too"
        )
    if len(bottoms) != 1 or len(padding.bottoms) != 1 or len(padding.tops) != 1:
        return line, (
            f"reads the V0 padding layer {padding.name!r} (line {padding.line}): a padding and "
            "the layer that reads it each have one bottom, and the padding one top"
        )
    if padding.pad is not None and not isinstance(padding.pad.value, int):
        return padding.pad.line, (
            f"the V0 padding layer {padding.name!r}: field 'pad' must be a non-negative whole "
            f"number, got {padding.pad.value!r}"
        )
    return 0, ""


def type_name(value: object) -> str | None:
    """A V1 ``type`` (an enum word or number) as the current format names it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return V1_NUMBERS.get(value, f"type {value}")
    if isinstance(value, Identifier):
        return V1_TYPES.get(value, str(value))
    return None
