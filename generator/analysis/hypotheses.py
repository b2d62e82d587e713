"""Hypotheses for a stated number: small, named changes of assumption that reproduce it exactly.

A source states a number that the spec's arithmetic does not give: the AlexNet paper's Figure 2
caption says conv1 has 253,440 neurons, but 96 × 55 × 55 = 290,400. :func:`explain` builds a
bounded set of candidate explanations from the spec's own hyperparameters and computed values, keeps
only those that reproduce the number *exactly*, and ranks them by how few assumptions they change,
then by simplicity. For 253,440 the best is Figure 2's two towers, 2 × 48 × 55 × 55, with one 55
written as 48 (the channels per tower, the number beside it): 2 × 48 × 48 × 55 = 253,440. When
nothing reproduces a number the answer is empty: a match is never forced.

The candidate families, each a small function below:

- the plain computation (no change);
- geometry: another input size, another symmetric padding or rounding rule, recomputed by the
  engine on a modified copy of the spec (one change, or two together);
- towers: one tower's share, or every tower counted in full;
- neighbours: the layer's input, or the output of the pooling layer that follows it;
- biases: parameters without biases, connections with biases;
- slips: one factor of the product replaced by another number of the spec (a typo);
- transpositions: two adjacent digits of the number swapped;
- parts: a part of the graph left out of a sum (the fully connected layers, the branches that
  feed one input of every merge, such as ResNet's projection shortcuts, the 1×1 reductions, the
  auxiliary classifiers, or one layer of a group).

A number stated for a group of layers (a table row covering an inception module) or rounded
("3.6 billion") is read by :func:`counts` and :func:`explain_count` only: the sum taken with parts
left out or the biases counted the other way, and for a rounded figure the computed value cut off
instead of rounded. Those readings are few and named; products, slips and geometry are not tried
on a rounded figure, which too many of them would fit.

Pure: no I/O, exact integers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

from generator.analysis import graph
from generator.analysis.rounding import count_rounds_to, count_truncates_to
from generator.core import engine, formatting
from generator.core.kinds import Product, kind_of
from generator.core.results import Analysis, LayerResult, Shape, counted
from generator.spec.models import (
    Conv,
    Pool,
    Quantity,
    Rounding,
    Sides,
    Spec,
)

#: The pseudo-layer name of the network's input, as in stated numbers.
INPUT = "input"
#: Quantities a number can be explained as.
QUANTITIES = (Quantity.NEURONS, Quantity.PARAMS, Quantity.MACS, Quantity.ACTIVATIONS)
#: Input sizes tried besides those near the spec's: crops that AlexNet variants are known to use.
WELL_KNOWN_CROPS = (224, 225, 227, 228, 231, 256)
#: Input sizes within this many pixels of the spec's are tried.
NEAR = 8
#: Symmetric paddings tried on a layer.
PADDINGS = (0, 1, 2, 3)
#: No hypothesis changes more assumptions than this.
MAX_CHANGES = 2


class Family(str, Enum):
    """Which kind of explanation a hypothesis is."""

    PLAIN = "plain"
    GEOMETRY = "geometry"
    TOWERS = "towers"
    BIASES = "biases"
    NEIGHBOUR = "neighbour"
    SLIP = "slip"
    TRANSPOSITION = "transposition"
    PARTS = "parts"
    ROUNDING = "rounding"


#: Among hypotheses changing as many assumptions, lower ranks come first: a different convention
#: (input size, rounding, towers, biases) before a different layer, before a typo.
FAMILY_RANK = {
    Family.PLAIN: 0,
    Family.GEOMETRY: 1,
    Family.TOWERS: 1,
    Family.BIASES: 1,
    Family.PARTS: 1,
    Family.NEIGHBOUR: 2,
    Family.ROUNDING: 2,
    Family.SLIP: 3,
    Family.TRANSPOSITION: 4,
}


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One explanation that reproduces a stated number exactly."""

    expression: str
    """How the number comes about: the factors joined with ``" × "`` (``"2 × 48 × 48 × 55"``);
    for a network total, the sum of the per-layer values."""
    factors: tuple[int, ...]
    """Whole numbers whose product is the number (the number itself for a sum)."""
    explanation: str
    """One plain sentence."""
    changes: tuple[str, ...]
    """Each assumption changed from the spec, in a few words; empty for the plain computation."""
    family: Family

    @property
    def value(self) -> int:
        return math.prod(self.factors)


def explain(
    analysis: Analysis,
    number: int,
    layer: str | None = None,
    quantity: Quantity = Quantity.NEURONS,
) -> tuple[Hypothesis, ...]:
    """Every hypothesis found that gives exactly ``number``, best first; empty when none does.

    ``layer`` names a layer of the analysis, or ``"input"``; ``None`` means the network total.
    For a layer, ``neurons`` counts its output values (conv and fc layers are the paper's neurons;
    a pooling layer's outputs are counted too, to explain a number stated for it). Raises
    ``KeyError`` for an unknown layer and ``ValueError`` for a negative number or a quantity that
    is not a count.
    """
    if number < 0:
        raise ValueError(f"a count is never negative, got {number}")
    if quantity not in QUANTITIES:
        raise ValueError(f"{quantity.value} is not a count")
    if layer is not None and layer != INPUT:
        analysis.layer(layer)  # KeyError for an unknown layer
    target = _Target(layer, quantity)
    pool = numbers(analysis)
    found: list[_Found] = []
    table: dict[int, _Found] = {}
    for variant in _variants(analysis, target, pool):
        for reading in target.readings(variant.analysis):
            candidate = _combine(variant, reading)
            if candidate is None:
                continue
            value = candidate.hypothesis.value
            if value == number:
                found.append(candidate)
            if len(candidate.hypothesis.changes) < MAX_CHANGES:
                best = table.get(value)
                if best is None or candidate.key < best.key:
                    table[value] = candidate
    found.extend(_slips(analysis, target, number, pool))
    found.extend(_transpositions(number, table))
    return _ranked(found)


def plain_value(analysis: Analysis, layer: str | None, quantity: Quantity) -> int:
    """The number as the spec computes it: what the plain hypothesis would have to match."""
    return _Target(layer, quantity).readings(analysis)[0].value


# --- internals ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way of reading the asked-for number off an analysis: a product, or a sum of products."""

    what: str
    terms: tuple[Product, ...]
    family: Family = Family.PLAIN
    change: str | None = None
    order: int = 0

    @property
    def value(self) -> int:
        return sum(t.value for t in self.terms)

    @property
    def factors(self) -> tuple[int, ...]:
        return self.terms[0].factors if len(self.terms) == 1 else (self.value,)

    @property
    def expression(self) -> str:
        if len(self.terms) == 1:
            return self.terms[0].text
        return " + ".join(str(t.value) for t in self.terms)

    @property
    def names(self) -> str:
        return " × ".join(self.terms[0].names) if len(self.terms) == 1 else ""


@dataclass(frozen=True, slots=True)
class _Change:
    """One changed assumption: how to apply it to a spec, and how to say it."""

    kind: str
    text: str
    """Short, for the hypothesis's ``changes``: ``"input 227×227 (spec: 224×224)"``."""
    phrase: str
    """For a sentence: ``"the input were 227×227 (the spec says 224×224)"``."""
    apply: Callable[[Spec], Spec]
    order: int = 0


@dataclass(frozen=True, slots=True)
class _Variant:
    analysis: Analysis
    changes: tuple[_Change, ...] = ()


@dataclass(frozen=True, slots=True)
class _Found:
    hypothesis: Hypothesis
    order: int

    @property
    def key(self) -> tuple[int, int, int, int, str]:
        h = self.hypothesis
        return (len(h.changes), FAMILY_RANK[h.family], self.order, len(h.factors), h.expression)


def _ranked(found: list[_Found]) -> tuple[Hypothesis, ...]:
    """Fewest changes first, then the likelier family, then the simpler expression; no repeats."""
    seen: set[str] = set()
    ranked: list[Hypothesis] = []
    for candidate in sorted(found, key=lambda f: f.key):
        if candidate.hypothesis.expression not in seen:
            seen.add(candidate.hypothesis.expression)
            ranked.append(candidate.hypothesis)
    return tuple(ranked)


def _combine(variant: _Variant, reading: _Reading) -> _Found | None:
    """A reading of a varied analysis as a hypothesis, unless it changes too much."""
    changes = tuple(c.text for c in variant.changes)
    if reading.change is not None:
        changes += (reading.change,)
    if len(changes) > MAX_CHANGES:
        return None
    family = reading.family
    if variant.changes and family is Family.PLAIN:
        family = Family.GEOMETRY
    if variant.changes:
        condition = ", if " + " and ".join(c.phrase for c in variant.changes)
    else:
        condition = "" if reading.change else ", as the spec computes it"
    names = f", {reading.names}" if reading.names else ""
    explanation = f"{reading.what}{names}{condition}."
    order = reading.order + sum(c.order for c in variant.changes)
    return _Found(
        Hypothesis(reading.expression, reading.factors, explanation, changes, family), order
    )


# --- what is being explained --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Target:
    """A layer's (or the input's, or the network's) count of one quantity."""

    layer: str | None
    quantity: Quantity

    @property
    def volume(self) -> bool:
        return self.quantity in (Quantity.NEURONS, Quantity.ACTIVATIONS)

    def readings(self, analysis: Analysis) -> list[_Reading]:
        """The plain reading first, then the ones that change how the count is taken."""
        if self.layer is None:
            return _total_readings(analysis, self.quantity)
        if self.layer == INPUT:
            return [_Reading("The input", (_volume_term(analysis.input),))]
        result = analysis.layer(self.layer)
        plain = _plain_term(result, self.quantity)
        noun = _noun(result, self.quantity)
        readings = [_Reading(f"The {noun} of {result.name}", (plain,))]
        readings.extend(_tower_readings(result, plain, noun))
        readings.extend(_bias_readings(result, self.quantity))
        if self.volume:
            readings.extend(_neighbour_readings(analysis, result))
        return readings

    def terms(self, analysis: Analysis) -> list[tuple[str, Product, int]]:
        """The products the plain value sums, each with its layer and tower count, for slips."""
        if self.layer is None:
            return [
                (r.name, _plain_term(r, self.quantity), r.towers)
                for r in analysis.layers
                if _layer_value(r, self.quantity)
            ]
        if self.layer == INPUT:
            return [(INPUT, _volume_term(analysis.input), 1)]
        result = analysis.layer(self.layer)
        return [(result.name, _plain_term(result, self.quantity), result.towers)]

    def last_index(self, analysis: Analysis) -> int | None:
        """The last layer a reading looks at: the layer, or the pooling layer just after it."""
        if self.layer is None:
            return None
        if self.layer == INPUT:
            return 0
        index = analysis.layer(self.layer).index
        if self.volume:
            after = _next_windowed(analysis, index)
            if after is not None:
                return after.index
        return index


def _noun(result: LayerResult, quantity: Quantity) -> str:
    if quantity is Quantity.PARAMS:
        return "parameters"
    if quantity is Quantity.MACS:
        return "multiply-accumulates"
    return "output"


def _layer_value(result: LayerResult, quantity: Quantity) -> int:
    """What a layer adds to a network total (neurons: conv and fc outputs only)."""
    return counted(result, quantity)


def _volume_term(shape: Shape) -> Product:
    """``C × H × W`` for a volume; ``N`` for a vector."""
    if len(shape) == 3:
        return Product(tuple(shape), ("channels", "height", "width"), (True, True, True))
    return Product(tuple(shape), ("values",) * len(shape), (True,) * len(shape))


def _plain_term(result: LayerResult, quantity: Quantity, *, flip_bias: bool = False) -> Product:
    """The layer's count as a product: its output ``C × H × W`` (or ``N``) for neurons, and its
    kind's own product for parameters and multiply-accumulates (:mod:`generator.core.kinds`)."""
    if quantity in (Quantity.NEURONS, Quantity.ACTIVATIONS):
        return _volume_term(result.output)
    found = kind_of(result.layer).product(result, quantity, flip_bias=flip_bias)
    return found if found is not None else Product((0,), ("nothing",), (False,))


def _split(term: Product, towers: int) -> Product | None:
    """``C × …`` as ``towers × C/towers × …``, as Figure 2 draws it; None when it does not split."""
    first = term.factors[0]
    if towers < 2 or first == 0 or first % towers:
        return None
    return Product(
        (towers, first // towers, *term.factors[1:]),
        ("towers", f"{term.names[0]} per tower", *term.names[1:]),
        (True, True, *term.slippable[1:]),
    )


def _tower_readings(result: LayerResult, plain: Product, noun: str) -> list[_Reading]:
    """One tower's share, ``C/t × …``, and every tower counted in full, ``t × C × …``."""
    towers = result.towers
    split = _split(plain, towers)
    if split is None:
        return []
    one = Product(split.factors[1:], split.names[1:], split.slippable[1:])
    every = Product((towers, *plain.factors), ("towers", *plain.names), (True, *plain.slippable))
    return [
        _Reading(
            f"The {noun} of {result.name} on one of its {towers} towers (GPUs) only",
            (one,),
            Family.TOWERS,
            f"one tower only (÷{towers})",
        ),
        _Reading(
            f"The {noun} of {result.name} counted in full on each of its {towers} towers",
            (every,),
            Family.TOWERS,
            f"counted once per tower (×{towers})",
            1,
        ),
    ]


def _bias_readings(result: LayerResult, quantity: Quantity) -> list[_Reading]:
    """Parameters without the biases: ``C_out × (C_in / g) × k_h × k_w``; connections with them:
    ``C_out × H × W × ((C_in / g)·k_h·k_w + 1)``."""
    if not result.biases:
        return []
    if quantity is Quantity.PARAMS:
        return [
            _Reading(
                f"The weights of {result.name}, without its {result.biases} biases",
                (_plain_term(result, quantity, flip_bias=True),),
                Family.BIASES,
                "biases not counted",
            )
        ]
    if quantity is Quantity.MACS:
        return [
            _Reading(
                f"The connections of {result.name}, a bias counted as one more input of each output",
                (_with_bias_connections(result),),
                Family.BIASES,
                "biases counted as connections",
            )
        ]
    return []


def _with_bias_connections(result: LayerResult) -> Product:
    return _plain_term(result, Quantity.MACS, flip_bias=True)


def _neighbour_readings(analysis: Analysis, result: LayerResult) -> list[_Reading]:
    """The layer's input (the previous layer's output), or the output of the pooling layer after it."""
    readings = []
    if tuple(result.input) != tuple(result.output):
        source = _previous(analysis, result.index)
        readings.append(
            _Reading(
                f"The input of {result.name}, "
                + ("the image" if source is None else f"the output of {source.name}"),
                (_volume_term(result.input),),
                Family.NEIGHBOUR,
                f"counted before {result.name}",
            )
        )
    after = _next_windowed(analysis, result.index)
    if after is not None and tuple(after.output) != tuple(result.output):
        readings.append(
            _Reading(
                f"The output of {after.name}, the layer after {result.name}",
                (_volume_term(after.output),),
                Family.NEIGHBOUR,
                f"counted after {after.name}",
            )
        )
    return readings


def _previous(analysis: Analysis, index: int) -> LayerResult | None:
    """The layer that made the input of layer ``index``, looking past layers that pass values
    through (None: the image). A merge's first input is followed."""
    name = analysis.layers[index].inputs[0]
    while name != engine.INPUT:
        result = analysis.layer(name)
        if not kind_of(result.layer).passthrough:
            return result
        name = result.inputs[0]
    return None


def _next_windowed(analysis: Analysis, index: int) -> LayerResult | None:
    """The pooling layer that reads layer ``index`` (through activations and LRN), if any."""
    name = analysis.layers[index].name
    for result in analysis.layers[index + 1 :]:
        if name not in result.inputs:
            continue
        kind = kind_of(result.layer)
        if kind.passthrough:
            name = result.name
            continue
        return result if kind.pooling else None
    return None


def _total_readings(analysis: Analysis, quantity: Quantity) -> list[_Reading]:
    """The network total as the sum of its layers' products, and ways of taking it differently."""
    layers = [r for r in analysis.layers if _layer_value(r, quantity)]
    plain = tuple(_plain_term(r, quantity) for r in layers)
    what = {
        Quantity.NEURONS: "The network's neurons, summed over its conv and fc layers",
        Quantity.PARAMS: "The network's parameters, summed over its layers",
        Quantity.MACS: "The network's multiply-accumulates, summed over its layers",
        Quantity.ACTIVATIONS: "Every layer's output values, summed",
    }[quantity]
    readings = [_Reading(what, plain or (Product((0,), ("nothing",), (False,)),))]
    shares = [_split(t, r.towers) for t, r in zip(plain, layers, strict=True)]
    if any(s is not None for s in shares):
        one = tuple(
            t if s is None else Product(s.factors[1:], s.names[1:], s.slippable[1:])
            for t, s in zip(plain, shares, strict=True)
        )
        readings.append(
            _Reading(
                f"{what}, each split layer counted on one tower only",
                one,
                Family.TOWERS,
                "one tower only",
            )
        )
    if quantity is Quantity.NEURONS:
        readings.append(
            _Reading(
                f"{what}, with the input's values counted as neurons too",
                (_volume_term(analysis.input), *plain),
                Family.NEIGHBOUR,
                "input counted as neurons",
            )
        )
    if quantity is Quantity.PARAMS and analysis.totals.biases:
        readings.append(
            _Reading(
                f"{what}, without the biases",
                tuple(_plain_term(r, quantity, flip_bias=True) for r in layers),
                Family.BIASES,
                "biases not counted",
            )
        )
    if quantity is Quantity.MACS and analysis.totals.biases:
        readings.append(
            _Reading(
                f"{what}, a bias counted as one more input of each output",
                tuple(
                    _with_bias_connections(r) if r.biases else _plain_term(r, quantity)
                    for r in layers
                ),
                Family.BIASES,
                "biases counted as connections",
            )
        )
    everything = frozenset(r.index for r in analysis.layers)
    for part in parts(analysis, quantity, everything):
        kept = tuple(_plain_term(r, quantity) for r in layers if r.index not in part.layers)
        if kept:
            readings.append(_Reading(f"{what}, with {part.text}", kept, Family.PARTS, part.change))
    return readings


# --- parts of the graph left out ----------------------------------------------------------------

#: What a count counts, as a sentence says it.
NOUNS = {
    Quantity.NEURONS: "neurons",
    Quantity.PARAMS: "parameters",
    Quantity.MACS: "multiply-accumulates",
    Quantity.ACTIVATIONS: "output values",
}
#: How the finder names the branches into a merge, by the input they feed.
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")
#: A part's description names this many layers, then says how many more.
NAMED = 3


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the graph a count may leave out: its layers, and how to say it."""

    key: str
    """What the same part is called in another group or network: ``fc``, ``aux``, ``reduce``,
    ``branch:add:1/2`` (the first of an add's two inputs), ``layer:5x5_reduce``."""
    text: str
    """For a sentence: ``"the fully connected layers (fc6, fc7, fc8) left out"``."""
    change: str
    """Short, for a hypothesis's ``changes``."""
    layers: frozenset[int]
    """The indices of its layers."""


def parts(analysis: Analysis, quantity: Quantity, scope: frozenset[int]) -> tuple[Part, ...]:
    """The parts of ``scope`` (layer indices) a count of ``quantity`` could leave out.

    The fully connected layers; the auxiliary classifiers (:func:`graph.auxiliary`); for each
    kind of branch (:attr:`graph.Arm.key`), the branches of that kind, such as ResNet's three
    projection shortcuts; the 1×1 reductions (:func:`graph.reductions`); and, in a group of
    layers (one table row), each of its layers with weights. A part that leaves out nothing of
    the count, or all of it, is no reading; two parts with the same layers are one.
    """
    counted_in = [r for r in analysis.layers if r.index in scope and counted(r, quantity)]
    if len(counted_in) < 2:
        return ()
    everything = frozenset(r.index for r in counted_in)
    group = len(scope) < len(analysis.layers)
    found: list[Part] = []
    fc = [r for r in counted_in if graph.dense(r)]
    found.append(_part("fc", "the fully connected layers", fc))
    aux = [r for r in graph.auxiliary(analysis) if r.index in everything]
    found.append(_part("aux", "the auxiliary classifiers", aux))
    if group:
        # A row's own layers first: a branch of one layer is better named by that layer.
        prefix = common_prefix([r.name for r in counted_in])
        for r in counted_in:
            found.append(_part(f"layer:{r.name[len(prefix) :]}", r.name, [r]))
    by_key: dict[tuple[str, int, int], list[LayerResult]] = {}
    for arm in graph.arms(analysis):
        by_key.setdefault(arm.key, []).extend(r for r in arm.layers if r.index in everything)
    for (kind, position, inputs), members in by_key.items():
        place = ORDINALS[position] if position < len(ORDINALS) else f"input {position + 1}"
        found.append(
            _part(
                f"branch:{kind}:{position + 1}/{inputs}",
                f"the {place} branch of each {kind}",
                members,
            )
        )
    reductions = [r for r in graph.reductions(analysis) if r.index in everything]
    found.append(_part("reduce", "the 1×1 reductions", reductions))
    unique: dict[frozenset[int], Part] = {}
    for part in found:
        if part.layers and part.layers != everything and part.layers not in unique:
            unique[part.layers] = part
    return tuple(unique.values())


def _part(key: str, noun: str, layers: list[LayerResult]) -> Part:
    """A part named ``noun``, its layers with weights listed after it (unless it is one layer)."""
    named = [r.name for r in layers if graph.weighted(r)] or [r.name for r in layers]
    if len(layers) == 1 and noun == layers[0].name:
        text = noun
    else:
        listed = ", ".join(named[:NAMED])
        text = f"{noun} ({listed}{f', … {len(named)} layers' if len(named) > NAMED else ''})"
    return Part(key, f"{text} left out", f"{noun} left out", frozenset(r.index for r in layers))


def common_prefix(names: list[str]) -> str:
    """The dotted prefix a group's names share: ``inception_3a.`` for an inception module."""
    first, *rest = names
    cut = first.rfind(".") + 1
    while cut and not all(n.startswith(first[:cut]) for n in rest):
        cut = first.rfind(".", 0, cut - 1) + 1
    return first[:cut]


@dataclass(frozen=True, slots=True)
class Count:
    """One way of taking a count over a layer, a group of layers or the network."""

    plain: int
    """The count as the spec computes it."""
    value: int
    """The count taken this way."""
    what: str
    """What is counted, as a sentence begins: ``"The parameters of inception_3a"``."""
    changes: tuple[str, ...] = ()
    """What differs from the plain count; empty for it."""
    phrases: tuple[str, ...] = ()
    """The same, for a sentence."""
    keys: tuple[str, ...] = ()
    """The same, as :attr:`Part.key` (and ``biases``): alike in every group and network."""
    family: Family = Family.PLAIN

    @property
    def expression(self) -> str:
        """``163,696 − 6,176``: the plain count and what this way takes off or adds."""
        delta = self.value - self.plain
        if not delta:
            return formatting.count(self.plain)
        sign = "−" if delta < 0 else "+"
        return f"{formatting.count(self.plain)} {sign} {formatting.count(abs(delta))}"

    @property
    def sentence(self) -> str:
        return self.what + (", with " + " and ".join(self.phrases) if self.phrases else "")


def scope_of(analysis: Analysis, layer: str | None, first: str | None = None) -> frozenset[int]:
    """The layers a stated number covers: one, a group (``first`` through ``layer``) or all."""
    if layer is None:
        return frozenset(r.index for r in analysis.layers)
    end = analysis.layer(layer).index
    start = analysis.layer(first).index if first is not None else end
    return frozenset(range(start, end + 1))


def counts(
    analysis: Analysis, quantity: Quantity, layer: str | None = None, first: str | None = None
) -> tuple[Count, ...]:
    """Every way the finder takes a count over a layer, a group or the network: the plain sum,
    then one change (the biases counted the other way, or one part left out, :func:`parts`),
    then both. Each is a sum of the layers' own values: no engine run.

    Raises ``KeyError`` for an unknown layer.
    """
    scope = scope_of(analysis, layer, first)
    members = [r for r in analysis.layers if r.index in scope]
    plain_values = {r.index: counted(r, quantity) for r in members}
    flipped_values = _flipped(members, quantity)
    plain = sum(plain_values.values())
    about = "the network" if layer is None else (layer if first is None else f"{first}…{layer}")
    what = f"The {NOUNS[quantity]} of {about}"
    found = [Count(plain, plain, what)]
    bias = None
    if flipped_values is not None:
        bias = (
            ("biases not counted", "weights only", "biases")
            if quantity is Quantity.PARAMS
            else ("biases counted as connections", "a bias counted as one more input", "biases")
        )
        value = sum(flipped_values.values())
        found.append(Count(plain, value, what, (bias[0],), (bias[1],), (bias[2],), Family.BIASES))
    for part in parts(analysis, quantity, scope):
        for values, extra in ((plain_values, None), (flipped_values, bias)):
            if values is None:
                continue
            value = sum(v for i, v in values.items() if i not in part.layers)
            before = () if extra is None else (extra,)
            changes = (*(e[0] for e in before), part.change)
            phrases = (*(e[1] for e in before), part.text)
            keys = (*(e[2] for e in before), part.key)
            found.append(Count(plain, value, what, changes, phrases, keys, Family.PARTS))
    return tuple(found)


def _flipped(members: list[LayerResult], quantity: Quantity) -> dict[int, int] | None:
    """Each layer's count under the other bias convention; None when no layer has a bias."""
    if quantity not in (Quantity.PARAMS, Quantity.MACS) or not any(r.biases for r in members):
        return None
    return {
        r.index: (
            _plain_term(r, quantity, flip_bias=True).value if r.biases else counted(r, quantity)
        )
        for r in members
    }


def explain_count(
    analysis: Analysis,
    number: int,
    quantity: Quantity,
    layer: str | None = None,
    first: str | None = None,
    *,
    unit: int | None = None,
) -> tuple[Hypothesis, ...]:
    """The readings of :func:`counts` that give ``number``, best first: equal to it, or for a
    figure rounded to ``unit`` (``1,000`` for "380K"), equal once rounded half up to that unit,
    or cut off there (one change more). At most :data:`MAX_CHANGES` changes; empty when none
    fits."""
    found: list[tuple[tuple[int, int, int], Hypothesis]] = []
    for reading in counts(analysis, quantity, layer, first):
        fits: list[tuple[tuple[str, ...], str]] = []
        if unit is None and reading.value == number:
            fits.append((reading.changes, ""))
        if unit is not None:
            if reading.changes and count_rounds_to(reading.value, number, unit):
                fits.append((reading.changes, f", which rounds to {formatting.count(number)}"))
            short = len(reading.changes) < MAX_CHANGES
            if short and count_truncates_to(reading.value, number, unit):
                fits.append(
                    (
                        (*reading.changes, "rounded down"),
                        f", cut off (not rounded) to {formatting.count(number)}",
                    )
                )
        for changes, tail in fits:
            family = reading.family if reading.changes else Family.ROUNDING
            hypothesis = Hypothesis(
                reading.expression,
                (reading.value,),
                f"{reading.sentence}{tail}.",
                changes,
                family,
            )
            key = (len(changes), FAMILY_RANK[family], abs(reading.value - number))
            found.append((key, hypothesis))
    found.sort(key=lambda pair: pair[0])
    # A reading that adds a change to one that already fits says nothing more.
    kept: list[Hypothesis] = []
    for _, hypothesis in found:
        if not any(set(k.changes) < set(hypothesis.changes) for k in kept):
            kept.append(hypothesis)
    return tuple(kept)


# --- the spec's own numbers ---------------------------------------------------------------------


def numbers(analysis: Analysis) -> dict[int, str]:
    """Every whole number above 1 in the spec and its computed shapes, with where it first appears.

    These are the numbers a slip of the pen could write in place of another: ``48`` is
    "conv1's channels per tower", ``55`` "conv1's output size".
    """
    found: dict[int, str] = {}

    def note(value: int, where: str) -> None:
        if value > 1 and value not in found:
            found[value] = where

    channels, height, width = analysis.input
    note(channels, "the input's channels")
    note(height, "the input's height")
    note(width, "the input's width")
    note(analysis.spec.towers, "the number of towers")
    for result in analysis.layers:
        name = result.name
        for value, where in kind_of(result.layer).numbers(result):
            note(value, where)
        for size in result.output:
            note(size, f"{name}'s output size" if len(result.output) == 3 else f"{name}'s outputs")
    return found


# --- geometry: the same network under other assumptions ----------------------------------------


def _variants(analysis: Analysis, target: _Target, pool: dict[int, str]) -> Iterator[_Variant]:
    """The analysis itself, then the spec recomputed under one changed assumption, then two.

    Pairs are bounded: the input size with a padding or rounding change of the layer itself or a
    rounding change of the whole network (network totals: the input size with the rounding).
    """
    yield _Variant(analysis)
    spec = analysis.spec
    last = target.last_index(analysis)
    if last is not None:
        spec = spec.model_copy(update={"layers": spec.layers[: last + 1]})
    index = None
    if target.layer is not None and target.layer != INPUT:
        index = analysis.layer(target.layer).index
    inputs = _input_changes(analysis.spec, pool)
    layer_changes: list[_Change] = []
    windowed = _windowed(spec)
    for i in windowed if index is None else [index]:
        if i in windowed:
            layer_changes.extend(_padding_changes(spec, i))
            layer_changes.extend(_rounding_changes(spec, i))
    network = _network_rounding_changes(spec)
    if target.layer == INPUT:
        layer_changes, network = [], []
    singles = [*inputs, *layer_changes, *network]
    pairs: list[tuple[_Change, ...]] = [(a, b) for a in inputs for b in network]
    if index is not None:
        pairs += [(a, b) for a in inputs for b in layer_changes]
        paddings = [c for c in layer_changes if c.kind == "padding"]
        roundings = [c for c in layer_changes if c.kind == "rounding"]
        pairs += [(a, b) for a in paddings for b in [*roundings, *network]]
    for changes in [*((c,) for c in singles), *pairs]:
        varied = spec
        for change in changes:
            varied = change.apply(varied)
        try:
            yield _Variant(engine.analyse(analysis.name, varied), changes)
        except engine.GeometryError:
            continue


def _windowed(spec: Spec) -> list[int]:
    """Where the spec's windowed layers are: the finder may vary their padding and rounding."""
    return [i for i, item in enumerate(spec.layers) if kind_of(item).windowed]


def _input_changes(spec: Spec, pool: dict[int, str]) -> list[_Change]:
    """Input sizes within ``NEAR`` pixels of the spec's, well-known crops, and sizes the spec uses."""
    channels, height, width = spec.input
    sizes = {height + d for d in range(-NEAR, NEAR + 1)} | set(WELL_KNOWN_CROPS)
    sizes |= {n for n in pool if height // 2 <= n <= 2 * height}
    changes = []
    for size in sorted(sizes - {height}, key=lambda s: (abs(s - height), s)):
        new = (channels, size, width + size - height)
        if min(new) < 1:
            continue
        was, now = f"{height}×{width}", f"{new[1]}×{new[2]}"
        changes.append(
            _Change(
                "input",
                f"input {now} (spec: {was})",
                f"the input were {now} (the spec says {was})",
                _with_input(new),
                abs(size - height),
            )
        )
    return changes


def _with_input(shape: tuple[int, int, int]) -> Callable[[Spec], Spec]:
    return lambda spec: spec.model_copy(update={"input": shape})


def _with_layer(index: int, update: dict[str, object]) -> Callable[[Spec], Spec]:
    def apply(spec: Spec) -> Spec:
        layers = list(spec.layers)
        layers[index] = layers[index].model_copy(update=update)
        return spec.model_copy(update={"layers": tuple(layers)})

    return apply


def _padding_changes(spec: Spec, index: int) -> list[_Change]:
    """The same padding on all four sides, 0 to 3 pixels, in place of the layer's own."""
    layer = spec.layers[index]
    assert isinstance(layer, Conv | Pool)  # the finder varies windowed layers only
    was = layer.padding
    current = (
        was.top
        if isinstance(was, Sides) and len({was.top, was.bottom, was.left, was.right}) == 1
        else None
    )
    said = str(current) if current is not None else (was if isinstance(was, str) else "uneven")
    return [
        _Change(
            "padding",
            f"{layer.name} padding {p} (spec: {said})",
            f"{layer.name} were padded by {p} (the spec says {said})",
            _with_layer(index, {"padding": Sides(top=p, bottom=p, left=p, right=p)}),
            abs(p - current) if current is not None else p,
        )
        for p in PADDINGS
        if p != current
    ]


def _rounding_changes(spec: Spec, index: int) -> list[_Change]:
    """Another rounding rule for the layer's output size."""
    layer = spec.layers[index]
    assert isinstance(layer, Conv | Pool)
    return [
        _Change(
            "rounding",
            f"{layer.name} rounding {rule.value} (spec: {layer.rounding.value})",
            f"{layer.name} rounded with {rule.value} (the spec says {layer.rounding.value})",
            _with_layer(index, {"rounding": rule}),
        )
        for rule in Rounding
        if rule is not layer.rounding
    ]


def _network_rounding_changes(spec: Spec) -> list[_Change]:
    """One rounding rule for every conv and pooling layer (PyTorch floors, cuda-convnet rounds up)."""
    windowed = _windowed(spec)

    def apply(rule: Rounding) -> Callable[[Spec], Spec]:
        def changed(spec: Spec) -> Spec:
            layers = list(spec.layers)
            for i in windowed:
                layers[i] = layers[i].model_copy(update={"rounding": rule})
            return spec.model_copy(update={"layers": tuple(layers)})

        return changed

    rules = {item.rounding for item in spec.layers if isinstance(item, Conv | Pool)}
    return [
        _Change(
            "network rounding",
            f"every conv and pooling layer rounding {rule.value}",
            f"every conv and pooling layer rounded with {rule.value}",
            apply(rule),
        )
        for rule in Rounding
        if rules and rules != {rule}
    ]


# --- slips and transpositions ------------------------------------------------------------------


def _slips(
    analysis: Analysis, target: _Target, number: int, pool: dict[int, str]
) -> Iterator[_Found]:
    """One factor of the plain product written as another number of the spec.

    Tried on ``C × H × W`` and on Figure 2's per-tower form ``towers × C/towers × H × W`` (for
    a total, in one layer's term): ``2 × 48 × 55 × 55`` with one 55 written as 48 gives
    ``2 × 48 × 48 × 55 = 253,440``. A slip that repeats a number already in the product (48
    stands right beside the 55) ranks before one that brings a number from elsewhere.
    """
    terms = target.terms(analysis)
    total = sum(term.value for _, term, _ in terms)
    for j, (_, term, towers) in enumerate(terms):
        needed = number - (total - term.value)
        if needed <= 0:
            continue
        split = _split(term, towers)
        for form in (term, *([split] if split is not None else [])):
            for i, (factor, slippable) in enumerate(zip(form.factors, form.slippable, strict=True)):
                if not slippable or factor in form.factors[:i]:
                    continue  # the same slip as one already tried
                others = math.prod(form.factors[:i] + form.factors[i + 1 :])
                if others == 0 or needed % others:
                    continue
                written = needed // others
                if written == factor or written not in pool:
                    continue
                slipped = Product(
                    (*form.factors[:i], written, *form.factors[i + 1 :]),
                    form.names,
                    form.slippable,
                )
                copied = written in form.factors
                yield _slip(terms, j, slipped, form, i, pool[written], copied, number)


def _slip(
    terms: list[tuple[str, Product, int]],
    j: int,
    slipped: Product,
    form: Product,
    i: int,
    origin: str,
    copied: bool,
    number: int,
) -> _Found:
    name = terms[j][0]
    written, factor, what = slipped.factors[i], form.factors[i], form.names[i]
    if len(terms) == 1:
        expression, factors = slipped.text, slipped.factors
    else:
        parts = [slipped.text if k == j else str(t.value) for k, (_, t, _) in enumerate(terms)]
        expression, factors = " + ".join(parts), (number,)
    where = ", already in the product" if copied else ""
    explanation = (
        f"A slip in {name}'s {' × '.join(form.names)} = {form.text}: the {what} written as "
        f"{written} instead of {factor} ({written} is {origin}{where})."
    )
    change = f"{name}'s {what} written as {written} instead of {factor}"
    return _Found(
        Hypothesis(expression, factors, explanation, (change,), Family.SLIP), 0 if copied else 1
    )


def _transpositions(number: int, table: dict[int, _Found]) -> Iterator[_Found]:
    """Two adjacent digits swapped: 209,400 for 290,400 = 96 × 55 × 55."""
    digits = str(number)
    for i in range(len(digits) - 1):
        if digits[i] == digits[i + 1]:
            continue
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        if swapped[0] == "0":
            continue
        meant = table.get(int(swapped))
        if meant is None:
            continue
        hypothesis = meant.hypothesis
        yield _Found(
            Hypothesis(
                f"{hypothesis.expression} = {swapped} → {digits}",
                (number,),
                f"{swapped} with two adjacent digits swapped; {swapped} is "
                + hypothesis.explanation[:1].lower()
                + hypothesis.explanation[1:],
                (*hypothesis.changes, f"digits swapped: {swapped} written as {digits}"),
                Family.TRANSPOSITION,
            ),
            meant.order,
        )
