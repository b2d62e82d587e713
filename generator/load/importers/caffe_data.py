"""Data and training layers of a Caffe definition: what the importer leaves out, and the input
a data layer gives.

A deploy definition starts from an ``Input`` layer (or ``input`` with ``input_shape`` or
``input_dim``). A training definition (``train_val.prototxt``) reads its images with a data layer
instead (``Data``, ``ImageData``, ``HDF5Data``… or a ``Python`` layer with no bottom, at the start),
which also writes the labels, and ends in a loss and often an accuracy, which read them. None of
these is part of the network that runs on an image: the importer leaves them out, says so in the
written spec, and takes the input's size from the data layer where the file says it (its
``crop_size``, the shape of a ``DummyData`` or ``MemoryData`` layer) or from ``--input``.

A ``crop_size`` gives the height and width; the channels are the database's, which the file
rarely says. They are read where it does (``force_gray``, ``force_color``, an ``ImageData``
layer's ``is_color``, one ``mean_value`` per channel) and are otherwise taken to be 3, a colour
image, which the written spec says.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.load.importers import caffe_fields as fields
from generator.load.importers.caffe_fields import Reporter
from generator.load.importers.prototxt import Field, Message

#: Layers that read a network's input from a database, files or memory (``Python`` ones too, when
#: they read no blob).
DATA_TYPES = frozenset({"Data", "ImageData", "HDF5Data", "MemoryData", "WindowData", "DummyData"})
#: Where each data layer reads from, for messages.
SOURCES = {
    "Data": "a database",
    "ImageData": "image files",
    "HDF5Data": "HDF5 files",
    "MemoryData": "memory",
    "WindowData": "windows of image files",
    "DummyData": "nowhere (it makes constant data)",
    "Python": "custom Python code",
}
#: Layers that score the output against the labels while the network trains (and every type
#: whose name ends in ``Loss``).
TRAINING_TYPES = frozenset({"Accuracy", "Silence"})
#: The messages that may hold a data layer's ``crop_size``: the transformation, or (V1) the
#: layer's own parameters, where Caffe's upgrade finds it.
CROP_PLACES = ("transform_param", "data_param", "image_data_param", "window_data_param")


def is_data(kind: str, has_bottoms: bool) -> bool:
    """Whether a layer of type ``kind`` reads the network's input from outside it: one of
    Caffe's data layers, or a layer that reads no blob and is a ``Python`` layer or a Caffe
    fork's data layer (HED's ``ImageLabelmapData``, SegNet's ``DenseImageData``)."""
    return kind in DATA_TYPES or (not has_bottoms and (kind == "Python" or kind.endswith("Data")))


def is_training(kind: str, layer: Message) -> bool:
    """Whether a layer is a loss or an accuracy: what training computes, not the network."""
    if kind in TRAINING_TYPES or kind.endswith("Loss"):
        return True
    weights = [f.value for f in layer.all("loss_weight")]
    return any(isinstance(w, int | float) and w != 0 for w in weights)


@dataclass(frozen=True, slots=True)
class DataInput:
    """The image a data layer gives, as far as the file says it."""

    shape: tuple[int, int, int] | None
    """Channels, height and width; ``None`` when the file does not say the size."""
    how: str
    """Where the size comes from, for the note: ``its crop_size, 227×227, with …``."""


def data_input(walk: Reporter, layer: Message, kind: str, what: str) -> DataInput:
    """The input a data layer of type ``kind`` gives, from its settings."""
    if kind == "DummyData":
        return _dummy(walk, layer, what)
    if kind == "MemoryData":
        p = fields.params(walk, layer, "memory_data_param", what)
        sizes = [fields.single(walk, p, n, what) for n in ("channels", "height", "width")]
        if all(s is not None for s in sizes):
            c, h, w = (fields.count(walk, s, what) for s in sizes if s is not None)
            return DataInput((c, h, w), "the channels, height and width of its memory_data_param")
        return DataInput(None, "")
    crop = _crop(walk, layer, what)
    channels, told = _channels(walk, layer, kind, what)
    if crop is not None:
        how = f"its crop_size, {crop}×{crop}, with {channels} channels" + (
            "" if told else " (the file does not say how many: the data does; 3 assumed)"
        )
        return DataInput((channels, crop, crop), how)
    if kind == "ImageData":
        p = fields.params(walk, layer, "image_data_param", what)
        new_h = fields.single(walk, p, "new_height", what)
        new_w = fields.single(walk, p, "new_width", what)
        height, width = (
            0 if f is None else fields.count(walk, f, what, minimum=0) for f in (new_h, new_w)
        )
        if height and width:  # 0, Caffe's default, keeps each image's own size
            return DataInput(
                (channels, height, width),
                f"its new_height and new_width, {height}×{width}, with {channels} channels",
            )
    return DataInput(None, "")


def _dummy(walk: Reporter, layer: Message, what: str) -> DataInput:
    p = fields.params(walk, layer, "dummy_data_param", what)
    shapes = list(p.messages("shape"))
    if shapes:
        dims = list(shapes[0].all("dim"))
        shape = fields.image_shape(walk, dims, shapes[0].line, what)
        return DataInput(shape, "the shape of its dummy_data_param")
    sizes = [p.first(n) for n in ("channels", "height", "width")]
    if all(s is not None for s in sizes):
        c, h, w = (fields.count(walk, s, what) for s in sizes if s is not None)
        return DataInput((c, h, w), "the channels, height and width of its dummy_data_param")
    return DataInput(None, "")


def _crop(walk: Reporter, layer: Message, what: str) -> int | None:
    for place in CROP_PLACES:
        p = fields.params(walk, layer, place, what)
        found = fields.single(walk, p, "crop_size", what)
        if found is not None:
            size = fields.count(walk, found, what, minimum=0)
            return size or None  # 0 is Caffe's default: no crop
    return None


def _channels(walk: Reporter, layer: Message, kind: str, what: str) -> tuple[int, bool]:
    """The image's channels, and whether the file says so (else 3 is assumed)."""
    transform = fields.params(walk, layer, "transform_param", what)
    for name, channels in (("force_gray", 1), ("force_color", 3)):
        f = fields.single(walk, transform, name, what)
        if f is not None and fields.flag(walk, f, what):
            return channels, True
    if kind == "ImageData":
        colour: Field | None = fields.single(
            walk, fields.params(walk, layer, "image_data_param", what), "is_color", what
        )
        return (3 if colour is None or fields.flag(walk, colour, what) else 1), True
    means = list(transform.all("mean_value"))
    if len(means) == 3:
        return 3, True
    return 3, False
