"""The register of claims: every number a source states about a network of the site, and every
comparison it states between two, each with its one verdict. Pure.

The audit gives each claim its verdict once (:mod:`generator.analysis.audit`,
:mod:`generator.analysis.comparisons`); the register lists them all in site order, counts them by
verdict, and is what the register page, its CSV and JSON downloads and ``python -m generator
claims`` show.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.analysis.audit import Check, Verdict
from generator.analysis.comparisons import Comparison
from generator.core.results import Analysis
from generator.spec.models import Source

#: How many claims have each verdict, in the order of :class:`Verdict`.
Tally = tuple[tuple[Verdict, int], ...]


def tally(verdicts: Iterable[Verdict]) -> Tally:
    """How many of ``verdicts`` are each verdict, every verdict listed."""
    found = list(verdicts)
    return tuple((verdict, found.count(verdict)) for verdict in Verdict)


@dataclass(frozen=True, slots=True)
class Entry:
    """One claim of the register: a stated number (``check``) or a stated comparison
    (``comparison``) of one network."""

    analysis: Analysis
    source_key: str
    source: Source
    check: Check | None = None
    comparison: Comparison | None = None

    @property
    def network(self) -> str:
        return self.analysis.name

    @property
    def verdict(self) -> Verdict:
        found = self.check or self.comparison
        assert found is not None
        return found.verdict

    @property
    def quote(self) -> str | None:
        found = self.check or self.comparison
        assert found is not None
        return found.claim.quote


@dataclass(frozen=True, slots=True)
class Register:
    """Every claim of the site, network by network in site order, and their verdicts counted."""

    entries: tuple[Entry, ...]
    tally: Tally

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def stated(self) -> tuple[Entry, ...]:
        """The stated numbers, without the stated comparisons."""
        return tuple(e for e in self.entries if e.check is not None)


def register(
    audited: Sequence[tuple[Analysis, Sequence[Check], Sequence[Comparison]]],
) -> Register:
    """The register of every network's audited stated numbers, then its stated comparisons."""
    entries: list[Entry] = []
    for analysis, checks, comparisons in audited:
        sources = analysis.spec.sources
        entries += [
            Entry(analysis, c.claim.source, sources[c.claim.source], check=c) for c in checks
        ]
        entries += [
            Entry(analysis, d.claim.source, sources[d.claim.source], comparison=d)
            for d in comparisons
        ]
    return Register(tuple(entries), tally(e.verdict for e in entries))
