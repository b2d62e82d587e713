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

from generator.analysis.audit import Check
from generator.analysis.model import Architecture
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
        "audit": [
            {
                "quantity": c.claim.quantity.value,
                "layer": c.claim.layer,
                "first": c.claim.first,
                "stated": _value(c.claim.value),
                "computed": _value(c.computed),
                "approximate": c.claim.approximate,
                "rounded_to": c.claim.rounded_to,
                "verdict": c.verdict.value,
                "source": c.claim.source,
                "quote": c.claim.quote,
            }
            for c in checks
        ],
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
                "widths": [
                    {"layer": w.layer, "field": w.field, "was": w.was, "now": w.now}
                    for w in d.widths
                ],
                # The readings that make the stated figure true: which networks, how each count
                # was taken, how the figure was rounded.
                "readings": [
                    {
                        "changes": list(phrasing.fit_changes(f)),
                        "network": f.this.name,
                        "total": f.this.count.value,
                        "other": f.other.name,
                        "other_total": f.other.count.value,
                        "rounding": f.rule.value,
                    }
                    for f in d.fits
                ],
                "source": d.claim.source,
                "quote": d.claim.quote,
            }
            for d in architecture.comparisons
        ],
        "conventions": {
            "neurons": "outputs of conv and fc layers, as in the paper's Figure 2",
            "macs": "multiply-accumulates of one forward pass (weights × positions)",
        },
    }


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
