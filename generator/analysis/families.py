"""Families of networks: AlexNet and its variants, and each successor with its own variants. Pure.

A spec does not say which family it belongs to; its graph and its sources do. A network is an
AlexNet variant when it is a chain as deep as the paper's network (five convolutions and three
fully connected layers: eight layers with weights on its longest path, :func:`graph.depth`). Every
other network is a successor, and successors that cite the same paper first (VGG-16 and VGG-19,
the three GoogLeNets) are one family. The lineage, comparison and architecture pages group by
family, and a stated comparison against "AlexNet" may be read against any AlexNet of the site.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.analysis import graph
from generator.core.results import Analysis

#: The spec of the 2012 paper: the flagship page retraces it, the lineage page compares with it.
PAPER = "alexnet-2012"
#: AlexNet's depth in layers with weights (five convolutions, three fully connected), used when
#: the paper's spec is absent.
ALEXNET_DEPTH = 8
#: The family name of AlexNet's variants.
ALEXNET_FAMILY = "AlexNet and its variants"


@dataclass(frozen=True, slots=True)
class Family:
    """Networks of one design: AlexNet's variants, or one successor paper's networks."""

    name: str
    """``AlexNet and its variants``, ``VGG``, ``GoogLeNet``: for a heading."""
    members: tuple[Analysis, ...]
    """The root (:attr:`root`) first, then the others in site order."""
    alexnet: bool
    """Whether these are AlexNet and its variants."""
    depths: tuple[int, ...]
    """Each member's depth in layers with weights (:func:`graph.depth`)."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.members)

    @property
    def root(self) -> Analysis:
        """The member the others vary: the paper's network for AlexNet's family, else the one
        with the shortest name (``googlenet`` before ``googlenet-aux``, ``vgg-16`` before
        ``vgg-19``)."""
        return self.members[0]


def is_alexnet(analysis: Analysis, depth: int, alexnet_depth: int) -> bool:
    """A chain (no merges) with as many layers with weights on its path (``depth``) as AlexNet
    (``alexnet_depth``)."""
    return depth == alexnet_depth and not any(graph.merges(r) for r in analysis.layers)


def families(
    analyses: Sequence[Analysis], depths: Mapping[str, int] | None = None
) -> tuple[Family, ...]:
    """AlexNet's family first, then one family per successor paper, in site order.

    ``depths`` gives each network's depth (:func:`graph.depth`) when the caller has worked it out.
    """
    found_depths = depths or {a.name: graph.depth(a) for a in analyses}
    alexnet_depth = found_depths.get(PAPER, ALEXNET_DEPTH)
    alexnets = tuple(a for a in analyses if is_alexnet(a, found_depths[a.name], alexnet_depth))
    by_paper: dict[str, list[Analysis]] = {}
    for analysis in analyses:
        if analysis not in alexnets:
            by_paper.setdefault(_first_source(analysis), []).append(analysis)
    found = []
    if alexnets:
        found.append(_family(ALEXNET_FAMILY, alexnets, found_depths, alexnet=True))
    for members in by_paper.values():
        name = family_name([m.spec.title for m in members])
        found.append(_family(name, tuple(members), found_depths))
    return tuple(found)


def _family(
    name: str,
    members: tuple[Analysis, ...],
    depths: Mapping[str, int],
    *,
    alexnet: bool = False,
) -> Family:
    root = next((m for m in members if m.name == PAPER), None) or min(
        members, key=lambda m: (len(m.name), m.name)
    )
    ordered = (root, *(m for m in members if m is not root))
    return Family(name, ordered, alexnet, tuple(depths[m.name] for m in ordered))


def _first_source(analysis: Analysis) -> str:
    """The address of the spec's first source: the paper that defines the network."""
    return next(iter(analysis.spec.sources.values())).url


def family_name(titles: Sequence[str]) -> str:
    """The words the members' titles begin with, before a parenthesis, a comma or a version:
    ``VGG-16 (…)`` and ``VGG-19 (…)`` → ``VGG``; ``SqueezeNet v1.0 (…)`` and
    ``SqueezeNet v1.1 (…)`` → ``SqueezeNet``."""
    shared = _shared_start(titles)
    name = shared.split(" (")[0].split(",")[0].rstrip(" -.0123456789")
    if name.endswith(" v"):
        name = name[:-2]
    return name.strip() or titles[0]


def _shared_start(texts: Sequence[str]) -> str:
    """The longest start every text has (the first and last in sorted order bound the rest)."""
    first, last = min(texts), max(texts)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def family_of(name: str, found: Sequence[Family]) -> Family | None:
    """The family of spec ``name``."""
    return next((f for f in found if name in f.names), None)
