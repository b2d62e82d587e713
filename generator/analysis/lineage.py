"""How a variant differs from a base network, layer by layer. Pure.

Layers are aligned by kind (difflib over the sequence of kinds, which finds the longest common
runs), so an inserted normalisation shows as one change rather than a cascade; a layer that sits
on the other side of one or two layers (CaffeNet's pooling before its normalisation) is one move,
and a layer of another kind under the same name (TF-slim's fully connected layers written as
convolutions) one replacement. Aligned layers are then compared field by field, and so are their
output shapes. Each difference is data (which field, from what, to what); the pages word it
(:func:`generator.render.phrasing.difference_text`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from generator.core.results import Analysis, LayerResult, Shape

#: Fields that name or describe a layer rather than define it. A layer's ``towers`` is compared
#: as the engine resolved it (a layer that names none has its network's).
IGNORED = frozenset({"name", "note", "kind", "towers"})
#: A layer moved past at most this many layers is one move, not a removal and an addition.
MOVE_SPAN = 2


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
class Moved:
    """A layer on the other side of a short run of layers: its kind, the kinds of the layers it
    moved past (in the base network's order), and whether it now comes after them."""

    kind: str
    past: tuple[str, ...]
    after: bool


@dataclass(frozen=True, slots=True)
class Replaced:
    """A layer of another kind under the same name (TF-slim's fully connected layers as
    convolutions): the base layer's kind and the variant's."""

    was: str
    now: str


Change = Setting | Reshaped | Moved | Replaced


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference: the base layer, the variant's layer (either may be absent), and what.

    Between two matched layers (or the networks themselves, both absent), :attr:`changes` lists
    every field and shape that differs; a layer only one network has gives its :attr:`kind`,
    and for an added layer its output."""

    base: str | None
    variant: str | None
    changes: tuple[Change, ...] = ()
    kind: str | None = None
    """A layer only one network has: its kind (removed when :attr:`variant` is None)."""
    output: Shape | None = None
    """An added layer's output."""


def _fields(a: LayerResult, b: LayerResult, *, towers: bool = True) -> tuple[Change, ...]:
    """What differs between two aligned layers; ``towers``: their towers too (not when the
    networks' own towers differ, which the network's difference says once)."""
    changes: list[Change] = []
    left, right = a.layer.model_dump(), b.layer.model_dump()
    for field in left:
        if field in IGNORED or field not in right:
            continue
        if left[field] != right[field]:
            changes.append(Setting(field, getattr(a.layer, field), getattr(b.layer, field)))
    if towers and a.towers != b.towers:
        changes.append(Setting("towers", a.towers, b.towers))
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
    towers = base.spec.towers == variant.spec.towers
    if not towers:
        found.append(
            Difference(None, None, (Setting("towers", base.spec.towers, variant.spec.towers),))
        )

    def key(r: LayerResult) -> tuple[str, str]:
        return (r.kind, r.name if by_name else "")

    matcher = difflib.SequenceMatcher(
        a=[key(r) for r in base.layers], b=[key(r) for r in variant.layers], autojunk=False
    )
    ops = matcher.get_opcodes()
    moved = _moves(ops, base, variant)
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        left, right = base.layers[i1:i2], variant.layers[j1:j2]
        if tag == "equal":
            for a, b in zip(left, right, strict=True):
                changes = _fields(a, b, towers=towers)
                if changes:
                    found.append(Difference(a.name, b.name, changes))
            continue
        if index in moved:
            a, b, move, _, _ = moved[index]
            found.append(Difference(a.name, b.name, (move, *_fields(a, b, towers=towers))))
            continue
        if any(index in (o[3], o[4]) for o in moved.values()):
            continue  # the other half of a move, said where the layer now is
        # The same name on both sides, another kind: one layer replaced, not two.
        names = {r.name: r for r in right}
        for a in left:
            same = names.pop(a.name, None)
            if same is None:
                found.append(Difference(a.name, None, kind=a.kind))
                continue
            shape = (Reshaped("output", a.output, same.output),) if a.output != same.output else ()
            found.append(Difference(a.name, same.name, (Replaced(a.kind, same.kind), *shape)))
        for b in right:
            if b.name in names:
                found.append(Difference(None, b.name, kind=b.kind, output=b.output))
    return tuple(found)


def _moves(
    ops: Sequence[tuple[str, int, int, int, int]], base: Analysis, variant: Analysis
) -> dict[int, tuple[LayerResult, LayerResult, Moved, int, int]]:
    """Layers moved past a short run: an insert, an equal run of at most :data:`MOVE_SPAN`
    layers and a delete of one layer of the same kind (or a delete, a run, an insert). Keyed by
    the index of the opcode where the layer now is (the insert), with the moved layer in both
    networks, the move, and the indices of the two opcodes it joins."""
    found: dict[int, tuple[LayerResult, LayerResult, Moved, int, int]] = {}
    used: set[int] = set()
    for index in range(len(ops) - 2):
        first, run, last = ops[index], ops[index + 1], ops[index + 2]
        if index in used or run[0] != "equal" or run[2] - run[1] > MOVE_SPAN:
            continue
        kinds = tuple(r.kind for r in base.layers[run[1] : run[2]])
        if first[0] == "insert" and last[0] == "delete":
            b, a, after = variant.layers[first[3] : first[4]], base.layers[last[1] : last[2]], False
        elif first[0] == "delete" and last[0] == "insert":
            a, b, after = base.layers[first[1] : first[2]], variant.layers[last[3] : last[4]], True
        else:
            continue
        if len(a) != 1 or len(b) != 1 or a[0].kind != b[0].kind:
            continue
        where = index if first[0] == "insert" else index + 2
        found[where] = (a[0], b[0], Moved(a[0].kind, kinds, after), index, index + 2)
        used.update((index, index + 2))
    return found
