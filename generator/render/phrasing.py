"""What the analysis found, in words: the one place where its data becomes sentences. Pure.

The analysis returns data (a hypothesis is a list of changed assumptions, each saying which
factor changes, from what, to what); the pages, the exports and the command line say it with the
functions here, so that one finding reads the same wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from pydantic import BaseModel

from generator.analysis.comparisons import Counted, Fit, FitChange, Rounded, Swapped
from generator.analysis.hypotheses import (
    GEOMETRY,
    INPUT,
    After,
    Before,
    Biases,
    Change,
    Count,
    CutOff,
    Hypothesis,
    InputNeurons,
    InputSize,
    LayerRounding,
    NetworkRounding,
    Omission,
    Omitted,
    Padding,
    Slip,
    Swap,
    Towers,
)
from generator.analysis.lineage import Difference, Reshaped
from generator.analysis.rounding import Rule
from generator.core import formatting
from generator.spec.models import Quantity

#: Each version of the paper's network (:data:`generator.analysis.versions.VERSIONS`): its title
#: and what it changes, in a sentence.
VERSIONS = {
    "floor": (
        "As written, rounded down",
        "The stated 224 input and no padding, with PyTorch's and Caffe's convolution rule "
        "(round down) for every layer.",
    ),
    "cuda-convnet": (
        "As the authors ran it (cuda-convnet)",
        "The stated 224 input; the authors' code rounds every output size up.",
    ),
    "input-227": ("A 227 input (Caffe, CS231n)", "A 227×227 input, rounded down everywhere."),
    "padding-2": (
        "Padding 2 on conv1 (torchvision)",
        "Two pixels of zero padding on every side of conv1's input, rounded down everywhere.",
    ),
    "padding-3": (
        "Three pixels of padding (CS231n's guess)",
        "Three pixels of zero padding after the image (bottom and right), rounded down everywhere.",
    ),
    "caffe-pooling": (
        "Floor convolution, Caffe's ceil pooling",
        "The stated 224 input; convolutions round down, pooling rounds up as Caffe's does.",
    ),
}


def version_title(key: str) -> str:
    """A version's title: ``As the authors ran it (cuda-convnet)``."""
    return VERSIONS[key][0]


def version_rule(key: str) -> str:
    """What a version changes, in a sentence."""
    return VERSIONS[key][1]


# --- a hypothesis (generator.analysis.hypotheses) -------------------------------------------------

#: What a count counts, as a sentence says it.
NOUNS = {
    Quantity.NEURONS: "neurons",
    Quantity.PARAMS: "parameters",
    Quantity.MACS: "multiply-accumulates",
    Quantity.ACTIVATIONS: "output values",
}
#: A network's total, as a sentence about the whole network begins.
TOTALS = {
    Quantity.NEURONS: "The network's neurons, summed over its conv and fc layers",
    Quantity.PARAMS: "The network's parameters, summed over its layers",
    Quantity.MACS: "The network's multiply-accumulates, summed over its layers",
    Quantity.ACTIVATIONS: "Every layer's output values, summed",
}
#: How a sentence names the branches into a merge, by the input they feed.
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")
#: A part left out names this many of its layers, then says how many more.
NAMED = 3
#: The parts left out that every network names alike, by key.
OMISSIONS = {
    "fc": "the fully connected layers",
    "aux": "the auxiliary classifiers",
    "reduce": "the 1×1 reductions",
}


def omission_noun(omission: Omission) -> str:
    """What a part left out is: ``the fully connected layers``, ``the first branch of each add``,
    or one layer's name."""
    if omission.layer is not None:
        return omission.layer
    if omission.merge is not None:
        position = omission.position
        place = ORDINALS[position - 1] if position <= len(ORDINALS) else f"input {position}"
        return f"the {place} branch of each {omission.merge}"
    return OMISSIONS[omission.key]


def omission_text(omission: Omission) -> str:
    """A part left out with its layers: ``the fully connected layers (fc6, fc7, fc8) left out``
    (the first :data:`NAMED`, then how many in all)."""
    noun = omission_noun(omission)
    if omission.layer is not None:
        return f"{noun} left out"
    named = omission.named
    more = f", … {len(named)} layers" if len(named) > NAMED else ""
    return f"{noun} ({', '.join(named[:NAMED])}{more}) left out"


def _size(size: tuple[int, int]) -> str:
    return f"{size[0]}×{size[1]}"


def _padding(was: int | str | None) -> str:
    return "uneven" if was is None else str(was)


def change_text(change: Change) -> str:
    """One changed assumption in a few words: ``input 227×227 (spec: 224×224)``."""
    match change:
        case InputSize(was, now):
            return f"input {_size(now)} (spec: {_size(was)})"
        case Padding(layer, was, now):
            return f"{layer} padding {now} (spec: {_padding(was)})"
        case LayerRounding(layer, was, now):
            return f"{layer} rounding {now.value} (spec: {was.value})"
        case NetworkRounding(now):
            return f"every conv and pooling layer rounding {now.value}"
        case Towers(every, towers, _):
            if towers is None:
                return "one tower only"
            return f"counted once per tower (×{towers})" if every else f"one tower only (÷{towers})"
        case Biases(quantity):
            if quantity is Quantity.PARAMS:
                return "biases not counted"
            return "biases counted as connections"
        case Before(layer):
            return f"counted before {layer}"
        case After(_, after):
            return f"counted after {after}"
        case InputNeurons():
            return "input counted as neurons"
        case Omitted(_, omission):
            return f"{omission_noun(omission)} left out"
        case Slip():
            return (
                f"{change.layer}'s {change.factor} written as {change.now} instead of {change.was}"
            )
        case Swap(meant, written):
            return f"digits swapped: {meant} written as {written}"
        case CutOff():
            return "rounded down"


def changes(hypothesis: Hypothesis | Count) -> tuple[str, ...]:
    """Each assumption a hypothesis (or a way of taking a count) changes, in a few words."""
    return tuple(change_text(c) for c in hypothesis.changes)


def _condition(change: Change) -> str:
    """A change of the geometry, as the condition of a sentence: ``the input were 227×227``."""
    match change:
        case InputSize(was, now):
            return f"the input were {_size(now)} (the spec says {_size(was)})"
        case Padding(layer, was, now):
            return f"{layer} were padded by {now} (the spec says {_padding(was)})"
        case LayerRounding(layer, was, now):
            return f"{layer} rounded with {now.value} (the spec says {was.value})"
        case NetworkRounding(now):
            return f"every conv and pooling layer rounded with {now.value}"
    raise ValueError(f"not a change of the geometry: {change}")


def _layer_noun(quantity: Quantity) -> str:
    if quantity is Quantity.PARAMS:
        return "parameters"
    if quantity is Quantity.MACS:
        return "multiply-accumulates"
    return "output"


def _subject(quantity: Quantity, layer: str | None, change: Change | None) -> str:
    """What a hypothesis counts, as its sentence begins, with the way it takes the count."""
    if layer is None:
        return TOTALS[quantity] + _total_way(quantity, change)
    if layer == INPUT:
        return "The input"
    noun = _layer_noun(quantity)
    match change:
        case Towers(every, towers, _):
            if every:
                return f"The {noun} of {layer} counted in full on each of its {towers} towers"
            return f"The {noun} of {layer} on one of its {towers} towers (GPUs) only"
        case Biases(Quantity.PARAMS, _, biases):
            return f"The weights of {layer}, without its {biases} biases"
        case Biases():
            return f"The connections of {layer}, a bias counted as one more input of each output"
        case Before(_, source):
            return f"The input of {layer}, " + (
                "the image" if source is None else f"the output of {source}"
            )
        case After(_, after):
            return f"The output of {after}, the layer after {layer}"
    return f"The {noun} of {layer}"


def _total_way(quantity: Quantity, change: Change | None) -> str:
    match change:
        case Towers():
            return ", each split layer counted on one tower only"
        case InputNeurons():
            return ", with the input's values counted as neurons too"
        case Biases():
            if quantity is Quantity.PARAMS:
                return ", without the biases"
            return ", a bias counted as one more input of each output"
        case Omitted(_, omission):
            return f", with {omission_text(omission)}"
    return ""


def _sentence(hypothesis: Hypothesis, changes: tuple[Change, ...]) -> str:
    """A product or a sum read off the network: what it counts, its factors, and the geometry
    it needs."""
    geometry = [c for c in changes if isinstance(c, GEOMETRY)]
    way = next((c for c in changes if not isinstance(c, GEOMETRY)), None)
    what = _subject(hypothesis.quantity, hypothesis.layer, way)
    names = f", {' × '.join(hypothesis.names)}" if hypothesis.names else ""
    if geometry:
        condition = ", if " + " and ".join(_condition(c) for c in geometry)
    else:
        condition = "" if way is not None else ", as the spec computes it"
    return f"{what}{names}{condition}."


def _count_phrase(change: Change) -> str:
    match change:
        case Biases(Quantity.PARAMS):
            return "weights only"
        case Biases():
            return "a bias counted as one more input"
        case Omitted(_, omission):
            return omission_text(omission)
    raise ValueError(f"not a way of taking a count: {change}")


def count_sentence(count: Hypothesis | Count) -> str:
    """A sum over a layer, a group or the network, taken as :func:`hypotheses.counts` takes it:
    ``The parameters of inception_3a, with weights only``."""
    layer, first = count.layer, count.first
    about = "the network" if layer is None else (layer if first is None else f"{first}…{layer}")
    phrases = [_count_phrase(c) for c in count.changes if not isinstance(c, CutOff)]
    what = f"The {NOUNS[count.quantity]} of {about}"
    return what + (", with " + " and ".join(phrases) if phrases else "")


def explanation(hypothesis: Hypothesis) -> str:
    """A hypothesis in one plain sentence."""
    if hypothesis.summed:
        if any(isinstance(c, CutOff) for c in hypothesis.changes):
            tail = f", cut off (not rounded) to {formatting.count(hypothesis.rounded or 0)}"
        elif hypothesis.rounded is not None:
            tail = f", which rounds to {formatting.count(hypothesis.rounded)}"
        else:
            tail = ""
        return f"{count_sentence(hypothesis)}{tail}."
    last = hypothesis.changes[-1] if hypothesis.changes else None
    if isinstance(last, Swap):
        meant = _sentence(hypothesis, hypothesis.changes[:-1])
        return (
            f"{last.meant} with two adjacent digits swapped; {last.meant} is "
            + meant[:1].lower()
            + meant[1:]
        )
    if isinstance(last, Slip):
        form = " × ".join(str(f) for f in last.factors)
        where = ", already in the product" if last.copied else ""
        return (
            f"A slip in {last.layer}'s {' × '.join(last.names)} = {form}: the {last.factor} "
            f"written as {last.now} instead of {last.was} ({last.now} is {last.origin}{where})."
        )
    return _sentence(hypothesis, hypothesis.changes)


# --- a reading of a stated comparison (generator.analysis.comparisons) ----------------------------


def fit_change_text(change: FitChange) -> str:
    """One change of a reading: ``vgg-19 for vgg-16``, ``biases not counted, in both``."""
    match change:
        case Swapped(network, named):
            return f"{network} for {named}"
        case Counted(counted, None):
            return f"{change_text(counted)}, in both"
        case Counted(counted, network):
            return f"{change_text(counted)} ({network})"
        case Rounded(Rule.DOWN):
            return "rounded down"
        case Rounded():
            return "to one significant figure"


def fit_changes(fit: Fit) -> tuple[str, ...]:
    """What a reading of a stated comparison changes, each in a few words."""
    return tuple(fit_change_text(c) for c in fit.changes)


# --- a table's readings, alike in every row (generator.analysis.successors) -----------------------

#: The ways of taking a count that are the same in every row, in words.
KEY_WORDS = {
    "biases": "the biases counted the other way",
    "fc": "the fully connected layers left out",
    "aux": "the auxiliary classifiers left out",
    "reduce": "the 1×1 reductions left out",
    "rounded down": "cut off instead of rounded",
}


def key_words(keys: Sequence[str]) -> str:
    """A reading of a table row in words, from the keys alike in every row
    (:attr:`generator.analysis.hypotheses.Omission.key`): ``layer:5x5_reduce`` → "5x5_reduce left
    out"."""
    words = []
    for key in keys:
        kind, _, rest = key.partition(":")
        if kind == "layer":
            words.append(f"{rest} left out")
        elif kind == "branch":
            merge, _, place = rest.partition(":")
            position = int(place.split("/")[0])
            words.append(f"branch {position} of each {merge} left out")
        else:
            words.append(KEY_WORDS.get(key, key))
    return " and ".join(words)


# --- what differs between two networks (generator.analysis.lineage) -------------------------------


def setting_text(value: object) -> str:
    """A spec value as the lineage tables give it: an enum's value, ``3`` for a square pair or
    for padding alike on every side, else each side by its initial (``t0 b1 l0 r1``)."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple) and len(value) == 2 and value[0] == value[1]:
        return str(value[0])
    if isinstance(value, BaseModel):
        sides = value.model_dump()
        if len(set(sides.values())) == 1:
            return str(next(iter(sides.values())))
        return " ".join(f"{k[0]}{v}" for k, v in sides.items())
    return str(value)


def difference_text(difference: Difference) -> str:
    """What differs: ``stride 4 → 2; output 96×55×55 → 96×111×111``, ``lrn removed``, ``conv
    added, output 64×56×56``."""
    if difference.kind is not None:
        if difference.variant is None:
            return f"{difference.kind} removed"
        assert difference.output is not None
        return f"{difference.kind} added, output {formatting.shape(difference.output)}"
    texts = []
    for change in difference.changes:
        if isinstance(change, Reshaped):
            was, now = formatting.shape(change.was), formatting.shape(change.now)
            texts.append(f"{change.what} {was} → {now}")
        else:
            texts.append(f"{change.field} {setting_text(change.was)} → {setting_text(change.now)}")
    return "; ".join(texts)
