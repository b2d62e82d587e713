"""The counting conventions page: MAC versus FLOP, what each operation counter counts for each
module a network is built from, where its code says so and at which version, and every
network's number under every counter. Pure: returns text, writes nothing.

The rules are the data of :mod:`generator.core.counters`; each network's numbers are the site
model's (:attr:`generator.analysis.model.Architecture.tools`), computed before any page is
written. Each architecture page's *What your tool will say* section links here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from generator.analysis.model import SiteModel
from generator.core.counters import SITE, TOOLS, Count, CounterRule, Op, Tool, Unit
from generator.render import markup, phrasing
from generator.render.templating import ENV, page_path

#: Where the page lives in the docs tree.
PAGE = "conventions.md"


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One rule of a counter: the modules it applies to, what it counts, its source and why."""

    modules: str
    counts: str
    source: Markup
    note: str


@dataclass(frozen=True, slots=True)
class ToolSection:
    """A counter's section: how it is called, its unit, its rules."""

    tool: Tool
    title: str
    label: Markup
    """The call that gives its number, as code."""
    unit: str
    baseline: str
    params: Markup | None
    counted: tuple[RuleRow, ...]
    """The rules that count something, one module each."""
    nothing: tuple[RuleRow, ...]
    """The rules that count nothing, the modules that share one in a row."""


@dataclass(frozen=True, slots=True)
class NetworkRow:
    """A network's numbers: the site's MACs and neurons, then each counter's, in order."""

    name: str
    title: str
    page: str
    macs: int
    neurons: int
    numbers: tuple[int, ...]
    """Each counter's number, in the order of the columns; empty when there are none."""


def count_text(count: Count) -> str:
    """``1 per multiply-accumulate: the site's count``, ``2 per input value: pooling``."""
    per = f"−{-count.per}" if count.per < 0 else str(count.per)
    return f"{per} per {phrasing.QUANTITY_WORDS[count.quantity]}: {count.term}"


def _row(ops: Sequence[Op], rule: CounterRule) -> RuleRow:
    return RuleRow(
        modules=", ".join(op.value for op in ops),
        counts="; ".join(count_text(c) for c in rule.counts) or "0",
        source=Markup(markup.code(rule.source)),
        note=rule.note,
    )


def tool_section(tool: Tool) -> ToolSection:
    """A counter's rules: each module it counts on a row of its own; the modules it counts
    nothing for grouped by the rule (the same source and reason) that says so."""
    counted = tuple(_row((op,), rule) for op, rule in tool.rules.items() if rule.counts)
    silent: dict[CounterRule, list[Op]] = {}
    for op, rule in tool.rules.items():
        if not rule.counts:
            silent.setdefault(rule, []).append(op)
    return ToolSection(
        tool=tool,
        title=phrasing.tool_title(tool.name),
        label=Markup(markup.code(tool.label)),
        unit=phrasing.UNIT_WORDS[tool.unit],
        baseline=phrasing.BASELINE_WORDS[tool.baseline],
        params=Markup(markup.code(tool.params)) if tool.params else None,
        counted=counted,
        nothing=tuple(_row(ops, rule) for rule, ops in silent.items()),
    )


def term_tools(tools: Sequence[Tool] = TOOLS) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each term a counter may add to the site's count, with the counters whose rules add it,
    in the order the rules first name it."""
    found: dict[str, list[str]] = {}
    for tool in tools:
        for rule in tool.rules.values():
            for count in rule.counts:
                if count.term != SITE and tool.name not in found.setdefault(count.term, []):
                    found[count.term].append(tool.name)
    return tuple((term, tuple(names)) for term, names in found.items())


@dataclass(frozen=True, slots=True)
class CountColumn:
    """A column of a counters' table: the site's count, or one counter's number."""

    heading: str
    tool: int | None = None
    """The counter's index in :data:`~generator.core.counters.TOOLS`; None for the site's."""
    neurons: bool = False
    """For the site's column: its neurons rather than its multiply-accumulates."""

    def value(self, row: NetworkRow) -> int | None:
        if self.tool is None:
            return row.neurons if self.neurons else row.macs
        return row.numbers[self.tool] if row.numbers else None


@dataclass(frozen=True, slots=True)
class CounterTable:
    """One table of every network under some counters, each beside the site's count it is set
    against. Only the first links the networks: at 1,000 specs each link is 1,000 more."""

    columns: tuple[CountColumn, ...]
    linked: bool


def counter_tables(tools: Sequence[Tool] = TOOLS) -> tuple[CounterTable, ...]:
    """Two tables narrow enough for the page's column at 1280 px: the counters of
    multiply-accumulates beside the site's; then the FLOP counters beside the site's
    multiply-accumulates and the activation counters beside its neurons."""

    def tool_columns(unit: Unit) -> list[CountColumn]:
        return [
            CountColumn(phrasing.tool_title(t.name), i)
            for i, t in enumerate(tools)
            if t.unit is unit
        ]

    macs = CountColumn("Site: MACs")
    neurons = CountColumn("Site: neurons", neurons=True)
    return (
        CounterTable((macs, *tool_columns(Unit.MACS)), linked=True),
        CounterTable(
            (macs, *tool_columns(Unit.FLOPS), neurons, *tool_columns(Unit.VALUES)), linked=False
        ),
    )


def network_rows(model: SiteModel) -> tuple[NetworkRow, ...]:
    return tuple(
        NetworkRow(
            name=a.name,
            title=a.analysis.spec.title,
            page=page_path(a.name),
            macs=a.analysis.totals.macs,
            neurons=a.analysis.totals.neurons,
            numbers=tuple(p.total for p in a.tools.found),
        )
        for a in model.architectures
    )


def conventions_page(model: SiteModel, audit: str) -> str:
    """The page; ``audit`` is the audit's first page in the docs tree (``audit.md``, or
    ``audit/index.md`` once the audit is split)."""
    return ENV.get_template("conventions.md.j2").render(
        audit=audit,
        tools=TOOLS,
        sections=tuple(tool_section(t) for t in TOOLS),
        terms=tuple(
            (phrasing.TERM_WORDS.get(term, term), ", ".join(map(phrasing.tool_title, names)))
            for term, names in term_tools()
        ),
        networks=network_rows(model),
        tables=counter_tables(),
        versions=phrasing.tool_versions(),
    )
