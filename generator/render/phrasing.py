"""What the analysis found, in words: the one place where its data becomes sentences. Pure.

The analysis returns data (a hypothesis is a list of changed assumptions, each saying which
factor changes, from what, to what); the pages, the exports and the command line say it with the
functions here, so that one finding reads the same wherever it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from fractions import Fraction

from pydantic import BaseModel

from generator.analysis.audit import Check, Verdict
from generator.analysis.comparisons import (
    Comparison,
    Counted,
    Fit,
    FitChange,
    OwnFigures,
    Rounded,
    Swapped,
)
from generator.analysis.counters import Prediction, TermPart
from generator.analysis.hypotheses import (
    GEOMETRY,
    INPUT,
    After,
    Before,
    Biases,
    Binary,
    ByCounter,
    Change,
    ColumnSum,
    CutOff,
    Hypothesis,
    InputNeurons,
    InputSize,
    LayerRounding,
    NetworkRounding,
    Omission,
    Omitted,
    Overhang,
    Padding,
    Slip,
    Swap,
    Tally,
    Towers,
)
from generator.analysis.lineage import Change as LayerChange
from generator.analysis.lineage import Difference, Moved, Replaced, Reshaped, Setting
from generator.analysis.plausibility import (
    Doubt,
    Evidence,
    Figure,
    Lone,
    Misnamed,
    Redefines,
    Rounds,
    Stranger,
    TooMany,
    Unnamed,
    Way,
)
from generator.analysis.register import Entry
from generator.analysis.rounding import RoundingRule, Scale
from generator.core import counters, formatting
from generator.core.kinds import KINDS
from generator.spec.models import Quantity, Rounding

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
    if omission.shortcut:
        return "the projection shortcuts"
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
        case Binary(power):
            return f"{PREFIXES[power]} = {formatting.count(1024**power)}"
        case ColumnSum(source, rows, _):
            return f"{source}'s own column of {rows} rows summed"
        case ByCounter(tool):
            return f"counted as {tool_title(tool)} counts"
        case Overhang(layer, was, now, _):
            return (
                f"the {_size(now)} input that {layer}'s round-up rule implies (spec: {_size(was)})"
            )


def changes(hypothesis: Hypothesis | Tally) -> tuple[str, ...]:
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


#: What K, M and B stand for, by power of a thousand.
PREFIXES = {1: "K", 2: "M", 3: "B"}
#: How the unit a rounded figure was read to is named: "the thousand".
PLACES = {
    1: "the unit",
    10: "the ten",
    100: "the hundred",
    1_000: "the thousand",
    10_000: "the ten thousand",
    100_000: "the hundred thousand",
    1_000_000: "the million",
    10_000_000: "the ten million",
    100_000_000: "the hundred million",
    1_000_000_000: "the billion",
}


def place_text(unit: int) -> str:
    """The place a figure was rounded to, in words: ``the thousand``."""
    return PLACES.get(unit, formatting.count(unit))


def decimal_text(value: Fraction, places: int = 3) -> str:
    """An exact value to at most ``places`` decimals, rounded half up, without trailing zeros:
    ``112.25``, ``1,000``, ``1.474``."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:,}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def enough(value: Fraction, stated: Decimal) -> str:
    """A computed figure with enough decimals for the rounding a page shows of it: at least two,
    and more until the figure as printed rounds to what the exact one rounds to at the stated
    figure's precision (2.345…, not 2.35, beside a stated 2.4 it does not round to)."""
    exponent = stated.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    target = Decimal(1).scaleb(-places) if places else Decimal(1)
    truth = exact.quantize(target, rounding=ROUND_HALF_UP)
    digits = max(2, places + 1)
    while True:
        shown = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        if shown.quantize(target, rounding=ROUND_HALF_UP) == truth or digits >= places + 8:
            return f"{shown:,}"
        digits += 1


def _product(hypothesis: Hypothesis) -> str:
    """What a hypothesis gives: ``96 × 55 × 55 = 290,400``, or the number alone for a sum."""
    value = formatting.count(hypothesis.value)
    if len(hypothesis.factors) > 1:
        return f"{hypothesis.expression} = {value}"
    return value


def _sentence(hypothesis: Hypothesis, changes: tuple[Change, ...]) -> str:
    """A product or a sum read off the network: what is assumed (the geometry it needs, the way
    it takes the count), then what it counts and what that gives."""
    geometry = [c for c in changes if isinstance(c, GEOMETRY)]
    way = next((c for c in changes if not isinstance(c, GEOMETRY)), None)
    what = _subject(hypothesis.quantity, hypothesis.layer, way)
    names = f" ({' × '.join(hypothesis.names)})" if hypothesis.names else ""
    if geometry:
        condition = "If " + " and ".join(_condition(c) for c in geometry) + ", "
        return f"{condition}{what[:1].lower()}{what[1:]}{names} would be {_product(hypothesis)}."
    return f"{what}{names} is {_product(hypothesis)}."


def _count_phrase(change: Change) -> str:
    match change:
        case Biases(Quantity.PARAMS):
            return "weights only"
        case Biases():
            return "a bias counted as one more input"
        case Omitted(_, omission):
            return omission_text(omission)
    raise ValueError(f"not a way of taking a count: {change}")


def count_sentence(count: Hypothesis | Tally) -> str:
    """A sum over a layer, a group or the network, taken as :func:`hypotheses.counts` takes it:
    ``The parameters of inception_3a, with weights only``."""
    layer, first = count.layer, count.first
    about = "the network" if layer is None else (layer if first is None else f"{first}…{layer}")
    phrases = [_count_phrase(c) for c in count.changes if isinstance(c, Biases | Omitted)]
    what = f"The {NOUNS[count.quantity]} of {about}"
    return what + (", with " + " and ".join(phrases) if phrases else "")


def _written(hypothesis: Hypothesis) -> str:
    """How a summed reading's value becomes the stated figure: rounded half up, cut off, or
    first read with K = 1,024."""
    if hypothesis.rounded is None:
        return ""
    binary = next((c for c in hypothesis.changes if isinstance(c, Binary)), None)
    figure = formatting.count(hypothesis.rounded)
    if binary is not None:
        prefix, base = PREFIXES[binary.power], 1024**binary.power
        scaled = decimal_text(Fraction(hypothesis.value, base))
        read = f"; with {prefix} = {formatting.count(base)} that is {scaled}{prefix}"
        figure = f"{decimal_text(Fraction(hypothesis.rounded, 1000**binary.power))}{prefix}"
    else:
        read = ""
    if any(isinstance(c, CutOff) for c in hypothesis.changes):
        return f"{read}, which cut off (not rounded) at its last digit gives {figure}"
    return f"{read}, which rounds half up to {figure}"


def _summed_sentence(hypothesis: Hypothesis) -> str:
    counter = next((c for c in hypothesis.changes if isinstance(c, ByCounter)), None)
    if counter is not None:
        return (
            f"Counted as {tool_title(counter.tool)} counts (the counter the source's figures come "
            f"from, whose rules the counting conventions give), the network has "
            f"{formatting.count(hypothesis.value)} {NOUNS[hypothesis.quantity]}"
            f"{_written(hypothesis)}."
        )
    column = next((c for c in hypothesis.changes if isinstance(c, ColumnSum)), None)
    if column is not None:
        return (
            f"Summing the {column.rows} rows the source ({column.source}) states for its "
            f"{NOUNS[hypothesis.quantity]}, as its own table adds up, gives "
            f"{formatting.count(column.total)}{_written(hypothesis)}."
        )
    return (
        f"{count_sentence(hypothesis)}: {formatting.count(hypothesis.value)}{_written(hypothesis)}."
    )


def _overhang_sentence(change: Overhang) -> str:
    (height, _), (now_h, _) = change.was, change.now
    reach = now_h - height
    pixels = f"{reach} pixel{'s' if reach != 1 else ''}"
    return (
        f"{change.layer} rounds its output size up: its last window reaches {pixels} past the "
        f"{_size(change.was)} input. An input of {_size(change.now)}, rounded down, gives "
        f"{change.layer} the same {change.output[0]}×{change.output[1]} output: {now_h} is the "
        f"stated {height} and the {pixels} that window reaches past the edge."
    )


def explanation(hypothesis: Hypothesis) -> str:
    """A hypothesis in plain sentences: what it assumes, and what that gives."""
    if hypothesis.summed:
        return _summed_sentence(hypothesis)
    last = hypothesis.changes[-1] if hypothesis.changes else None
    if isinstance(last, Overhang):
        return _overhang_sentence(last)
    if isinstance(last, Swap):
        meant = _sentence(hypothesis, hypothesis.changes[:-1])
        return (
            f"{formatting.count(last.written)} is {formatting.count(last.meant)} with two "
            f"adjacent digits swapped. {meant}"
        )
    if isinstance(last, Slip):
        form = " × ".join(str(f) for f in last.factors)
        where = ", a number already in the product" if last.copied else ""
        return (
            f"If {last.layer}'s {last.factor} were written as {last.now} instead of {last.was} "
            f"({last.now} is {last.origin}{where}), its {' × '.join(last.names)}, {form}, would "
            f"be {_product(hypothesis)}."
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
        case Rounded(RoundingRule.DOWN):
            return "rounded down"
        case Rounded():
            return "to one significant figure"
        case OwnFigures(this, other):
            return (
                f"the source's own figures, {formatting.count(this)} against "
                f"{formatting.count(other)}"
            )


def fit_changes(fit: Fit) -> tuple[str, ...]:
    """What a reading of a stated comparison changes, each in a few words."""
    return tuple(fit_change_text(c) for c in fit.changes)


#: How a figure comes from a computed value under each rule, as a sentence ends.
RULE_ENDS = {
    RoundingRule.HALF_UP: "which rounds half up to",
    RoundingRule.DOWN: "which cut off (not rounded) gives",
    RoundingRule.ONE_FIGURE: "which to one significant figure is",
}


def fit_sentence(fit: Fit, comparison: Comparison) -> str:
    """A reading of a stated comparison in a sentence: what it assumes, what figure it gives."""
    form, stated = comparison.claim.form, comparison.claim.figure
    written = figure_text_stated(form, stated)
    ends = f"{computed_figure(form, fit.figure, stated)}, {RULE_ENDS[fit.rule]} {written}"
    if any(isinstance(c, OwnFigures) for c in fit.changes):
        return (
            f"Worked out from the source's own figures, {formatting.count(fit.this.count.value)} "
            f"for {fit.this.name} and {formatting.count(fit.other.count.value)} for "
            f"{fit.other.name}: {ends}."
        )
    assumed = "; ".join(fit_changes(fit))
    return (
        f"With {assumed}: {fit.this.name} {formatting.count(fit.this.count.value)} against "
        f"{fit.other.name} {formatting.count(fit.other.count.value)} gives {ends}."
    )


def figure_text_stated(form: str, figure: Decimal) -> str:
    """A stated comparison's figure as the source wrote it: ``12× fewer``, ``18% of``."""
    return formatting.figure_text(form, figure)


def computed_figure(form: str, value: Fraction, stated: Decimal) -> str:
    """A computed comparison's figure in its form's words, with enough decimals for how it
    rounds to the stated one (:func:`enough`): ``2.345× fewer`` beside a stated 2.4."""
    return formatting.figure_text(form, Decimal(enough(value, stated).replace(",", "")))


def width_sentence(comparison: Comparison) -> str:
    """The one layer of another width that makes a stated comparison true, in a sentence."""
    (width,) = comparison.widths
    form = comparison.claim.form
    return (
        f"If {width.layer} had {formatting.count(width.now)} {width.field} (the spec has "
        f"{formatting.count(width.was)}), {comparison.network} would have "
        f"{formatting.count(width.count)}: "
        f"{computed_figure(form, width.figure, comparison.claim.figure)}, "
        f"{RULE_ENDS[RoundingRule.HALF_UP]} {figure_text_stated(form, comparison.claim.figure)}."
    )


# --- why a fit is a coincidence (generator.analysis.plausibility) --------------------------------

#: A way of rounding as a reading assumes it, and as a source's habit.
WAYS: dict[Way, tuple[str, str]] = {
    RoundingRule.HALF_UP: ("rounds half up", "rounds half up"),
    RoundingRule.DOWN: ("cuts the figure off", "cuts its figures off"),
    RoundingRule.ONE_FIGURE: (
        "rounds to one significant figure",
        "rounds to one significant figure",
    ),
    Scale.DECIMAL: ("reads K as 1,000 (M as 1,000²)", "counts K as 1,000"),
    Scale.BINARY: ("reads K as 1,024 (M as 1,024²)", "counts K as 1,024"),
}


def evidence_text(evidence: Evidence) -> str:
    """One of a source's figures, as a doubt cites it: ``googlenet's inception_4d macs: stated
    “119M”, computed 118,515,712``."""
    if isinstance(evidence, Figure):
        stated = evidence.claim
        about = stated.layer or "total"
        if stated.first is not None:
            about = f"{stated.first}…{about}"
        written = _quoted(stated.quote, _value(stated.value))
        computed = _value(evidence.computed)
        return (
            f"{evidence.spec}'s {about} {stated.quantity.value}: stated {written}, computed "
            f"{computed}"
        )
    compared = evidence.claim
    figure = (
        "—" if evidence.figure is None else formatting.figure_text(compared.form, evidence.figure)
    )
    written = _quoted(compared.quote, figure_text_stated(compared.form, compared.figure))
    return (
        f"{evidence.spec}'s {compared.quantity.value} against {compared.to}: stated {written}, "
        f"computed {figure}"
    )


def _quoted(quote: str | None, value: str) -> str:
    return f"“{quote}”" if quote and len(quote) <= 12 else value


def _value(value: int | list[int] | tuple[int, ...]) -> str:
    if isinstance(value, list | tuple):
        return formatting.shape(tuple(value))
    return formatting.count(value)


def doubt_text(doubt: Doubt) -> str:
    """Why a fit does not explain a number, in a clause: what fails, and the source's figure
    that shows it."""
    match doubt:
        case Rounds(way, habit, evidence, shown, figures):
            if habit is not None and evidence is not None:
                return (
                    f"it {WAYS[way][0]}, while the same source {WAYS[habit][1]}: {shown} of the "
                    f"{figures} rounded figures it states show that ({evidence_text(evidence)})"
                )
            if evidence is None:
                return (
                    f"it {WAYS[way][0]}, which none of the same source's {figures} other "
                    "rounded figures shows"
                    if figures
                    else f"it {WAYS[way][0]}, which no other figure of the same source shows"
                )
            return (
                f"it {WAYS[way][0]}, which only {shown} of the same source's {figures} other "
                f"rounded figures show{'s' if shown == 1 else ''} ({evidence_text(evidence)})"
            )
        case Redefines(change, evidence, value):
            return (
                f"it takes the count with {change_text(change)}, which the same source's own "
                f"figure rules out ({evidence_text(evidence)}; counted that way, "
                f"{_value(value)})"
            )
        case Unnamed(omission):
            return f"it leaves out {omission_noun(omission)}, a part no counting convention names"
        case Stranger(network, named):
            return f"it counts {network} as {named}, a network no source of {named} describes"
        case Misnamed(network, named, evidence, value):
            return (
                f"it counts {network} ({formatting.count(value)}) as {named}, while the same "
                f"source gives {named} {_value(evidence.claim.value)}"
                + (f" (“{evidence.claim.quote}”)" if evidence.claim.quote else "")
            )
        case Lone(given, rows):
            return (
                f"counted and rounded the same way, {given} of the column's {rows} other rows "
                f"give{'s' if given == 1 else ''} their figures"
            )
        case TooMany(changes):
            return f"it changes {changes} assumptions, where an explanation changes one"
    raise ValueError(f"not a doubt: {doubt}")


def doubts_text(doubts: Sequence[Doubt]) -> str:
    """Every reason a fit is a coincidence, in one clause list, each kind of reason once."""
    seen: list[str] = []
    for doubt in doubts:
        text = doubt_text(doubt)
        if text not in seen:
            seen.append(text)
    return "; ".join(seen)


# --- one verdict, in words ------------------------------------------------------------------------

#: The site's one sign convention for a difference, as the pages state it.
SIGN_CONVENTION = "stated − computed"


def verdict_reason(check: Check) -> str:
    """The reason for a stated number's verdict, in a sentence: the reading it rests on."""
    computed = _value(check.computed)
    match check.verdict:
        case Verdict.MATCHES:
            return f"The spec computes {computed}, the stated number."
        case Verdict.ROUNDS_TO:
            place = f" to {place_text(check.unit)}" if check.unit else ""
            return (
                f"The computed {computed}, rounded half up{place}, is the stated "
                f"{_value(check.claim.value)}."
            )
        case Verdict.EXPLAINED:
            assert check.best is not None
            return explanation(check.best)
    if check.coincidences:
        count = len(check.coincidences)
        first = check.coincidences[0]
        return (
            f"The spec computes {computed}; {count} reading{'s' if count > 1 else ''} "
            f"give{'s' if count == 1 else ''} the stated number only by coincidence, the first "
            f"({'; '.join(changes(first.reading))}) because {doubt_text(first.doubts[0])}."
        )
    return f"The spec computes {computed}, and no reading gives the stated number."


def comparison_reason(comparison: Comparison) -> str:
    """The reason for a stated comparison's verdict, in a sentence."""
    form = comparison.claim.form
    computed = computed_figure(form, comparison.figure, comparison.claim.figure)
    stated = figure_text_stated(form, comparison.claim.figure)
    match comparison.verdict:
        case Verdict.MATCHES:
            return f"The specs' totals give exactly {stated}."
        case Verdict.ROUNDS_TO:
            return f"The specs' totals give {computed}, which rounds half up to {stated}."
        case Verdict.EXPLAINED:
            if comparison.fits:
                return fit_sentence(comparison.fits[0], comparison)
            return width_sentence(comparison)
    if comparison.coincidences:
        count = len(comparison.coincidences)
        first = comparison.coincidences[0]
        return (
            f"The specs' totals give {computed}; {count} reading{'s' if count > 1 else ''} "
            f"give{'s' if count == 1 else ''} {stated} only by coincidence, the first "
            f"({'; '.join(fit_changes(first.reading))}) because {doubt_text(first.doubts[0])}."
        )
    return f"The specs' totals give {computed}, and no reading gives {stated}."


def verdict_text(found: Check | Comparison) -> str:
    """A verdict with its reason: ``explained: If conv1's height …``."""
    reason = verdict_reason(found) if isinstance(found, Check) else comparison_reason(found)
    return f"{found.verdict.value}: {reason}"


# --- a table's readings, alike in every row (generator.analysis.successors) -----------------------

#: The ways of taking a count that are the same in every row, in words.
KEY_WORDS = {
    "biases": "the biases counted the other way",
    "fc": "the fully connected layers left out",
    "aux": "the auxiliary classifiers left out",
    "reduce": "the 1×1 reductions left out",
    "rounded down": "cut off instead of rounded",
    "binary": "K read as 1,024",
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

#: A changed rounding rule, from what to what.
ROUNDING_WORDS = {
    (Rounding.CEIL_UNCLIPPED, Rounding.FLOOR): "rounds down instead of up",
    (Rounding.CEIL, Rounding.FLOOR): "rounds down instead of up",
    (Rounding.FLOOR, Rounding.CEIL): "rounds up instead of down",
    (Rounding.FLOOR, Rounding.CEIL_UNCLIPPED): "rounds up instead of down",
    (Rounding.CEIL_UNCLIPPED, Rounding.CEIL): (
        "rounds up, but no window starts in the padding (Caffe's pooling), instead of always up"
    ),
    (Rounding.CEIL, Rounding.CEIL_UNCLIPPED): (
        "always rounds up, a window may start in the padding (cuda-convnet), instead of never"
    ),
}
#: How a sentence names a setting of a layer, by field.
FIELD_WORDS = {
    "out_channels": "{now} kernels instead of {was}",
    "out_features": "{now} outputs instead of {was}",
    "kernel": "{now} kernel instead of {was}",
    "stride": "stride {now} instead of {was}",
    "padding": "padding {now} instead of {was}",
    "dilation": "dilation {now} instead of {was}",
    "groups": "{now} instead of {was}",
    "size": "over {now} channels instead of {was}",
    "alpha": "α = {now} instead of {was}",
    "beta": "β = {now} instead of {was}",
    "k": "k = {now} instead of {was}",
    "p": "drops {now} of its inputs instead of {was}",
    "towers": "{now} instead of {was}",
}
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def kind_words(kind: str) -> str:
    """A layer kind as a sentence names it (the registry's words): ``max_pool`` → ``max
    pooling``; a kind it has no words for, by its name spaced."""
    entry = KINDS.get(kind)
    words = dict(entry.words) if entry else {}
    return words.get(kind, kind.replace("_", " "))


def _role(kind: str) -> str:
    """What a kind does, for a move: ``pooling``, ``normalisation``, else its words."""
    entry = KINDS.get(kind)
    return entry.role if entry and entry.role else kind_words(kind)


def _counted(value: int, noun: str) -> str:
    """``2, "tower"`` → ``two towers``."""
    word = NUMBER_WORDS[value] if 0 <= value < len(NUMBER_WORDS) else formatting.count(value)
    return f"{word} {noun}{'' if value == 1 else 's'}"


def setting_text(value: object, field: str = "") -> str:
    """A spec value in words: ``11×11`` for a kernel, ``2`` for padding alike on every side,
    ``3 after`` for padding after only, ``TensorFlow's SAME`` for a computed padding, ``1e-4``
    for a small number, ``not set`` for nothing."""
    if value is None:
        return "not set"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and field == "padding":
        return f"TensorFlow's {value.upper()}"
    if isinstance(value, tuple) and len(value) == 2:
        if field == "kernel":
            return f"{value[0]}×{value[1]}"
        return str(value[0]) if value[0] == value[1] else f"{value[0]}×{value[1]}"
    if isinstance(value, int) and field == "kernel":
        return f"{value}×{value}"
    if isinstance(value, BaseModel):
        sides = value.model_dump()
        if len(set(sides.values())) == 1:
            return str(next(iter(sides.values())))
        if set(sides) == {"top", "bottom", "left", "right"}:
            before, after = sides["top"], sides["bottom"]
            if (before, after) == (sides["left"], sides["right"]):
                if not before:
                    return f"{after} after"
                return f"{before} before and {after} after"
        return ", ".join(f"{k} {v}" for k, v in sides.items())
    return str(value)


def change_words(change: LayerChange) -> str:
    """One difference of a layer (or of the network) in words: ``rounds down instead of up``,
    ``one tower instead of two``, ``pooling before normalisation instead of after``."""
    match change:
        case Reshaped(what, was, now):
            return f"{what} {formatting.shape(now)} instead of {formatting.shape(was)}"
        case Moved(kind, past, after):
            where = ("after", "before") if after else ("before", "after")
            kinds = " and ".join(dict.fromkeys(_role(k) for k in past))
            return f"{_role(kind)} {where[0]} {kinds} instead of {where[1]}"
        case Replaced(was, now):
            return f"a {kind_words(now)} instead of a {kind_words(was)}"
        case Setting("rounding", Rounding() as was, Rounding() as now):
            return ROUNDING_WORDS.get((was, now), f"rounds {now.value} instead of {was.value}")
        case Setting("towers", int() as was, int() as now):
            return f"{_counted(now, 'tower')} instead of {NUMBER_WORDS[was] if was < 10 else was}"
        case Setting("groups", int() as was, int() as now):
            if now == 1:
                return f"reads every channel instead of {_counted(was, 'group')}"
            return f"{_counted(now, 'group')} instead of {_counted(was, 'group') if was > 1 else 'one'}"
        case Setting("bias", bool() as was, bool() as now):
            return (
                "no bias instead of one per output" if was else "a bias per output instead of none"
            )
        case Setting(field, was, now):
            words = FIELD_WORDS.get(field, field.replace("_", " ") + " {now} instead of {was}")
            return words.format(now=setting_text(now, field), was=setting_text(was, field))
    raise ValueError(f"not a difference: {change}")


def difference_text(difference: Difference) -> str:
    """What differs, in words: ``rounds down instead of up; output 96×54×54 instead of
    96×55×55``, ``local response normalisation removed``, ``ReLU added, output 64×27×27``, and
    for a moved layer ``pooling before normalisation instead of after``."""
    if difference.kind is not None:
        noun = kind_words(difference.kind)
        noun = noun[:1].upper() + noun[1:]
        if difference.variant is None:
            return f"{noun} removed"
        assert difference.output is not None
        return f"{noun} added, output {formatting.shape(difference.output)}"
    return "; ".join(change_words(c) for c in difference.changes)


# --- the register of claims (generator.analysis.register) ----------------------------------------


def short_title(title: str) -> str:
    """A network's title up to what follows its name, as tables and sentences name it:
    ``ResNet-18 (He et al., 2015)`` → ``ResNet-18``, ``AlexNet (2012), the paper's two-GPU
    network`` → ``AlexNet``. (A page's own heading keeps the whole title.)"""
    cuts = [i for i in (title.find(" ("), title.find(", ")) if i > 0]
    return title[: min(cuts)] if cuts else title


def claim_text(entry: Entry, *, titled: bool = False) -> str:
    """What a claim is about: ``conv1 neurons``, ``total params against alexnet-2012`` (as
    commands and downloads name a network), or ``total params against AlexNet`` (``titled``,
    as pages do)."""
    if entry.check is not None:
        return f"{entry.check.about} {entry.check.claim.quantity.value}"
    assert entry.comparison is not None
    claim = entry.comparison.claim
    to = short_title(entry.comparison.to_title) if titled else claim.to
    return f"total {claim.quantity.value} against {to}"


def stated_text(entry: Entry) -> str:
    """The claim's figure as stated: ``650,000 (rounded)``, ``12× fewer``."""
    if entry.check is not None:
        claim = entry.check.claim
        return _value(claim.value) + (" (rounded)" if claim.approximate else "")
    assert entry.comparison is not None
    return figure_text_stated(entry.comparison.claim.form, entry.comparison.claim.figure)


def computed_text(entry: Entry) -> str:
    """What the specs give for the claim."""
    if entry.check is not None:
        return _value(entry.check.computed)
    assert entry.comparison is not None
    return formatting.figure_text(entry.comparison.claim.form, entry.comparison.figure)


def reason(entry: Entry) -> str:
    """The reading a claim's verdict rests on (:func:`verdict_reason`)."""
    if entry.check is not None:
        return verdict_reason(entry.check)
    assert entry.comparison is not None
    return comparison_reason(entry.comparison)


#: A repository file's address: host, owner and name, revision, path.
REPOSITORY_FILE = re.compile(
    r"https://github\.com/([^/]+/[^/]+)/(?:blob|tree)/([0-9a-f]{7,40})/(.+)"
)


def place(entry: Entry) -> str:
    """Where in its source a claim stands: the section, table or figure the spec records
    (``where``), and for a repository's file the file at its revision."""
    found = entry.check or entry.comparison
    assert found is not None
    parts = [found.claim.where] if found.claim.where else []
    address = REPOSITORY_FILE.match(entry.source.url)
    if address is not None:
        repository, revision, path = address.groups()
        parts.append(f"{repository} {path} @ {revision[:7]}")
    return ", ".join(parts)


#: Each verdict as a count of claims says it: "84 match the computed value".
TALLY_WORDS = {
    Verdict.MATCHES: "match the computed value",
    Verdict.ROUNDS_TO: "round to it",
    Verdict.EXPLAINED: "are explained",
    Verdict.UNEXPLAINED: "are unexplained",
}


def tally_sentence(tally: Sequence[tuple[Verdict, int]], total: int) -> str:
    """The register's counts in a sentence: ``Of 139 stated numbers and comparisons, 84 match
    the computed value, 22 round to it, 6 are explained and 27 are unexplained.``"""
    parts = [f"{count} {TALLY_WORDS[verdict]}" for verdict, count in tally]
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)
    return f"Of {total} stated numbers and comparisons, {listed}."


# --- what each operation counter will say (generator.analysis.counters) ---------------------------

#: Each counter as a table names it.
TOOL_TITLES = {
    "fvcore": "fvcore FlopCountAnalysis",
    "fvcore-activations": "fvcore ActivationCountAnalysis",
    "torch-flop-counter": "torch FlopCounterMode",
    "ptflops-aten": "ptflops aten backend",
    "ptflops-pytorch": "ptflops pytorch backend",
    "thop": "ultralytics-thop profile",
    "torchinfo": "torchinfo summary",
}

#: What a counter's number counts, as its row says it.
UNIT_WORDS = {
    counters.Unit.MACS: "multiply-accumulates",
    counters.Unit.FLOPS: "FLOPs",
    counters.Unit.VALUES: "activations (values)",
}

#: The site's count each counter's number is set against.
BASELINE_WORDS = {
    counters.Baseline.MACS: "the site's multiply-accumulates",
    counters.Baseline.NEURONS: "the site's neurons (conv and fc outputs)",
}

#: Each term of a counter's difference from the site's count, in words.
TERM_WORDS = {
    counters.BIASES: "one addition per bias, at each output of a layer with biases",
    counters.DOUBLED: "FLOPs, a multiplication and an addition per multiply-accumulate",
    counters.ACTIVATION_FUNCTIONS: "the activation functions",
    counters.POOLING: "the pooling layers",
    counters.ADAPTIVE_POOLING: "the adaptive pooling",
    counters.BATCH_NORM: "the batch norms",
    counters.LRN: "the local response normalisations",
    counters.SOFTMAX: "the softmax",
    counters.DILATED_AVERAGE: "the dilated average pools, run as convolutions",
    counters.UPSAMPLING: "the upsampling",
    counters.OUTPUT_SIDE: "the transposed convolutions, counted at their outputs",
    counters.PRELU: "the PReLU slopes",
}

#: What a rule counts one of, as "2 per input value" says it.
QUANTITY_WORDS = {
    counters.Measure.WEIGHT_MACS: "multiply-accumulate",
    counters.Measure.BIASED_OUTPUTS: "output with a bias",
    counters.Measure.INPUTS: "input value",
    counters.Measure.AFFINE_INPUTS: "input value with a scale and shift",
    counters.Measure.OUTPUTS: "output value",
    counters.Measure.WINDOW_INPUTS: "value a window reads",
    counters.Measure.LRN_SQUARES: "square, padded across channels",
    counters.Measure.ROWS: "row",
    counters.Measure.PARAMS: "parameter",
    counters.Measure.WEIGHTS_AT_OUTPUTS: "weight at each output position",
    counters.Measure.BILINEAR_OUTPUTS: "bilinear output value",
}


def tool_title(name: str) -> str:
    return TOOL_TITLES.get(name, name)


def tool_versions(tools: Sequence[counters.Tool] = counters.TOOLS) -> str:
    """``fvcore 0.1.5.post20221221, torch 2.13.0, …``: each package once, in order."""
    seen = dict.fromkeys(f"{t.package} {t.version}" for t in tools)
    return ", ".join(seen)


def rule_text(parts: Sequence[TermPart]) -> str:
    """How a term's modules count: ``ReLU: 2 per output value; MaxPool2d: 2 per input value``."""
    by_op: dict[str, list[str]] = {}
    for part in parts:
        per = formatting.signed(part.per).removeprefix("+")
        by_op.setdefault(part.op.value, []).append(f"{per} per {QUANTITY_WORDS[part.quantity]}")
    return "; ".join(f"{op}: {', '.join(counts)}" for op, counts in by_op.items())


def term_text(prediction: Prediction, name: str, value: int) -> str:
    """One term of a counter's difference: ``+ 494,184: one addition per bias, …``; ``× 2`` for
    FLOPs; the modules and their rule in brackets where the words alone do not say it."""
    if name == counters.DOUBLED:
        return f"× 2: {TERM_WORDS[name]}"
    words = TERM_WORDS.get(name, name)
    parts = prediction.parts_of(name)
    how = f" ({rule_text(parts)})" if parts and name != counters.BIASES else ""
    return f"{_signed(value)}: {words}{how}"


def tool_difference(prediction: Prediction) -> str:
    """Why a counter's number differs from the site's count, term by term; what it leaves out
    that the others count (biases); or that it is the site's count."""
    texts = [term_text(prediction, name, value) for name, value in prediction.terms]
    if not texts:
        texts.append("= " + BASELINE_WORDS[_baseline_of(prediction)])
    if prediction.uncounted_biases:
        texts.append("biases not counted")
    return "; ".join(texts)


def _baseline_of(prediction: Prediction) -> counters.Baseline:
    return counters.tool(prediction.tool).baseline


def tool_params(found: Sequence[Prediction]) -> str:
    """The counters that report a parameter count, by package: ``fvcore, ptflops,
    ultralytics-thop and torchinfo``."""
    names = list(dict.fromkeys(counters.tool(p.tool).package for p in found if p.params))
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def tool_terms(prediction: Prediction) -> str:
    """A counter's difference from the site's count in short, for the terminal: ``+ 494,184
    biases; + 986,368 activation functions``, ``× 2 (FLOPs)``."""
    texts = [
        name if name == counters.DOUBLED else f"{_signed(value)} {name}"
        for name, value in prediction.terms
    ]
    return "; ".join(texts) or "= the site's count"


def _signed(value: int) -> str:
    return f"{'−' if value < 0 else '+'} {formatting.count(abs(value))}"
