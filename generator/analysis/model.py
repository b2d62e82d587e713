"""The site model: everything the pages, figures and exports show, computed once per build.

:func:`build_site_model` works in four stages, each reading only what the stages before it made:

1. **each spec alone**: its depth and stages, the input sizes it tiles (:func:`member`,
   :mod:`generator.analysis.sweeps`);
2. **what groups the specs**: the families, by depth and first source
   (:mod:`generator.analysis.families`);
3. **what compares specs**: every stated number and comparison audited, with one verdict each
   (:func:`audit_site`: the hypothesis finder, :mod:`generator.analysis.audit`, and each stated
   comparison against the network it names and that network's family,
   :mod:`generator.analysis.comparisons`, every reading held to what the same source states
   elsewhere, :mod:`generator.analysis.plausibility`), each variant against its family's root
   (:mod:`generator.analysis.lineage`), the paper's network in every version
   (:mod:`generator.analysis.versions`); with each spec's audit, what every operation counter
   reports for it (:mod:`generator.analysis.counters`);
4. **what the site-wide pages gather**: the flagship question, the audit's tallies and the
   register of claims (:mod:`generator.analysis.register`), the columns of the comparison
   tables, the successors' claims (:mod:`generator.analysis.successors`), the arithmetic page's
   examples and sweeps.

The renderers in :mod:`generator.render` only read the result: none of them calls the engine,
the loader or an analysis, and every number they print is a field here. Everything is frozen,
so a page cannot change what another page shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from generator.analysis import (
    calculator,
    comparisons,
    counters,
    examples,
    families,
    graph,
    lineage,
    plausibility,
    register,
    successors,
    sweeps,
    versions,
)
from generator.analysis.audit import Check, Verdict, audit
from generator.analysis.calculator import Example
from generator.analysis.comparisons import Comparison, compare
from generator.analysis.examples import Examples
from generator.analysis.families import Family
from generator.analysis.hypotheses import Cause
from generator.analysis.lineage import Difference
from generator.analysis.register import Register
from generator.analysis.successors import SuccessorsPage
from generator.analysis.sweeps import Sweep
from generator.analysis.versions import Version
from generator.core import rules
from generator.core.results import Analysis, Axis, LayerResult
from generator.spec.models import Conv, Quantity

#: The spec of the 2012 paper: the flagship page retraces it, the lineage page compares with it.
PAPER = families.PAPER
#: AlexNet's conv1 as the paper states it (n, k, s, p_before, p_after, d): the arithmetic page's
#: numbers when the paper's spec is absent.
PAPER_CONV1 = (224, 11, 4, 0, 0, 1)

# --- each spec alone ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ragged:
    """A windowed layer whose windows do not tile its input, along its height."""

    result: LayerResult
    axis: Axis
    covered: int
    """The pixels its windows span, first window's start to last window's end
    (:func:`generator.core.rules.covered_extent`)."""


@dataclass(frozen=True, slots=True)
class Split:
    """A conv or fc layer of a network with towers, and its neurons on each tower."""

    result: LayerResult
    per_tower: int
    """Its neurons over its towers: the whole layer when it has one."""


@dataclass(frozen=True, slots=True)
class Architecture:
    """One architecture of the site: its analysis, its audit, and what its page adds up."""

    analysis: Analysis
    checks: tuple[Check, ...]
    """Every stated number of its spec, checked; a mismatch carries the finder's hypotheses."""
    comparisons: tuple[Comparison, ...] = ()
    """Every difference its sources state against another network of the site, checked."""
    input_values: int = 0
    """The values of its input, channels × height × width."""
    ragged: tuple[Ragged, ...] = ()
    """Its windowed layers that leave unused pixels or overhang, in order."""
    splits: tuple[Split, ...] = ()
    """Its conv and fc layers, each with its neurons per tower."""
    tools: counters.Predictions = counters.NONE
    """What each operation counter reports for it, and why it differs from the site's count
    (:mod:`generator.analysis.counters`)."""

    @property
    def name(self) -> str:
        return self.analysis.name


def architecture(
    analysis: Analysis, checks: tuple[Check, ...], comparisons: tuple[Comparison, ...] = ()
) -> Architecture:
    """An analysis with its audit, the sums its page shows, and each counter's number."""
    ragged = tuple(
        Ragged(r, h, rules.covered_extent(h.output, h.effective_kernel, h.stride))
        for r in analysis.layers
        if r.axes is not None and any(a.overhang or a.unused for a in r.axes)
        for h in (r.axes[0],)
    )
    splits = tuple(Split(r, r.neurons // r.towers) for r in analysis.layers if r.counts_as_neurons)
    return Architecture(
        analysis,
        checks,
        comparisons,
        math.prod(analysis.input),
        ragged,
        splits,
        tools=counters.predictions(analysis),
    )


#: A column of the tables by stage: the auxiliary classifiers or not, and the effective stride
#: (None: the fully connected layers), as :class:`graph.StageSum` keys its sums.
StageKey = tuple[bool, Fraction | None]


@dataclass(frozen=True, slots=True)
class Member:
    """A network cut into its stages: what a family's tables show of it."""

    analysis: Analysis
    depth: int
    """Layers with weights on its longest path (:func:`graph.depth`)."""
    stages: tuple[graph.Stage, ...]
    """Its deepest path by effective stride (:func:`graph.stages`)."""
    sums: tuple[graph.StageSum, ...]
    """Its parameters and multiply-accumulates by stage (:func:`graph.stage_sums`)."""

    def stage_at(self, stride: Fraction | None) -> graph.Stage | None:
        """Its stage at an effective stride (None: its fully connected layers), if any."""
        found = [s for s in self.stages if s.stride == stride]
        return found[-1] if found else None

    def sum_at(self, key: StageKey) -> graph.StageSum | None:
        """Its sums at one column of the tables by stage, if it has that stage."""
        return next((s for s in self.sums if (s.auxiliary, s.stride) == key), None)


def member(analysis: Analysis) -> Member:
    """A network's depth, stages and sums by stage."""
    return Member(
        analysis, graph.depth(analysis), graph.stages(analysis), graph.stage_sums(analysis)
    )


# --- what compares specs --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variant:
    """A network of the site beside another of its family: what differs, layer by layer."""

    analysis: Analysis
    depth: int
    differences: tuple[Difference, ...]
    base: str = PAPER
    """The network it is compared with: the paper's for an AlexNet, else its family's root."""


@dataclass(frozen=True, slots=True)
class Lineage:
    """The networks of one family: each member by stage, and each variant against the root."""

    family: Family
    members: tuple[Member, ...]
    """Root first."""
    variants: tuple[Variant, ...]
    """Each member but the root, against the root; for AlexNet's family, against the paper's."""


def _lineage(family: Family, members: Mapping[str, Member]) -> Lineage:
    root = family.root
    found = tuple(members[m.name] for m in family.members)
    return Lineage(
        family,
        found,
        tuple(
            # A successor's variants keep their parent's layer names: aligned by name, an
            # inserted convolution shows where it was inserted.
            Variant(
                m.analysis,
                m.depth,
                lineage.differences(root, m.analysis, by_name=not family.alexnet),
                root.name,
            )
            for m in found
            if m.analysis is not root
        ),
    )


# --- what the site-wide pages gather --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Beside:
    """A total beside a stated one: how far the stated one lies from it, in the site's one sign
    convention (stated − computed, as :attr:`Check.difference`)."""

    value: int
    difference: int
    """``stated − value``."""
    relative: Fraction
    """``(stated − value) / value``."""


def beside(value: int, stated: int) -> Beside:
    return Beside(value, stated - value, Fraction(stated - value, value))


@dataclass(frozen=True, slots=True)
class Flagship:
    """The paper's first convolution and the neurons its Figure 2 states: the flagship page."""

    conv: LayerResult
    """The first convolution as the paper's spec declares it."""
    channels: int
    """Its kernels."""
    height: Axis
    """Its height axis: input, kernel, stride and padding as stated, the size it gives."""
    padded: int
    """The input its rounded-up size amounts to: the stated one and the last window's overhang."""
    floor_size: int
    """Its output height rounded down, as PyTorch and Caffe would."""
    floor_neurons: int
    """Its neurons then, ``channels × floor_size²``."""
    check: Check
    """Its neurons as the caption states them."""
    layer_checks: tuple[Check, ...]
    """The caption's number for every layer."""
    matching: int
    """How many of those match."""
    geometry: int
    """How many of the finder's hypotheses for :attr:`check` change the geometry."""
    slides: Check | None
    """The slides' stated connections, the total multiply-accumulates."""
    inputs: tuple[Check, ...]
    """The input sizes sources state other than the paper's (CS231n's 227), audited."""
    abstract: Check
    """The abstract's stated total of neurons."""
    caption: Beside
    """The caption's numbers summed, beside the abstract's total."""
    network: Beside
    """The network's computed total, beside the abstract's."""
    versions: tuple[Version, ...]
    """The whole network recomputed under each version (:data:`versions.VERSIONS`)."""
    totals: tuple[tuple[Version, Beside], ...]
    """Each version that gives a network, its total beside the abstract's."""


def flagship(paper: Architecture) -> Flagship | None:
    """The flagship page's numbers; None without a first convolution or the stated neurons."""
    conv = versions.first_conv(paper.analysis)
    if conv is None or conv.axes is None or not isinstance(conv.layer, Conv):
        return None
    neuron_checks = [c for c in paper.checks if c.claim.quantity is Quantity.NEURONS]
    layer_checks = tuple(c for c in neuron_checks if c.claim.layer not in (None, "input"))
    check = next((c for c in layer_checks if c.claim.layer == conv.name), None)
    abstract = next((c for c in neuron_checks if c.claim.layer is None), None)
    if check is None or abstract is None or not isinstance(abstract.claim.value, int):
        return None
    stated = abstract.claim.value
    height, channels = conv.axes[0], conv.layer.out_channels
    floor_size = versions.rounded_down(height)
    found = versions.versions(paper.analysis)
    return Flagship(
        conv=conv,
        channels=channels,
        height=height,
        padded=height.size + height.overhang,
        floor_size=floor_size,
        floor_neurons=channels * floor_size * floor_size,
        check=check,
        layer_checks=layer_checks,
        matching=sum(1 for c in layer_checks if c.verdict is Verdict.MATCHES),
        geometry=sum(1 for h in check.hypotheses if h.cause is Cause.GEOMETRY),
        slides=next(
            (
                c
                for c in paper.checks
                if c.claim.quantity is Quantity.MACS and c.claim.layer is None
            ),
            None,
        ),
        inputs=tuple(
            c
            for c in paper.checks
            if c.claim.layer == "input"
            and c.claim.quantity is Quantity.SHAPE
            and c.verdict is not Verdict.MATCHES
        ),
        abstract=abstract,
        caption=beside(
            sum(c.claim.value for c in layer_checks if isinstance(c.claim.value, int)), stated
        ),
        network=beside(paper.analysis.totals.neurons, stated),
        versions=found,
        totals=tuple(
            (v, beside(v.analysis.totals.neurons, stated)) for v in found if v.analysis is not None
        ),
    )


#: How many stated numbers and comparisons have each verdict, in the order of :class:`Verdict`.
Tally = register.Tally


def tally(architectures: Sequence[Architecture]) -> Tally:
    """How many stated numbers and comparisons of ``architectures`` have each verdict."""
    verdicts = [c.verdict for a in architectures for c in a.checks]
    verdicts += [d.verdict for a in architectures for d in a.comparisons]
    return register.tally(verdicts)


@dataclass(frozen=True, slots=True)
class FamilyTally:
    """The networks of one family that state a number, and the tally of their verdicts."""

    name: str
    architectures: tuple[Architecture, ...]
    tally: Tally


@dataclass(frozen=True, slots=True)
class Tallies:
    """The audit's verdicts counted: over the site, and family by family."""

    site: Tally
    families: tuple[FamilyTally, ...]
    """Each family with a network that states a number."""


def tallies(architectures: Sequence[Architecture], lineages: Sequence[Lineage]) -> Tallies:
    by_name = {a.name: a for a in architectures}
    found = []
    for found_lineage in lineages:
        stated = tuple(
            a
            for m in found_lineage.members
            if (a := by_name[m.analysis.name]).checks or a.comparisons
        )
        if stated:
            found.append(FamilyTally(found_lineage.family.name, stated, tally(stated)))
    return Tallies(tally(architectures), tuple(found))


@dataclass(frozen=True, slots=True)
class LayerRow:
    """An AlexNet in the tables layer by layer: its conv and fc layers, in order."""

    analysis: Analysis
    layers: tuple[LayerResult, ...]


@dataclass(frozen=True, slots=True)
class SideBySide:
    """What the comparison page sets side by side: AlexNet's variants layer by layer, every
    network stage by stage."""

    rows: tuple[LayerRow, ...]
    """AlexNet and its variants, in site order."""
    width: int
    """The most conv and fc layers any of them has: the columns of the tables layer by layer."""
    columns: tuple[StageKey, ...]
    """Every stage any network's sums have: strides first (smallest first), then the fully
    connected layers, then the auxiliary classifiers."""

    @property
    def alexnets(self) -> tuple[Analysis, ...]:
        return tuple(r.analysis for r in self.rows)


def side_by_side(analyses: Sequence[Analysis], lineages: Sequence[Lineage]) -> SideBySide:
    names = {a.name for f in lineages if f.family.alexnet for a in f.family.members}
    rows = tuple(
        LayerRow(a, tuple(r for r in a.layers if r.counts_as_neurons))
        for a in analyses
        if a.name in names
    )
    keys = {(s.auxiliary, s.stride) for f in lineages for m in f.members for s in m.sums}
    return SideBySide(
        rows,
        max((len(r.layers) for r in rows), default=0),
        tuple(sorted(keys, key=lambda k: (k[0], k[1] is None, k[1] or 0))),
    )


@dataclass(frozen=True, slots=True)
class Stages:
    """The paper's network and every successor, stage by stage: the lineage page's table."""

    members: tuple[Member, ...]
    strides: tuple[Fraction, ...]
    """The effective strides at which any of them has a stage, smallest first."""


def stage_table(paper: str, lineages: Sequence[Lineage]) -> Stages:
    alexnet = [m for f in lineages if f.family.alexnet for m in f.members]
    staged = (
        *(m for m in alexnet if m.analysis.name == paper),
        *(m for f in lineages if not f.family.alexnet for m in f.members),
    )
    strides = {s.stride for m in staged for s in m.stages if s.stride is not None}
    return Stages(staged, tuple(sorted(strides)))


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """The convolution arithmetic page's numbers: worked examples and input-size sweeps."""

    conv1: Example
    """AlexNet's conv1 along its height, from the paper's spec when it is there."""
    clip: Example
    """A pooling layer where the last-window rules disagree (:data:`calculator.CLIP_EXAMPLE`)."""
    sweeps: tuple[Sweep, ...]
    """One per architecture with a convolution, in site order."""
    paper_sweep: Sweep | None
    nearest: int | None
    """The size every layer of the paper's network tiles nearest its stated input."""
    nearest_users: tuple[str, ...]
    """The architectures whose stated input is that size."""


def _arithmetic(found: tuple[Sweep, ...], paper: Analysis | None) -> Arithmetic:
    paper_sweep = next((s for s in found if s.analysis.name == PAPER), None)
    nearest = sweeps.nearest_tiling(paper_sweep) if paper_sweep else None
    return Arithmetic(
        conv1=calculator.example(_conv1_numbers(paper)),
        clip=calculator.example(calculator.CLIP_EXAMPLE),
        sweeps=found,
        paper_sweep=paper_sweep,
        nearest=nearest,
        nearest_users=tuple(
            s.analysis.name for s in found if nearest is not None and s.stated == nearest
        ),
    )


def _conv1_numbers(paper: Analysis | None) -> tuple[int, int, int, int, int, int]:
    """The paper's conv1 along its height (n, k, s, p_before, p_after, d)."""
    conv = versions.first_conv(paper) if paper else None
    if conv is None or conv.axes is None:
        return PAPER_CONV1
    h = conv.axes[0]
    return (h.size, h.kernel, h.stride, h.pad_before, h.pad_after, h.dilation)


# --- the site -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteModel:
    """Everything the site shows, computed once per build; the renderers only read it."""

    architectures: tuple[Architecture, ...]
    """Every architecture, in the order of the spec files."""
    paper: Architecture | None
    """The paper's network (:data:`PAPER`), when its spec is on the site."""
    families: tuple[Lineage, ...]
    """AlexNet's family, then each successor's (:mod:`generator.analysis.families`)."""
    variants: tuple[Variant, ...]
    """Every other AlexNet against the paper's; empty without the paper's spec."""
    flagship: Flagship | None
    """The paper's first convolution and its stated neurons; None without them."""
    tallies: Tallies
    register: Register
    """Every stated number and comparison of the site, with its verdict and best reading."""
    side_by_side: SideBySide
    stages: Stages
    successors: SuccessorsPage | None
    """What the successors say about AlexNet; None without the paper's spec."""
    arithmetic: Arithmetic
    examples: Examples
    """The contributing page's worked example and broken copies, loaded from memory."""

    @property
    def analyses(self) -> tuple[Analysis, ...]:
        return tuple(a.analysis for a in self.architectures)

    def architecture(self, name: str) -> Architecture | None:
        """The architecture of spec ``name``, if the site has it."""
        return next((a for a in self.architectures if a.name == name), None)


def site_context(analyses: Sequence[Analysis]) -> plausibility.Context:
    """Every stated number and comparison of the site by source, each with its plain count: what
    the audit holds a reading to (:mod:`generator.analysis.plausibility`). No finder runs."""
    return plausibility.context(analyses, comparisons.ratios(analyses))


def audited(analysis: Analysis, others: Sequence[Analysis] = ()) -> Architecture:
    """An analysis with its audit: what one architecture's page and exports show.

    ``others`` are the site's other specs: the networks its stated differences may name, and the
    other numbers their sources state, which a reading of one of its numbers is held to. Given
    the same specs, it gives the verdicts :func:`build_site_model` gives.
    """
    site = [analysis, *(o for o in others if o.name != analysis.name)]
    return audit_site(site, only=analysis.name)[0]


def audit_site(
    analyses: Sequence[Analysis],
    grouped: Sequence[Family] | None = None,
    *,
    only: str | None = None,
) -> tuple[Architecture, ...]:
    """Every spec's stated numbers and comparisons audited, each held to the stated numbers of
    the whole site (:func:`site_context`): the verdicts every page, export and command shows.
    ``grouped`` are the site's families (worked out when not given); ``only`` names the one
    spec to audit, the others being its context."""
    context = site_context(analyses)
    grouped = families.families(analyses) if grouped is None else grouped
    by_name = {a.name: a for a in analyses}
    return tuple(
        architecture(a, audit(a, context), compare(a, by_name, grouped, context))
        for a in analyses
        if only is None or a.name == only
    )


def build_site_model(analyses: Sequence[Analysis]) -> SiteModel:
    """Compute everything the site shows from the loaded analyses, stage by stage."""
    # 1. Each spec alone.
    members = {a.name: member(a) for a in analyses}
    found_sweeps = tuple(s for a in analyses if (s := sweeps.sweep(a)) is not None)

    # 2. What groups the specs.
    grouped = families.families(analyses, {name: m.depth for name, m in members.items()})

    # 3. What compares specs: each stated number and comparison held to the whole site's.
    architectures = audit_site(analyses, grouped)
    lineages = tuple(_lineage(family, members) for family in grouped)
    paper = next((a for a in architectures if a.name == PAPER), None)
    alexnets = next((f for f in lineages if f.family.alexnet), None)

    # 4. What the site-wide pages gather.
    return SiteModel(
        architectures=architectures,
        paper=paper,
        families=lineages,
        variants=alexnets.variants if paper and alexnets else (),
        flagship=flagship(paper) if paper else None,
        tallies=tallies(architectures, lineages),
        register=register.register([(a.analysis, a.checks, a.comparisons) for a in architectures]),
        side_by_side=side_by_side(analyses, lineages),
        stages=stage_table(PAPER, lineages),
        successors=successors.gather(
            paper.analysis,
            members[PAPER].depth,
            [(a.analysis, a.checks, a.comparisons) for a in architectures],
            grouped,
        )
        if paper
        else None,
        arithmetic=_arithmetic(found_sweeps, paper.analysis if paper else None),
        examples=examples.check_examples(),
    )
