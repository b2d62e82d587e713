"""Comparisons a source states between two networks ("0.2% more", "12 times fewer"), audited. Pure.

A source may state a network's count only relative to another network of the site: Krizhevsky's
2014 single-column model has "0.2% more parameters" than the 2012 two-tower network, GoogLeNet
"12 times fewer parameters" than AlexNet. The audit computes both totals, the figure in the form the
source used (exact, a :class:`~fractions.Fraction`), and rounds it as the source rounded its own.

When they disagree, the finder reads the claim other ways (:func:`readings`): against another
network of the named one's family ("AlexNet" may be any AlexNet of the site), with the counts taken
another way on either side (:func:`generator.analysis.hypotheses.counts`: biases, fully connected
layers, a kind of branch or the auxiliary classifiers left out), and with the ratio cut off or
rounded to one significant figure (:mod:`generator.analysis.rounding`); it keeps the readings that
make the stated figure come true, fewest changes first. In a small network it also tries another
width in one layer (another kernel count of a convolution, another width of a fully connected
layer, taken from the numbers either network uses).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from generator.analysis import families, hypotheses, plausibility, rounding
from generator.analysis.audit import Verdict
from generator.analysis.hypotheses import Change, Tally
from generator.analysis.plausibility import (
    Account,
    Coincidence,
    Context,
    Doubt,
    Misnamed,
    Ratio,
    Stranger,
)
from generator.analysis.rounding import FIGURE_RULES, RoundingRule
from generator.core import engine
from generator.core.kinds import kind_of
from generator.core.results import Analysis, counted
from generator.spec.models import Compared, Source, Spec


@dataclass(frozen=True, slots=True)
class Width:
    """One layer of the network with another width: a reading that makes a stated difference true."""

    layer: str
    field: str
    was: int
    now: int
    count: int
    """The network's total with that width."""
    figure: Fraction
    """The comparison's figure then, in the claim's form."""


@dataclass(frozen=True, slots=True)
class Side:
    """One network of a reading, and how its count is taken."""

    names: tuple[str, ...]
    """The spec read, then any other spec of its family with the same totals."""
    count: Tally

    @property
    def name(self) -> str:
        return self.names[0]


@dataclass(frozen=True, slots=True)
class Swapped:
    """Another network of a family read for the one the claim names."""

    network: str
    named: str


@dataclass(frozen=True, slots=True)
class Counted:
    """A count taken another way (:func:`hypotheses.counts`): on both networks when ``network``
    is None, else on that one only."""

    change: Change
    network: str | None = None


@dataclass(frozen=True, slots=True)
class Rounded:
    """The figure rounded by another rule than half up."""

    rule: RoundingRule


@dataclass(frozen=True, slots=True)
class OwnFigures:
    """The figure worked out from the totals the same source states for the two networks (its
    own rounded figures), not from the specs' counts."""

    this: int
    other: int


#: What a reading of a stated comparison changes: which network, which counts, which rounding,
#: or whose figures.
FitChange = Swapped | Counted | Rounded | OwnFigures


@dataclass(frozen=True, slots=True)
class Fit:
    """A reading of a stated comparison that makes its figure come true."""

    this: Side
    other: Side
    rule: RoundingRule
    figure: Fraction
    """The figure this reading computes, in the claim's form, before rounding."""
    changes: tuple[FitChange, ...]
    """What it changes: which network, which counts, which rounding."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """One stated difference audited: both totals, the computed difference, the verdict."""

    claim: Compared
    source: Source
    count: int
    """This network's total of the claim's quantity."""
    other: int
    """The other network's total."""
    verdict: Verdict
    widths: tuple[Width, ...] = ()
    """For a mismatch: the one-layer widths that make the stated figure come true. One explains
    the mismatch; several leave it unexplained (the figure is too coarse to single one out)."""
    fits: tuple[Fit, ...] = ()
    """For a mismatch: the readings (:func:`readings`) that make the stated figure true and clear
    the bar (:mod:`generator.analysis.plausibility`), fewest changes first."""
    coincidences: tuple[Coincidence[Fit], ...] = ()
    """For a mismatch: the readings that make it true and fail the bar, with why."""
    networks: tuple[tuple[str, ...], ...] = ()
    """The networks a reading may take for this one, this network first, each with the others of
    its family that have its totals (:func:`alternatives`)."""
    others: tuple[tuple[str, ...], ...] = ()
    """The same for the network it is compared with."""
    to_title: str = ""
    """The title of the network it is compared with, as its spec gives it (pages name it so)."""

    @property
    def network(self) -> str:
        """The network whose source states the comparison."""
        return self.networks[0][0] if self.networks else ""

    @property
    def figure(self) -> Fraction:
        """The computed figure, in the form the source used."""
        return figure(self.claim.form, self.count, self.other)

    @property
    def needed(self) -> Fraction:
        """This network's count that would give the stated figure exactly (:func:`count_for`)."""
        return count_for(self.claim.form, self.claim.figure, self.other)

    @property
    def rounded(self) -> Decimal:
        """The computed figure rounded half up to the stated figure's last decimal."""
        return rounding.rounded(RoundingRule.HALF_UP, self.figure, self.claim.figure)


def difference(count: int, other: int) -> Fraction:
    """How much more ``count`` is than ``other``, in percent: ``(count − other) / other × 100``."""
    return Fraction(count - other, other) * 100


def share(count: int, other: int) -> Fraction:
    """``count`` as a percentage of ``other``: ``count / other × 100``."""
    return Fraction(count, other) * 100


def times_more(count: int, other: int) -> Fraction:
    """How many times ``other`` fits in ``count``: ``count / other``."""
    return Fraction(count, other)


def times_fewer(count: int, other: int) -> Fraction:
    """How many times fewer ``count`` is than ``other``: ``other / count``."""
    return Fraction(other, count)


#: Each form a source may use, by the field of :class:`~generator.spec.models.Compared` that
#: holds it.
FORMS = {
    "percent": difference,
    "percent_of": share,
    "times_more": times_more,
    "times_fewer": times_fewer,
}


def count_for(form: str, stated: Decimal, other: int) -> Fraction:
    """The count this network would need for the stated figure exactly, the other's being
    ``other``: ``other / f`` for "f times fewer", ``other × f`` for "f times more",
    ``other × f / 100`` for "f% of", ``other × (1 + f / 100)`` for "f% more"."""
    f = Fraction(stated)
    return {
        "percent": other * (1 + f / 100),
        "percent_of": other * f / 100,
        "times_more": other * f,
        "times_fewer": other / f,
    }[form]


def figure(form: str, count: int, other: int) -> Fraction:
    """The figure a source in ``form`` would state for these two counts."""
    return FORMS[form](count, other)


#: The figure rounded half up, as :func:`generator.analysis.rounding.figure_rounds_to` says.
rounds_to = rounding.figure_rounds_to


def ratios(analyses: Sequence[Analysis]) -> tuple[Ratio, ...]:
    """Every comparison the specs state, with the figure their totals give: what the bar reads
    a source's way of rounding ratios from (:func:`plausibility.context`)."""
    by_name = {a.name: a for a in analyses}
    found = []
    for analysis in analyses:
        for claim in analysis.spec.compared:
            other = by_name.get(claim.to)
            if other is None:
                continue
            mine = counted(analysis.totals, claim.quantity)
            theirs = counted(other.totals, claim.quantity)
            value = figure(claim.form, mine, theirs) if mine and theirs else None
            address = analysis.spec.sources[claim.source].url
            found.append(Ratio(analysis.name, claim, address, value))
    return tuple(found)


def compare(
    analysis: Analysis,
    others: Mapping[str, Analysis],
    grouped: Sequence[families.Family] | None = None,
    context: Context | None = None,
) -> tuple[Comparison, ...]:
    """Every stated difference of ``analysis``'s spec, audited against the networks it names.

    ``others`` are the site's analyses by name and ``grouped`` its families (worked out from
    ``others`` when not given); ``context`` the site's stated numbers and comparisons that a
    reading is held to (by default those of ``analysis`` and ``others``). The loader has checked
    that each named spec exists, so a name missing here is a spec that failed to load, and its
    claims are left out.
    """
    if not analysis.spec.compared:
        return ()
    site = [analysis, *(o for o in others.values() if o.name != analysis.name)]
    if grouped is None:
        grouped = families.families(site)
    if context is None:
        context = plausibility.context(site, ratios(site))
    return tuple(
        _check(analysis, claim, other, grouped, context)
        for claim in analysis.spec.compared
        if (other := others.get(claim.to)) is not None
    )


def _check(
    analysis: Analysis,
    claim: Compared,
    other: Analysis,
    grouped: Sequence[families.Family],
    context: Context,
) -> Comparison:
    count = counted(analysis.totals, claim.quantity)
    total = counted(other.totals, claim.quantity)
    mine = alternatives(analysis, other, grouped)
    theirs = alternatives(other, analysis, grouped)
    widths: tuple[Width, ...] = ()
    fits: list[Fit] = []
    coincidences: list[Coincidence[Fit]] = []
    computed = figure(claim.form, count, total) if total and count else None
    if computed is not None and computed == Fraction(claim.figure):
        verdict = Verdict.MATCHES
    elif computed is not None and rounds_to(computed, claim.figure):
        verdict = Verdict.ROUNDS_TO
    else:
        ratio = context.ratio(analysis.name, claim)
        found = (*own_figures(analysis, claim, context), *readings(claim, mine, theirs))
        for fit in sorted(found, key=lambda f: len(f.changes)):
            doubts = fit_doubts(fit, claim, ratio, context)
            if doubts:
                coincidences.append(Coincidence(fit, doubts))
            else:
                fits.append(fit)
        if total and count:
            pool = tuple(sorted(_width_values(analysis.spec) | _width_values(other.spec)))
            widths = tuple(_each_width(analysis, claim, total, pool))
        # One width that fits singles out a reading; several show only that the figure is
        # too coarse to say which layer differs, as a round number fits many products.
        explained = fits or len(widths) == 1
        verdict = Verdict.EXPLAINED if explained else Verdict.UNEXPLAINED
    source = analysis.spec.sources[claim.source]
    names = tuple(n for _, n in mine), tuple(n for _, n in theirs)
    return Comparison(
        claim,
        source,
        count,
        total,
        verdict,
        widths,
        tuple(fits),
        tuple(coincidences),
        *names,
        to_title=other.spec.title,
    )


def own_figures(analysis: Analysis, claim: Compared, context: Context) -> tuple[Fit, ...]:
    """The comparison worked out from the totals its own source states for both networks
    ("3.6 billion FLOPs, only 18% of VGG-19 (19.6 billion FLOPs)": 3.6 / 19.6 = 18.4%), rounded
    by each rule; empty when the source states no such pair or none gives the figure."""
    address = analysis.spec.sources[claim.source].url
    totals = [
        f
        for f in context.figures.get(address, ())
        if f.claim.layer is None
        and f.claim.quantity is claim.quantity
        and isinstance(f.claim.value, int)
        and f.claim.value
    ]
    mine = next((f for f in totals if f.spec == analysis.name), None)
    theirs = next((f for f in totals if f.spec == claim.to), None)
    if mine is None or theirs is None:
        return ()
    assert isinstance(mine.claim.value, int) and isinstance(theirs.claim.value, int)
    assert isinstance(mine.computed, int) and isinstance(theirs.computed, int)
    this, that = mine.claim.value, theirs.claim.value
    value = figure(claim.form, this, that)
    change = OwnFigures(this, that)
    found = []
    for rule in RULES:
        if FIGURE_RULES[rule](value, claim.figure):
            ruled: tuple[FitChange, ...] = (change,)
            ruled += (Rounded(rule),) if rule is not RoundingRule.HALF_UP else ()
            found.append(
                Fit(
                    Side((analysis.name,), Tally(mine.computed, this, claim.quantity)),
                    Side((claim.to,), Tally(theirs.computed, that, claim.quantity)),
                    rule,
                    value,
                    ruled,
                )
            )
    return tuple(found[:1])


def fit_doubts(
    fit: Fit, claim: Compared, ratio: Ratio | None, context: Context
) -> tuple[Doubt, ...]:
    """Why a reading of a stated comparison does not explain it; empty when it does
    (:mod:`generator.analysis.plausibility`)."""
    account = Account(ratio, context)
    for change in fit.changes:
        match change:
            case Swapped(network, named):
                account.cost += 1
                account.doubts.extend(_swap_doubts(network, named, claim, ratio, context))
            case Counted(counting):
                account.change(counting, claim.quantity)
            case Rounded(rule):
                account.way(rule)
            case OwnFigures():
                account.cost += 1
    if fit.rule is RoundingRule.HALF_UP:
        account.way(RoundingRule.HALF_UP)
    return account.close()


def _swap_doubts(
    network: str, named: str, claim: Compared, ratio: Ratio | None, context: Context
) -> list[Doubt]:
    """Another network read for the named one: it must be the named network as another of the
    named spec's sources gives it, and give what the claim's source states of the named one."""
    found: list[Doubt] = []
    mine, theirs = context.analyses.get(network), context.analyses.get(named)
    if mine is None or theirs is None:
        return found
    shared = {s.url for s in mine.spec.sources.values()} & {
        s.url for s in theirs.spec.sources.values()
    }
    if not shared:
        found.append(Stranger(network, named))
    if ratio is None:
        return found
    value = counted(mine.totals, claim.quantity)
    for stated in context.figures.get(ratio.address, ()):
        about = (stated.spec, stated.claim.layer, stated.claim.quantity)
        if about == (named, None, claim.quantity) and stated.plain and not stated.given_by(value):
            found.append(Misnamed(network, named, stated, value))
            break
    return found


def _each_width(
    analysis: Analysis, claim: Compared, total: int, pool: Sequence[int]
) -> Iterator[Width]:
    """The network with one layer's width replaced by another width either network uses
    (``pool``), where that makes the claim come true against the other's ``total``."""
    if sum(1 for layer in analysis.spec.layers if kind_of(layer).width) > MAX_WIDTH_LAYERS:
        return
    for index, layer in enumerate(analysis.spec.layers):
        field = kind_of(layer).width
        if field is None:
            continue
        was = getattr(layer, field)
        for now in pool:
            varied = None if now == was else _varied(analysis, index, field, now)
            if varied is None:
                continue
            count = counted(varied.totals, claim.quantity)
            if count and rounds_to(figure(claim.form, count, total), claim.figure):
                yield Width(layer.name, field, was, now, count, figure(claim.form, count, total))


def _varied(analysis: Analysis, index: int, field: str, width: int) -> Analysis | None:
    """The network rerun with layer ``index`` that wide (None where the geometry breaks)."""
    try:
        return engine.analyse(analysis.name, _with_width(analysis.spec, index, field, width))
    except engine.GeometryError:
        return None


def _signature(network: Analysis) -> tuple[int, int, int]:
    return (network.totals.params, network.totals.weights, network.totals.macs)


def alternatives(
    named: Analysis, besides: Analysis, grouped: Sequence[families.Family]
) -> tuple[tuple[Analysis, tuple[str, ...]], ...]:
    """The named network, then each other network of its family that a source could have meant:
    the same output (the same classes), not the network compared with, and different totals.
    Each comes with the names of the family's networks that have its totals."""
    family = families.family_of(named.name, grouped)
    members = [named] if family is None else [named, *(m for m in family.members if m is not named)]
    members = [
        m
        for m in members
        if m is named or (m is not besides and m.layers[-1].output == named.layers[-1].output)
    ]
    by_totals: dict[tuple[int, int, int], list[Analysis]] = {}
    for member in members:
        by_totals.setdefault(_signature(member), []).append(member)
    return tuple((same[0], tuple(m.name for m in same)) for same in by_totals.values())


def _count_pairs(ours: Sequence[Tally], yours: Sequence[Tally]) -> Iterator[tuple[Tally, Tally]]:
    """Every way of taking the two counts, both non-zero."""
    for mine in ours:
        for theirs in yours:
            if mine.value and theirs.value:
                yield mine, theirs


def _count_changes(ours: Side, yours: Side) -> tuple[Counted, ...] | None:
    """What two ways of taking the counts change, each once: a change made on both sides is one
    change, a change made on one side names its network. A bias convention holds for both
    networks or for neither (None: no reading)."""
    mine = dict(zip(ours.count.keys, ours.count.changes, strict=True))
    theirs = dict(zip(yours.count.keys, yours.count.changes, strict=True))
    if ("biases" in mine) != ("biases" in theirs):
        return None
    changes = [Counted(mine[k]) for k in mine if k in theirs]
    changes += [Counted(mine[k], ours.name) for k in mine if k not in theirs]
    changes += [Counted(theirs[k], yours.name) for k in theirs if k not in mine]
    return tuple(changes)


#: The rules a stated ratio may have been rounded by; half up is the plain one.
RULES = (RoundingRule.HALF_UP, RoundingRule.DOWN, RoundingRule.ONE_FIGURE)


def readings(
    claim: Compared,
    mine: Sequence[tuple[Analysis, tuple[str, ...]]],
    theirs: Sequence[tuple[Analysis, tuple[str, ...]]],
) -> tuple[Fit, ...]:
    """The readings of a stated comparison that make its figure come true, fewest changes first.

    A reading picks this network or another of its family, the named network or another of its
    family (:func:`alternatives`, each first the spec itself), a way of taking each count
    (:func:`hypotheses.counts`) and a rounding rule; each choice other than the plain one is a
    change, the same change of count on both sides is one, and no reading changes more than
    :data:`hypotheses.MAX_CHANGES`. A reading that adds a change to one that fits is left out.
    A reading swaps at most one of the two networks: in families of hundreds, swapping both
    would find a fit by chance (and cost the product of the families' sizes).
    """
    limit = hypotheses.MAX_CHANGES
    # Each network's ways of taking its count, worked out once for all its pairings.
    counts = {n.name: hypotheses.counts(n, claim.quantity) for n, _ in (*mine, *theirs)}
    found: list[tuple[tuple[int, int], Fit]] = []
    for i, (this, this_names) in enumerate(mine):
        for j, (other, other_names) in enumerate(theirs):
            if i and j:
                continue
            swaps: tuple[FitChange, ...] = (Swapped(this.name, mine[0][0].name),) if i else ()
            swaps += (Swapped(other.name, theirs[0][0].name),) if j else ()
            # A way of taking a count brings its own changes: only those within the limit.
            room = limit - len(swaps)
            ours_counts = [c for c in counts[this.name] if len(c.changes) <= room]
            their_counts = [c for c in counts[other.name] if len(c.changes) <= room]
            for mine_count, their_count in _count_pairs(ours_counts, their_counts):
                ours, yours = Side(this_names, mine_count), Side(other_names, their_count)
                counting = _count_changes(ours, yours)
                if counting is None or len(swaps) + len(counting) > limit:
                    continue
                changes = swaps + counting
                value = figure(claim.form, mine_count.value, their_count.value)
                for rule in RULES:
                    ruled = changes + ((Rounded(rule),) if rule is not RoundingRule.HALF_UP else ())
                    if ruled and len(ruled) <= limit and FIGURE_RULES[rule](value, claim.figure):
                        found.append(
                            (
                                (len(ruled), i + j),
                                Fit(ours, yours, rule, value, ruled),
                            )
                        )
    found.sort(key=lambda pair: pair[0])
    kept: list[Fit] = []
    for _, fit in found:
        if not any(set(k.changes) < set(fit.changes) for k in kept):
            kept.append(fit)
    return tuple(kept)


#: The finder tries widths only in networks with at most this many layers that have one (AlexNet's
#: variants have eight). Each try reruns the engine; in deeper networks so many one-layer changes
#: come near a rounded figure that none could be singled out anyway (VGG-16's "about 3x" fits
#: seven), and the readings of :func:`readings` cover them without rerunning anything.
MAX_WIDTH_LAYERS = 12


def _width_values(spec: Spec) -> set[int]:
    """Every width a spec gives a layer: the kernel counts and fc widths a reading may borrow."""
    return {
        getattr(layer, field)
        for layer in spec.layers
        if (field := kind_of(layer).width) is not None
    }


def _with_width(spec: Spec, index: int, field: str, width: int) -> Spec:
    layers = list(spec.layers)
    layers[index] = layers[index].model_copy(update={field: width})
    return spec.model_copy(update={"layers": tuple(layers)})
