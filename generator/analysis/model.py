"""The site model: everything the pages, figures and exports show, computed once per build.

:func:`build_site_model` audits each architecture once (the hypothesis finder included), reads
the paper's network under every framework's rule, compares each variant with it, sweeps the
input sizes and checks the contributing page's examples. The renderers in
:mod:`generator.render` only read the result: none of them calls the engine, the loader or an
analysis. Everything here is frozen, so a page cannot change what another page shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.analysis import calculator, examples, families, graph, lineage, readings, sweeps
from generator.analysis.audit import Check, audit
from generator.analysis.calculator import Example
from generator.analysis.comparisons import Comparison, compare
from generator.analysis.examples import Examples
from generator.analysis.families import Family
from generator.analysis.lineage import Difference
from generator.analysis.readings import Reading
from generator.analysis.successors import SuccessorsPage, successors_page
from generator.analysis.sweeps import Sweep
from generator.core.results import Analysis, Axis, LayerResult

#: The spec of the 2012 paper: the flagship page retraces it, the lineage page compares with it.
PAPER = families.PAPER
#: AlexNet's conv1 as the paper states it (n, k, s, p_before, p_after, d): the arithmetic page's
#: numbers when the paper's spec is absent.
PAPER_CONV1 = (224, 11, 4, 0, 0, 1)


@dataclass(frozen=True, slots=True)
class Architecture:
    """One architecture of the site: its analysis and its audit."""

    analysis: Analysis
    checks: tuple[Check, ...]
    """Every stated number of its spec, checked; a mismatch carries the finder's hypotheses."""
    comparisons: tuple[Comparison, ...] = ()
    """Every difference its sources state against another network of the site, checked."""

    @property
    def name(self) -> str:
        return self.analysis.name


@dataclass(frozen=True, slots=True)
class PaperReadings:
    """The paper's first convolution under every rule: the flagship page's numbers."""

    conv: LayerResult
    """The first convolution as the paper's spec declares it."""
    height: Axis
    """Its height axis: input, kernel, stride and padding as stated, the size it gives."""
    floor_size: int
    """Its output height rounded down, as PyTorch and Caffe would."""
    readings: tuple[Reading, ...]
    """The whole network recomputed under each reading (:data:`readings.READINGS`)."""


@dataclass(frozen=True, slots=True)
class Variant:
    """A network of the site beside another of its family: what differs, layer by layer."""

    analysis: Analysis
    differences: tuple[Difference, ...]
    base: str = PAPER
    """The network it is compared with: the paper's for an AlexNet, else its family's root."""


@dataclass(frozen=True, slots=True)
class Member:
    """A network of a family, cut into its stages."""

    analysis: Analysis
    depth: int
    """Layers with weights on its longest path (:func:`graph.depth`)."""
    stages: tuple[graph.Stage, ...]
    """Its deepest path by effective stride (:func:`graph.stages`)."""
    sums: tuple[graph.StageSum, ...]
    """Its parameters and multiply-accumulates by stage (:func:`graph.stage_sums`)."""


@dataclass(frozen=True, slots=True)
class Lineage:
    """The networks of one family: each member by stage, and each variant against the root."""

    family: Family
    members: tuple[Member, ...]
    """Root first."""
    variants: tuple[Variant, ...]
    """Each member but the root, against the root; for AlexNet's family, against the paper's."""


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


@dataclass(frozen=True, slots=True)
class SiteModel:
    """Everything the site shows, computed once per build; the renderers only read it."""

    architectures: tuple[Architecture, ...]
    """Every architecture, in the order of the spec files."""
    paper: Architecture | None
    """The paper's network (:data:`PAPER`), when its spec is on the site."""
    paper_readings: PaperReadings | None
    """Every reading of the paper's first convolution; None without one to read."""
    variants: tuple[Variant, ...]
    """Every other AlexNet against the paper's; empty without the paper's spec."""
    families: tuple[Lineage, ...]
    """AlexNet's family, then each successor's (:mod:`generator.analysis.families`)."""
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


def audited(analysis: Analysis, others: Sequence[Analysis] = ()) -> Architecture:
    """An analysis with its audit: what one architecture's page and exports show.

    ``others`` are the networks its stated differences may name (the site's other specs).
    """
    by_name = {other.name: other for other in others}
    return Architecture(analysis, audit(analysis), compare(analysis, by_name))


def build_site_model(analyses: Sequence[Analysis]) -> SiteModel:
    """Compute everything the site shows from the loaded analyses, each audited once."""
    by_name = {a.name: a for a in analyses}
    grouped = families.families(analyses)
    architectures = tuple(Architecture(a, audit(a), compare(a, by_name, grouped)) for a in analyses)
    paper = next((a for a in architectures if a.name == PAPER), None)
    lineages = tuple(_lineage(family) for family in grouped)
    alexnets = next((f for f in lineages if f.family.alexnet), None)
    return SiteModel(
        architectures=architectures,
        paper=paper,
        paper_readings=_paper_readings(paper.analysis) if paper else None,
        variants=alexnets.variants if paper and alexnets else (),
        families=lineages,
        successors=successors_page(
            paper.analysis,
            [(a.analysis, a.checks, a.comparisons) for a in architectures],
            grouped,
        )
        if paper
        else None,
        arithmetic=_arithmetic(
            tuple(s for a in analyses if (s := sweeps.sweep(a)) is not None),
            paper.analysis if paper else None,
        ),
        examples=examples.check_examples(),
    )


def _lineage(family: Family) -> Lineage:
    root = family.root
    return Lineage(
        family,
        tuple(
            Member(m, depth, graph.stages(m), graph.stage_sums(m))
            for m, depth in zip(family.members, family.depths, strict=True)
        ),
        tuple(
            # A successor's variants keep their parent's layer names: aligned by name, an
            # inserted convolution shows where it was inserted.
            Variant(m, lineage.differences(root, m, by_name=not family.alexnet), root.name)
            for m in family.members
            if m is not root
        ),
    )


def _paper_readings(paper: Analysis) -> PaperReadings | None:
    conv = readings.first_conv(paper)
    if conv is None or conv.axes is None:
        return None
    height = conv.axes[0]
    return PaperReadings(conv, height, readings.rounded_down(height), readings.readings(paper))


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
    conv = readings.first_conv(paper) if paper else None
    if conv is None or conv.axes is None:
        return PAPER_CONV1
    h = conv.axes[0]
    return (h.size, h.kernel, h.stride, h.pad_before, h.pad_after, h.dilation)
