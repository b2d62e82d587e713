"""How a variant differs from a base network, layer by layer. Pure.

Layers are aligned by kind (difflib over the sequence of kinds, which finds the longest common
runs), so an inserted normalisation or a moved pooling layer shows as one change rather than a
cascade; aligned layers are then compared field by field, and so are their output shapes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from generator.core import formatting
from generator.core.results import Analysis, LayerResult

#: Fields that name or describe a layer rather than define it.
IGNORED = frozenset({"name", "note", "kind"})


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference: the base layer, the variant's layer (either may be absent), and what."""

    base: str | None
    variant: str | None
    what: str


def _value(value: object) -> str:
    if hasattr(value, "value"):
        return str(value.value)
    if isinstance(value, tuple) and len(value) == 2 and value[0] == value[1]:
        return str(value[0])
    if hasattr(value, "model_dump"):
        sides = value.model_dump()
        if len(set(sides.values())) == 1:
            return str(next(iter(sides.values())))
        return " ".join(f"{k[0]}{v}" for k, v in sides.items())
    return str(value)


def _fields(a: LayerResult, b: LayerResult) -> list[str]:
    changes = []
    left, right = a.layer.model_dump(), b.layer.model_dump()
    for field in left:
        if field in IGNORED or field not in right:
            continue
        if left[field] != right[field]:
            before, after = getattr(a.layer, field), getattr(b.layer, field)
            changes.append(f"{field} {_value(before)} → {_value(after)}")
    if a.output != b.output:
        changes.append(f"output {formatting.shape(a.output)} → {formatting.shape(b.output)}")
    return changes


def differences(
    base: Analysis, variant: Analysis, *, by_name: bool = False
) -> tuple[Difference, ...]:
    """Everything that differs between ``base`` and ``variant``, in layer order.

    Layers are aligned by kind, or with ``by_name`` by kind and name: a variant that keeps its
    parent's names (VGG-19's three added convolutions) then shows each change where it is.
    """
    found: list[Difference] = []
    if base.input != variant.input:
        found.append(
            Difference(
                None,
                None,
                f"input {formatting.shape(base.input)} → {formatting.shape(variant.input)}",
            )
        )
    if base.spec.towers != variant.spec.towers:
        found.append(Difference(None, None, f"towers {base.spec.towers} → {variant.spec.towers}"))

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
                    found.append(Difference(a.name, b.name, "; ".join(changes)))
            continue
        for a in left:
            found.append(Difference(a.name, None, f"{a.kind} removed"))
        for b in right:
            found.append(
                Difference(None, b.name, f"{b.kind} added, output {formatting.shape(b.output)}")
            )
    return tuple(found)
