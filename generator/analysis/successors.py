"""What the successors say about AlexNet: every figure their sources state, beside the specs'. Pure.

VGG, GoogLeNet, SqueezeNet and ResNet define themselves against AlexNet and against each other
("12 times fewer parameters", "50x fewer parameters", "only 18% of VGG-19"). The audit has already
set each stated comparison beside the ratio the specs give and found the readings that make it
true (:mod:`generator.analysis.comparisons`), and each stated total beside the computed one
(:mod:`generator.analysis.audit`). This module gathers them for one page and adds what no spec
states as a comparison: each successor's totals against the paper's network, SqueezeNet's "510x"
(a ratio of file sizes in bytes, not of parameter counts) and the tables a paper states row by
row (GoogLeNet's Table 1), with every reading the finder took of each row.

Each formula is one small function with the formula in its docstring; every number is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from generator.analysis import comparisons, families, hypotheses, rounding
from generator.analysis.audit import Check, Verdict
from generator.analysis.comparisons import Comparison
from generator.analysis.hypotheses import Tally
from generator.analysis.rounding import RoundingRule
from generator.core.results import Analysis, Shape
from generator.spec.models import Quantity, Source

# --- the successors beside the paper's network ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Successor:
    """A network that is not an AlexNet variant, beside the paper's network."""

    analysis: Analysis
    family: str
    depth: int
    """Layers with weights on its longest path (:func:`generator.analysis.graph.depth`)."""
    fewer_params: Fraction
    """The paper network's parameters over this one's (:func:`comparisons.times_fewer`)."""
    more_macs: Fraction
    """This one's multiply-accumulates over the paper network's
    (:func:`comparisons.times_more`)."""


def successors(paper: Analysis, grouped: Sequence[families.Family]) -> tuple[Successor, ...]:
    """Every member of every family but AlexNet's, family by family."""
    return tuple(
        Successor(
            member,
            family.name,
            depth,
            comparisons.times_fewer(member.totals.params, paper.totals.params),
            comparisons.times_more(member.totals.macs, paper.totals.macs),
        )
        for family in grouped
        if not family.alexnet
        for member, depth in zip(family.members, family.depths, strict=True)
    )


# --- SqueezeNet's 510x: a ratio of file sizes -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class SizeClaim:
    """A stated ratio of model files in bytes, which no parameter count can check by itself."""

    spec: str
    """The spec whose source states it."""
    to: str
    """The network the file is compared with."""
    source: str
    """A key of the spec's sources."""
    quote: str
    figure: int
    """The ratio as stated ("510x" → 510)."""


#: SqueezeNet's abstract: "with model compression techniques we are able to compress SqueezeNet
#: to less than 0.5MB (510x smaller than AlexNet)". The spec format has no quantity for bytes,
#: so the claim is held here, with the spec and source that state it.
SIZE_CLAIMS = (
    SizeClaim("squeezenet-1.0", "alexnet-2012", "paper", "510x smaller than AlexNet", 510),
)


#: The bits of a parameter stored as a float, as the released weight files hold them.
FLOAT_BITS = 32


def file_bytes(params: int, bits: int = FLOAT_BITS) -> Fraction:
    """The bytes of a file holding every parameter in ``bits`` bits: ``params × bits / 8``
    (4 bytes a parameter as 32-bit floats)."""
    return Fraction(params * bits, 8)


def implied_bytes(other_bytes: Fraction, figure: int) -> Fraction:
    """The size a claim of "``figure`` times smaller" gives the smaller file: ``other / figure``."""
    return other_bytes / figure


def bits_per_parameter(size: Fraction, params: int) -> Fraction:
    """The bits each parameter could take in a file of ``size`` bytes: ``8 × size / params``."""
    return 8 * size / params


def megabytes(size: Fraction) -> Fraction:
    """Bytes in decimal megabytes: ``size / 10⁶``."""
    return size / 10**6


def mebibytes(size: Fraction) -> Fraction:
    """Bytes in binary megabytes (MiB): ``size / 2²⁰``."""
    return size / 2**20


@dataclass(frozen=True, slots=True)
class FileSizes:
    """The stated file ratio against one AlexNet: its file, and what the ratio asks of the smaller
    network's."""

    names: tuple[str, ...]
    """The AlexNet spec, then the others of its family with the same totals."""
    params: int
    size: Fraction
    """Its file as 32-bit floats (:func:`file_bytes`)."""
    params_ratio: Fraction
    """Its parameters over the smaller network's: the ratio both files have at 32 bits."""
    implied: Fraction
    """The smaller file the claim implies (:func:`implied_bytes`)."""
    bits: Fraction
    """Bits a parameter of the smaller network, all kept, could take in that file."""


@dataclass(frozen=True, slots=True)
class SizeAudit:
    """A stated ratio of file sizes, worked out against every AlexNet of the site."""

    claim: SizeClaim
    source: Source
    network: Analysis
    size: Fraction
    """The smaller network's file as 32-bit floats."""
    files: tuple[FileSizes, ...]
    """Against each AlexNet the claim may name."""
    bits: int = FLOAT_BITS
    """The bits of a parameter in both files."""

    @property
    def bytes_per_param(self) -> int:
        """The bytes a parameter takes at :attr:`bits` bits."""
        return self.bits // 8

    @property
    def megabytes(self) -> Fraction:
        return megabytes(self.size)

    @property
    def mebibytes(self) -> Fraction:
        return mebibytes(self.size)


def size_audit(
    claim: SizeClaim, by_name: dict[str, Analysis], grouped: Sequence[families.Family]
) -> SizeAudit | None:
    """The claim against the named network and each other network of its family."""
    network, to = by_name.get(claim.spec), by_name.get(claim.to)
    if network is None or to is None or claim.source not in network.spec.sources:
        return None
    params = network.totals.params
    files = []
    for other, names in comparisons.alternatives(to, network, grouped):
        size = file_bytes(other.totals.params)
        implied = implied_bytes(size, claim.figure)
        files.append(
            FileSizes(
                names,
                other.totals.params,
                size,
                Fraction(other.totals.params, params),
                implied,
                bits_per_parameter(implied, params),
            )
        )
    return SizeAudit(
        claim, network.spec.sources[claim.source], network, file_bytes(params), tuple(files)
    )


# --- a table stated row by row (GoogLeNet's Table 1) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Attempt:
    """One reading the finder took of a row's number, and whether it gives the stated figure."""

    count: Tally
    rule: RoundingRule | None
    """How it rounds to the stated figure (half up, or cut off); None when it does not."""

    @property
    def fits(self) -> bool:
        return self.rule is not None

    @property
    def keys(self) -> tuple[str, ...]:
        """What the reading changes, alike in every row (``layer:5x5_reduce``, ``biases``, …)."""
        return self.count.keys + (("rounded down",) if self.rule is RoundingRule.DOWN else ())


def attempt(count: Tally, stated: int, unit: int | None) -> Attempt:
    """Whether a reading gives the stated figure: equal to it, or for a figure rounded to
    ``unit``, equal once rounded half up to that unit, or once cut off there."""
    if unit is None:
        return Attempt(count, RoundingRule.HALF_UP if count.value == stated else None)
    if rounding.count_rounds_to(count.value, stated, unit):
        return Attempt(count, RoundingRule.HALF_UP)
    if rounding.count_truncates_to(count.value, stated, unit):
        return Attempt(count, RoundingRule.DOWN)
    return Attempt(count, None)


def off_by(value: int, stated: int) -> Fraction:
    """How far a reading is from the stated figure, relative to it: ``|value − stated| / stated``."""
    return Fraction(abs(value - stated), stated) if stated else Fraction(abs(value))


@dataclass(frozen=True, slots=True)
class Cell:
    """One stated number of a row (its parameters or its operations) and every reading of it."""

    check: Check
    stated: int
    attempts: tuple[Attempt, ...]
    """The plain count first, then every other reading (:func:`hypotheses.counts`)."""

    @property
    def fitting(self) -> tuple[Attempt, ...]:
        """The readings that give the stated figure, the plain count included when it does."""
        return tuple(a for a in self.attempts if a.fits)

    @property
    def nearest(self) -> Attempt:
        """The reading closest to the stated figure, among those that do not give it."""
        missing = [a for a in self.attempts if not a.fits] or list(self.attempts)
        return min(missing, key=lambda a: off_by(a.count.value, self.stated))


@dataclass(frozen=True, slots=True)
class Row:
    """A row of a table stated row by row: a layer or a group of layers."""

    name: str
    """``inception_3a`` for a group, the layer's name for one layer."""
    output: Shape
    cells: tuple[tuple[Quantity, Cell], ...]

    def cell(self, quantity: Quantity) -> Cell | None:
        return next((c for q, c in self.cells if q is quantity), None)

    @property
    def positions(self) -> int:
        """Output positions, ``H × W``: the number each weight is used at."""
        return self.output[1] * self.output[2] if len(self.output) == 3 else 1

    @property
    def ops_per_param(self) -> Fraction | None:
        """The row's stated operations over its stated parameters (:func:`ops_per_param`)."""
        params, macs = self.cell(Quantity.PARAMS), self.cell(Quantity.MACS)
        if params is None or macs is None:
            return None
        return ops_per_param(macs.stated, params.stated)

    @property
    def ops_to_positions(self) -> Fraction | None:
        """:attr:`ops_per_param` over the output positions: near 1 when the source worked its
        operations out from its own parameters."""
        ratio = self.ops_per_param
        return None if ratio is None else ratio / self.positions


def ops_per_param(ops: int, params: int) -> Fraction:
    """A row's stated operations over its stated parameters, ``ops / params``: for a
    convolution, whose every weight is used once per output position, about ``H × W``."""
    return Fraction(ops, params)


@dataclass(frozen=True, slots=True)
class Reach:
    """How many rows of a column one reading gives the stated figure for."""

    keys: tuple[str, ...]
    rows: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TableAudit:
    """A source's numbers stated row by row (a table), each read every way the finder knows."""

    analysis: Analysis
    source_key: str
    source: Source
    rows: tuple[Row, ...]

    def column(self, quantity: Quantity) -> tuple[tuple[Row, Cell], ...]:
        return tuple((r, c) for r in self.rows if (c := r.cell(quantity)) is not None)

    def ops_to_positions(self) -> tuple[Fraction, Fraction] | None:
        """The least and the greatest, over the rows that state both, of the stated operations
        over the stated parameters times the output positions: ``ops / (params × H × W)``. Near 1
        when the source worked its operations out from its own parameter counts."""
        found = [ratio for row in self.rows if (ratio := row.ops_to_positions) is not None]
        return (min(found), max(found)) if found else None

    def ops_follow_params(self) -> bool:
        """Whether every row's ratio (:meth:`ops_to_positions`) is within :data:`FOLLOW` of 1."""
        track = self.ops_to_positions()
        return track is not None and track[0] >= 1 - FOLLOW and track[1] <= 1 + FOLLOW

    def missed(self, quantity: Quantity) -> tuple[tuple[Row, Cell], ...]:
        """The rows of a column whose stated figure the plain count does not give."""
        given = (Verdict.MATCHES, Verdict.ROUNDS_TO)
        return tuple((r, c) for r, c in self.column(quantity) if c.check.verdict not in given)

    def reach(self, quantity: Quantity) -> tuple[Reach, ...]:
        """Each reading the audit took of the rows the plain count misses (the explanations and
        the coincidental fits alike), with the rows it fits, widest reach first: a reading that
        explained the column would fit them all."""
        rows: dict[tuple[str, ...], list[str]] = {}
        for row, cell in self.missed(quantity):
            check = cell.check
            for reading in (*check.hypotheses, *(k.reading for k in check.coincidences)):
                if keys := reading_keys(reading):
                    rows.setdefault(keys, []).append(row.name)
        found = [Reach(keys, tuple(dict.fromkeys(names))) for keys, names in rows.items()]
        return tuple(sorted(found, key=lambda r: (-len(r.rows), len(r.keys), r.keys)))


def reading_keys(reading: hypotheses.Hypothesis) -> tuple[str, ...]:
    """What a reading of a row changes, alike in every row: the parts it leaves out
    (:attr:`hypotheses.Omission.key`), ``biases``, ``rounded down``, ``binary`` (K = 1,024)."""
    keys: list[str] = []
    for change in reading.changes:
        match change:
            case hypotheses.Omitted(key):
                keys.append(key)
            case hypotheses.Biases():
                keys.append("biases")
            case hypotheses.CutOff():
                keys.append("rounded down")
            case hypotheses.Binary():
                keys.append("binary")
    return tuple(keys)


#: How near 1 every row's ``ops / (params × H × W)`` must be for a table's operations to be read as
#: worked out from its own parameters.
FOLLOW = Fraction(1, 5)
#: The quantities a table row may state.
ROW_QUANTITIES = (Quantity.PARAMS, Quantity.MACS)


def tables(analysis: Analysis, checks: Sequence[Check]) -> tuple[TableAudit, ...]:
    """Each source of the spec that states a number for a group of layers, with every number it
    states for a layer or a group: a table given row by row."""
    found = []
    for key, source in analysis.spec.sources.items():
        mine = [
            c
            for c in checks
            if c.claim.source == key
            and c.claim.quantity in ROW_QUANTITIES
            and c.claim.layer not in (None, "input")
            and isinstance(c.claim.value, int)
        ]
        if not any(c.claim.first is not None for c in mine):
            continue
        found.append(TableAudit(analysis, key, source, _rows(analysis, mine)))
    return tuple(found)


def _rows(analysis: Analysis, checks: Sequence[Check]) -> tuple[Row, ...]:
    cells: dict[tuple[str | None, str], list[tuple[Quantity, Cell]]] = {}
    for check in checks:
        claim = check.claim
        assert claim.layer is not None and isinstance(claim.value, int)
        readings = hypotheses.counts(analysis, claim.quantity, claim.layer, claim.first)
        attempts = tuple(attempt(c, claim.value, check.unit) for c in readings)
        cells.setdefault((claim.first, claim.layer), []).append(
            (claim.quantity, Cell(check, claim.value, attempts))
        )
    rows = sorted(
        (
            analysis.layer(layer).index,
            Row(row_name(first, layer), analysis.layer(layer).output, tuple(found)),
        )
        for (first, layer), found in cells.items()
    )
    return tuple(row for _, row in rows)


def row_name(first: str | None, layer: str) -> str:
    """A row's name: the dotted prefix its first and last layers share (``inception_3a``), else
    the layer's own name."""
    if first is None:
        return layer
    shared = hypotheses.common_prefix([first, layer]).rstrip(".")
    return shared or f"{first}…{layer}"


# --- the page -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Audited:
    """A number a successor's source states, audited: a total or a comparison."""

    analysis: Analysis
    check: Check | None = None
    comparison: Comparison | None = None


@dataclass(frozen=True, slots=True)
class SuccessorsPage:
    """Everything the page "What the successors say about AlexNet" shows."""

    paper: Analysis
    paper_depth: int
    families: tuple[families.Family, ...]
    successors: tuple[Successor, ...]
    against_alexnet: tuple[Audited, ...]
    """Comparisons a successor's source states against an AlexNet of the site."""
    between: tuple[Audited, ...]
    """Comparisons a successor's source states against another successor."""
    totals: tuple[Audited, ...]
    """Totals a successor's sources state (parameters, multiply-accumulates)."""
    sizes: tuple[SizeAudit, ...]
    tables: tuple[TableAudit, ...]


def gather(
    paper: Analysis,
    paper_depth: int,
    audited: Sequence[tuple[Analysis, Sequence[Check], Sequence[Comparison]]],
    grouped: Sequence[families.Family],
) -> SuccessorsPage:
    """The page's contents, gathered from every architecture's audit and stated comparisons and
    the site's families; ``paper_depth`` is the paper network's depth (:func:`generator.analysis.graph.depth`)."""
    alexnets = {n for f in grouped if f.alexnet for n in f.names}
    mine = [(a, c, d) for a, c, d in audited if a.name not in alexnets]
    by_name = {a.name: a for a, _, _ in audited}
    compared = [Audited(a, comparison=d) for a, _, ds in mine for d in ds]
    return SuccessorsPage(
        paper=paper,
        paper_depth=paper_depth,
        families=tuple(grouped),
        successors=successors(paper, grouped),
        against_alexnet=tuple(s for s in compared if _to(s) in alexnets),
        between=tuple(s for s in compared if _to(s) not in alexnets),
        totals=tuple(
            Audited(a, check=c)
            for a, cs, _ in mine
            for c in cs
            if c.claim.layer is None and c.claim.quantity in ROW_QUANTITIES
        ),
        sizes=tuple(
            s for claim in SIZE_CLAIMS if (s := size_audit(claim, by_name, grouped)) is not None
        ),
        tables=tuple(t for a, cs, _ in mine for t in tables(a, cs)),
    )


def _to(stated: Audited) -> str:
    assert stated.comparison is not None
    return stated.comparison.claim.to
