"""PyTorch modules as drafts of specs, through an ONNX export.

``package.module:callable`` (or ``path/to/file.py:callable``) names something that, called with
no arguments, builds a ``torch.nn.Module``: a class, or a function such as
``torchvision.models:alexnet``. The importer builds it on the CPU, exports it to ONNX in memory and
imports that (:mod:`generator.load.importers.onnx_model`), so a PyTorch model gets the same checks
as an ONNX file: every layer's shape against ONNX's shape inference, its parameters against the
exported weights. An export is chosen over ``torch.fx`` because it records what the module
computes for a real input (its shapes and padding as run), not Python calls to interpret.

The export uses PyTorch's TorchScript-based exporter (``dynamo=False``): the newer one needs the
``onnxscript`` package, which the project does not install. It is asked for the graph only
(``export_params=False``): the weights' shapes are what the importer reads, and a large network's
weights would be written out for nothing; the image input is named ``image``, and every other
input is a parameter. ``nn.LocalResponseNorm`` is the one module the exporter breaks into a dozen
operators (powers, a 3-D average pooling, reshapes); before the export each is wrapped so that it
is written as ONNX's own ``LRN`` operator, with the same constants.

The module is exported in inference mode, but with ``training=TrainingMode.PRESERVE`` rather than
``EVAL``: in ``EVAL`` the exporter's "eval peephole" pass folds each ``BatchNorm2d`` into the
convolution before it (``_jit_pass_onnx_eval_peephole``, run with constant folding; PyTorch 2.13,
``torch/onnx/_internal/torchscript_exporter/utils.py``, ``_model_to_graph``), and its scale and
shift, two parameters per channel, vanish from the graph: a ResNet-50 would come out 26,560
parameters short. ``PRESERVE`` keeps the mode the module is in (``eval()``, set before) and skips
that pass, while constant folding still works out the shapes and paddings an export computes.
The spec's parameters must then be the module's, ``sum(p.numel() for p in module.parameters())``,
or nothing is written (:class:`~generator.load.importers.draft.Total`).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import sys
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.load.importers.draft import Draft, Total
from generator.load.importers.errors import ModelError

FORMAT = "PyTorch module"
#: The input a module is exported with when none is given.
DEFAULT_INPUT = (3, 224, 224)
#: The name the export gives the image input.
IMAGE = "image"
#: Where a module's parameter total comes from, for messages.
HELD = "the module's parameters (the sum of p.numel() over module.parameters()) hold"
#: What to install for this importer.
INSTALL = "pip install torch==2.13.0 (the CPU build) and pip install -e '.[import]'"


def is_target(source: str) -> bool:
    """Whether ``source`` reads as ``package.module:callable`` or ``file.py:callable``."""
    module, colon, attribute = source.rpartition(":")
    if not colon or not module or not attribute:
        return False
    if module.endswith(".py"):
        return True
    return all(part.isidentifier() for part in (*module.split("."), *attribute.split(".")))


def _torch() -> ModuleType:
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ModelError([f"importing a PyTorch module needs PyTorch: {INSTALL}"]) from None


def _module(source: str, name: str) -> ModuleType:
    if name.endswith(".py"):
        path = Path(name)
        if not path.is_file():
            raise ModelError([f"{source}: no such file: {name}"])
        spec = importlib.util.spec_from_file_location(f"_imported_{path.stem}", path)
        if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has one
            raise ModelError([f"{source}: {name} cannot be loaded as Python"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return importlib.import_module(name)


@contextlib.contextmanager
def _current_folder_importable() -> Iterator[None]:
    """``package.module`` found in the current folder, as ``python -m`` would find it."""
    added = "" not in sys.path and "." not in sys.path
    if added:
        sys.path.insert(0, "")
    try:
        yield
    finally:
        if added:
            sys.path.remove("")


def build(source: str) -> Any:
    """The ``torch.nn.Module`` that ``source`` (``package.module:callable``) builds."""
    torch = _torch()
    name, _, attribute = source.rpartition(":")
    try:
        with _current_folder_importable():
            found: Any = _module(source, name)
    except ModelError:
        raise
    except Exception as error:  # importing the contributor's code may fail in any way
        raise ModelError(
            [f"{source}: importing {name} failed: {type(error).__name__}: {error}"]
        ) from None
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise ModelError([f"{source}: {name} has no {attribute!r}"])
        found = getattr(found, part)
    if not callable(found):
        raise ModelError([f"{source}: {attribute} is not a class or a function"])
    try:
        model = found()
    except Exception as error:  # so may building their module
        raise ModelError(
            [f"{source}: calling {attribute}() failed: {type(error).__name__}: {error}"]
        ) from None
    if not isinstance(model, torch.nn.Module):
        raise ModelError(
            [f"{source}: {attribute}() returned a {type(model).__name__}, not a torch.nn.Module"]
        )
    return model


def _lrn_as_operator(torch: ModuleType, model: Any) -> None:
    """Each ``nn.LocalResponseNorm`` wrapped to be exported as ONNX's ``LRN`` operator."""
    nn = torch.nn
    function: Any = torch.autograd.Function
    module: Any = nn.Module

    class LocalResponseNorm(function):  # type: ignore[misc]
        @staticmethod
        def forward(ctx: Any, x: Any, size: int, alpha: float, beta: float, k: float) -> Any:
            return nn.functional.local_response_norm(x, size, alpha, beta, k)

        @staticmethod
        def symbolic(g: Any, x: Any, size: int, alpha: float, beta: float, k: float) -> Any:
            return g.op("LRN", x, size_i=size, alpha_f=alpha, beta_f=beta, bias_f=k)

    class AsOperator(module):  # type: ignore[misc]
        def __init__(self, lrn: Any) -> None:
            super().__init__()
            self.size, self.alpha, self.beta, self.k = lrn.size, lrn.alpha, lrn.beta, lrn.k

        def forward(self, x: Any) -> Any:
            return LocalResponseNorm.apply(x, self.size, self.alpha, self.beta, self.k)

    for parent in list(model.modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, nn.LocalResponseNorm):
                setattr(parent, child_name, AsOperator(child))


def modules(model: Any) -> dict[str, str]:
    """Each submodule's class by its path (``features.0`` → ``nn.Conv2d``; the model's own is
    ``""``), for messages to say which module made a node."""
    found = {}
    for path, module in model.named_modules():
        kind = type(module)
        prefix = "nn." if kind.__module__.startswith("torch.nn.") else ""
        found[path] = f"{prefix}{kind.__name__}"
    return found


def export(source: str, model: Any, shape: tuple[int, int, int]) -> bytes:
    """``model`` run on one zero image of ``shape`` and exported as an ONNX graph, in memory."""
    torch = _torch()
    model.eval()
    _lrn_as_operator(torch, model)
    buffer = io.BytesIO()
    try:
        with warnings.catch_warnings(), torch.no_grad():
            # The TorchScript exporter warns that it is deprecated and about tracing; the graph
            # it writes is checked node by node by the ONNX importer instead.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model,
                (torch.zeros(1, *shape),),
                buffer,
                dynamo=False,
                export_params=False,
                training=torch.onnx.TrainingMode.PRESERVE,
                input_names=[IMAGE],
            )
    except Exception as error:  # and running it, or exporting what it does
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ModelError(
            [
                f"{source}: exporting to ONNX with a 1×{'×'.join(map(str, shape))} input failed: {type(error).__name__}: {first}"
            ]
        ) from None
    return buffer.getvalue()


def to_draft(source: str, *, input_shape: tuple[int, int, int] | None = None) -> Draft:
    """The draft of the module ``source`` builds, exported with a ``1 × input_shape`` image."""
    # Imported here: the ONNX importer needs the optional onnx package, checked by the caller.
    from generator.load.importers import onnx_model

    shape = input_shape or DEFAULT_INPUT
    model = build(source)
    classes = modules(model)
    data = export(source, model, shape)
    title = source.rpartition(":")[2]
    draft = onnx_model.to_draft(
        data,
        Path(f"{title}.onnx"),
        shown=source,
        input_shape=shape,
        source=source,
        format=FORMAT,
        citation=f"TODO: who published it, where, which version. {source}, built by calling it.",
        image=IMAGE,
        modules=classes,
    )
    note = (
        f"Exported to ONNX with a 1×{'×'.join(map(str, shape))} input"
        + ("" if input_shape else " (the default; choose another with --input CxHxW)")
        + "; layers are named by their module paths. The spec's parameters are the module's "
        "own: the sum of p.numel() over module.parameters()."
    )
    return Draft(
        title=title,
        input=draft.input,
        layers=draft.layers,
        format=FORMAT,
        source=source,
        citation=draft.citation,
        states=draft.states,
        notes=(note, *draft.notes),
        total=total(model, draft),
    )


def total(model: Any, draft: Draft) -> Total:
    """What the module holds, and which of its parameters the imported layers read not once."""
    parameters = dict(model.named_parameters())
    read = Counter(name for layer in draft.layers for name in layer.expected.weights)
    return Total(
        params=sum(p.numel() for p in parameters.values()),
        what=HELD,
        unread=tuple(name for name in parameters if name not in read),
        shared=tuple(name for name in parameters if read[name] > 1),
    )
