"""Analyses as plain data: the JSON of ``generator show --json`` and the downloadable exports.

Each export reads one :class:`~generator.analysis.model.Architecture`: the analysis and the
audit that the site model (or the command line) computed once.
"""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from typing import Any

from generator.analysis import counters
from generator.analysis.audit import Check
from generator.analysis.comparisons import Comparison, Fit
from generator.analysis.hypotheses import Hypothesis
from generator.analysis.model import Architecture
from generator.analysis.plausibility import Coincidence
from generator.analysis.register import Entry, Register
from generator.core.results import LayerResult
from generator.render import phrasing
from generator.spec.models import Conv, Pool


def fraction(value: Fraction) -> int | str:
    """Whole numbers stay numbers; other fractions become exact text such as ``"217/4"``."""
    return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def layer_data(result: LayerResult, checks: tuple[Check, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": result.name,
        "kind": result.kind,
        # The layers it reads, in order ("input": the image); "input" is the first one's shape.
        "inputs": list(result.inputs),
        "input": list(result.input),
        "output": list(result.output),
        "neurons": result.neurons,
        "activations": result.activations,
        "params": result.params,
        "weights": result.weights,
        "biases": result.biases,
        "macs": result.macs,
        "receptive_field": [fraction(v) for v in result.receptive_field],
        "effective_stride": [fraction(v) for v in result.jump],
        "towers": result.towers,
        "cross_tower": result.cross_tower,
    }
    layer = result.layer
    if isinstance(layer, Conv | Pool):
        data["groups"] = layer.groups if isinstance(layer, Conv) else None
    if result.axes is not None:
        data["size"] = [
            {
                "input": a.size,
                "kernel": a.kernel,
                "effective_kernel": a.effective_kernel,
                "stride": a.stride,
                "padding": [a.pad_before, a.pad_after],
                "rounding": a.rounding.value if a.rounding else None,
                "exact": fraction(a.exact),
                "output": a.output,
                "unused": a.unused,
                "overhang": a.overhang,
            }
            for a in result.axes
        ]
    stated = {
        c.claim.quantity.value: _value(c.claim.value)
        for c in checks
        if c.claim.layer == result.name
    }
    if stated:
        data["stated"] = stated
    return data


def analysis_data(architecture: Architecture) -> dict[str, Any]:
    """The whole analysis and its audit, in the shape documented for ``show --json``."""
    analysis, checks = architecture.analysis, architecture.checks
    totals = analysis.totals
    return {
        "name": analysis.name,
        "title": analysis.spec.title,
        "input": list(analysis.input),
        "towers": analysis.spec.towers,
        "layers": [layer_data(r, checks) for r in analysis.layers],
        "totals": {
            "neurons": totals.neurons,
            "params": totals.params,
            "weights": totals.weights,
            "biases": totals.biases,
            "macs": totals.macs,
            "activations": totals.activations,
        },
        "audit": [check_data(c) for c in checks],
        "compared": [
            {
                "quantity": d.claim.quantity.value,
                "to": d.claim.to,
                # percent, percent_of, times_more or times_fewer, and the figure as the source
                # wrote it: a decimal string, exact (JSON numbers are floats).
                "form": d.claim.form,
                "stated": str(d.claim.figure),
                "total": d.count,
                "other_total": d.other,
                "verdict": d.verdict.value,
                "reason": phrasing.comparison_reason(d),
                "widths": [
                    {"layer": w.layer, "field": w.field, "was": w.was, "now": w.now}
                    for w in d.widths
                ],
                # The readings that make the stated figure true: which networks, how each count
                # was taken, how the figure was rounded.
                "readings": [fit_data(f, d) for f in d.fits],
                "coincidences": [
                    {**fit_data(k.reading, d), "why": phrasing.doubts_text(k.doubts)}
                    for k in d.coincidences
                ],
                "source": d.claim.source,
                "quote": d.claim.quote,
            }
            for d in architecture.comparisons
        ],
        "conventions": {
            "neurons": "outputs of conv and fc layers, as in the paper's Figure 2",
            "macs": "multiply-accumulates of one forward pass (weights × positions)",
            "difference": phrasing.SIGN_CONVENTION,
        },
        # What each operation counter will say for this network, and why it differs.
        "tools": {p.tool: counters.json_entry(p) for p in architecture.tools.found},
    }


def hypothesis_data(hypothesis: Hypothesis) -> dict[str, Any]:
    """A reading of a stated number: what it changes, what it gives, in words."""
    return {
        "value": hypothesis.value,
        "rounded": hypothesis.rounded,
        "cause": hypothesis.cause.value,
        "changes": list(phrasing.changes(hypothesis)),
        "explanation": phrasing.explanation(hypothesis),
    }


def coincidence_data(coincidence: Coincidence[Hypothesis]) -> dict[str, Any]:
    return {**hypothesis_data(coincidence.reading), "why": phrasing.doubts_text(coincidence.doubts)}


def check_data(check: Check) -> dict[str, Any]:
    """One audited stated number: the claim, the computed value, the one verdict and why, and
    every reading (those that explain it, and the coincidental fits)."""
    return {
        "quantity": check.claim.quantity.value,
        "layer": check.claim.layer,
        "first": check.claim.first,
        "stated": _value(check.claim.value),
        "computed": _value(check.computed),
        "difference": check.difference,
        "approximate": check.claim.approximate,
        "rounded_to": check.claim.rounded_to,
        "read_to": check.unit,
        "verdict": check.verdict.value,
        "reason": phrasing.verdict_reason(check),
        "hypotheses": [hypothesis_data(h) for h in check.hypotheses],
        "coincidences": [coincidence_data(k) for k in check.coincidences],
        "source": check.claim.source,
        "quote": check.claim.quote,
    }


def fit_data(fit: Fit, comparison: Comparison) -> dict[str, Any]:
    """A reading of a stated comparison: which networks, how each count was taken, how the
    figure was rounded, in words."""
    return {
        "changes": list(phrasing.fit_changes(fit)),
        "network": fit.this.name,
        "total": fit.this.count.value,
        "other": fit.other.name,
        "other_total": fit.other.count.value,
        "figure": fraction(fit.figure),
        "rounding": fit.rule.value,
        "explanation": phrasing.fit_sentence(fit, comparison),
    }


# --- the register of claims -----------------------------------------------------------------------

REGISTER_COLUMNS = (
    "network",
    "kind",
    "claim",
    "stated",
    "computed",
    "difference",
    "verdict",
    "reason",
    "source",
    "citation",
    "url",
    "place",
    "quote",
)


def entry_data(entry: Entry) -> dict[str, Any]:
    """One claim of the register, as the CSV and JSON downloads and ``claims --json`` give it."""
    found: Check | Comparison | None = entry.check or entry.comparison
    assert found is not None
    difference = entry.check.difference if entry.check is not None else None
    return {
        "network": entry.network,
        "kind": "stated" if entry.check is not None else "compared",
        "claim": phrasing.claim_text(entry),
        "stated": phrasing.stated_text(entry),
        "computed": phrasing.computed_text(entry),
        "difference": difference,
        "verdict": entry.verdict.value,
        "reason": phrasing.reason(entry),
        "source": entry.source_key,
        "citation": entry.source.citation,
        "url": entry.source.url,
        "place": phrasing.place(entry),
        "quote": entry.quote,
    }


def register_data(register: Register) -> dict[str, Any]:
    """The register: its count of each verdict, then every claim."""
    return {
        "total": register.total,
        "verdicts": {verdict.value: count for verdict, count in register.tally},
        "difference": phrasing.SIGN_CONVENTION,
        "claims": [entry_data(e) for e in register.entries],
    }


def register_json(register: Register) -> str:
    """:func:`register_data` as the JSON download: one line per claim."""
    data = register_data(register)
    claims = ",\n".join(f"    {_json_line(c)}" for c in data.pop("claims"))
    head = ",\n".join(f"  {_json_line(k)}: {_json_line(v)}" for k, v in data.items())
    return "{\n" + head + ',\n  "claims": [\n' + claims + "\n  ]\n}\n"


def register_csv(register: Register) -> str:
    """The register as CSV: one row per claim, :data:`REGISTER_COLUMNS`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    for found in register.entries:
        row = entry_data(found)
        writer.writerow(["" if row[c] is None else row[c] for c in REGISTER_COLUMNS])
    return buffer.getvalue()


CSV_COLUMNS = (
    "name",
    "kind",
    "input",
    "output",
    "neurons",
    "activations",
    "params",
    "macs",
    "receptive_field",
    "effective_stride",
    "towers",
    "cross_tower",
)


def analysis_csv(architecture: Architecture) -> str:
    """One row per layer; shapes as ``96x55x55`` so spreadsheets keep them as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result in architecture.analysis.layers:
        row = layer_data(result, architecture.checks)
        writer.writerow(
            [
                "x".join(str(v) for v in row[c]) if isinstance(row[c], list) else row[c]
                for c in CSV_COLUMNS
            ]
        )
    return buffer.getvalue()


def _value(value: int | list[int] | tuple[int, ...]) -> int | list[int]:
    return list(value) if isinstance(value, list | tuple) else value


def analysis_json(architecture: Architecture) -> str:
    """:func:`analysis_data` as the JSON file a page offers: one line per layer and per audited
    number, so that it reads in an editor and diffs layer by layer.

    Each line is written by the ``json`` module's C encoder; ``indent=`` would take its
    pure-Python one, about ten times slower, for a file of thousands of short lines.
    """
    data = analysis_data(architecture)
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            rows = ",\n".join(f"    {_json_line(v)}" for v in value)
            lines.append(f"  {_json_line(key)}: [\n{rows}\n  ]")
        else:
            lines.append(f"  {_json_line(key)}: {_json_line(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _json_line(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
