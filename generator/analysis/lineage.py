"""How a variant differs from a base network, layer by layer. Pure.

Layers are aligned by kind (difflib over the sequence of kinds, which finds the longest common
runs), so an inserted normalisation or a moved pooling layer shows as one change rather than a
cascade; aligned layers are then compared field by field, and so are their output shapes. Each
difference is data (which field, from what, to what); the pages word it
(:func:`generator.render.phrasing.difference_text`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from generator.core.results import Analysis, LayerResult, Shape

#: Fields that name or describe a layer rather than define it.
IGNORED = frozenset({"name", "note", "kind"})


@dataclass(frozen=True, slots=True)
class Setting:
    """A setting that differs: a field of a layer (its spec value), or the network's towers."""

    field: str
    was: object
    now: object


@dataclass(frozen=True, slots=True)
class Reshaped:
    """A shape that differs: a layer's output, or the network's input (``what``)."""

    what: str
    was: Shape
    now: Shape


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference: the base layer, the variant's layer (either may be absent), and what.

    Between two matched layers (or the networks themselves, both absent), :attr:`changes` lists
    every field and shape that differs; a layer only one network has gives its :attr:`kind`,
    and for an added layer its output."""

    base: str | None
    variant: str | None
    changes: tuple[Setting | Reshaped, ...] = ()
    kind: str | None = None
    """A layer only one network has: its kind (removed when :attr:`variant` is None)."""
    output: Shape | None = None
    """An added layer's output."""


def _fields(a: LayerResult, b: LayerResult) -> tuple[Setting | Reshaped, ...]:
    changes: list[Setting | Reshaped] = []
    left, right = a.layer.model_dump(), b.layer.model_dump()
    for field in left:
        if field in IGNORED or field not in right:
            continue
        if left[field] != right[field]:
            changes.append(Setting(field, getattr(a.layer, field), getattr(b.layer, field)))
    if a.output != b.output:
        changes.append(Reshaped("output", a.output, b.output))
    return tuple(changes)


def differences(
    base: Analysis, variant: Analysis, *, by_name: bool = False
) -> tuple[Difference, ...]:
    """Everything that differs between ``base`` and ``variant``, in layer order.

    Layers are aligned by kind, or with ``by_name`` by kind and name: a variant that keeps its
    parent's names (VGG-19's three added convolutions) then shows each change where it is.
    """
    found: list[Difference] = []
    if base.input != variant.input:
        found.append(Difference(None, None, (Reshaped("input", base.input, variant.input),)))
    if base.spec.towers != variant.spec.towers:
        towers = Setting("towers", base.spec.towers, variant.spec.towers)
        found.append(Difference(None, None, (towers,)))

    def key(r: LayerResult) -> tuple[str, str]:
        return (r.kind, r.name if by_name else "")

    matcher = difflib.SequenceMatcher(
        a=[key(r) for r in base.layers], b=[key(r) for r in variant.layers], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        left, right = base.layers[i1:i2], variant.layers[j1:j2]
        if tag == "equal":
            for a, b in zip(left, right, strict=True):
                changes = _fields(a, b)
                if changes:
                    found.append(Difference(a.name, b.name, changes))
            continue
        for a in left:
            found.append(Difference(a.name, None, kind=a.kind))
        for b in right:
            found.append(Difference(None, b.name, kind=b.kind, output=b.output))
    return tuple(found)
