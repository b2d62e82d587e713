"""The convolution arithmetic page: the output-size formula, each framework's rule, input sizes
that tile exactly, and an in-page calculator. Pure: returns text, writes nothing.

Every number on the page is read off the site model: the worked examples and the calculator's
first results (:mod:`generator.analysis.calculator`) and the input-size sweeps
(:mod:`generator.analysis.sweeps`) are computed before any page is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from generator.analysis.calculator import FIELDS, MAX_VALUE, NO_OUTPUT, RULES, Example, exact_text
from generator.analysis.model import SiteModel
from generator.analysis.sweeps import SWEEP
from generator.render import markup, windows
from generator.render.architecture import operation
from generator.render.phrasing import short_title
from generator.render.templating import ENV, page_path

#: Where the page lives in the docs tree.
PAGE = "arithmetic.md"


@dataclass(frozen=True, slots=True)
class FrameworkRule:
    """A row of the rules table: a framework, the layers it applies a rule to, an example."""

    framework: str
    layers: Markup
    rule: str
    formula: Markup | str
    example: str


def framework_rules(ex: Example) -> list[FrameworkRule]:
    """Each framework's rule, worked on one example's numbers as the calculator worked them."""
    x = ex.x
    floor = f"⌊{x}⌋ = {ex.out('floor')}"
    start = ex.last_start("ceil")
    clipped_out = ex.out("ceil")
    up = ex.out("ceil_unclipped")
    if clipped_out == up:
        ceil = (
            f"⌈{x}⌉ = {up}; the last window starts at ({up} − 1)·{ex.s} = {start} "
            f"< {ex.n} + {ex.p_before}, so it stays"
        )
    else:
        ceil = f"⌈{x}⌉ − 1 = {clipped_out}: the last window would start in the padding"
    hang = ex.overhang("ceil_unclipped")
    unclipped = f"⌈{x}⌉ = {up}" + (
        f"; the last window hangs {hang} pixel{'s' if hang != 1 else ''} past the edge"
        if hang
        else ""
    )
    valid = (
        f"⌊({ex.n} − {ex.k_eff}) / {ex.s}⌋ + 1 = {ex.out('tf_valid')}"
        if ex.calc.outputs["tf_valid"] is not None
        else NO_OUTPUT
    )
    before, after = ex.padding("tf_same")
    same = (
        f"⌈{ex.n} / {ex.s}⌉ = {ex.out('tf_same')}, padding {ex.padding_total('tf_same')} = "
        f"{before} before + {after} after"
    )
    clip_formula = Markup(
        "⌈x⌉, minus 1 if the last window would start at or past n + p<sub>before</sub>"
    )
    return [
        FrameworkRule(
            "PyTorch",
            Markup("<code>Conv2d</code>; <code>MaxPool2d</code>, <code>AvgPool2d</code>"),
            "floor",
            "⌊x⌋",
            floor,
        ),
        FrameworkRule(
            "PyTorch",
            Markup(
                "<code>MaxPool2d</code>, <code>AvgPool2d</code> with <code>ceil_mode=True</code>"
            ),
            "ceil, last window must start inside",
            clip_formula,
            ceil,
        ),
        FrameworkRule("Caffe", Markup("<code>Convolution</code>"), "floor", "⌊x⌋", floor),
        FrameworkRule(
            "Caffe",
            Markup("<code>Pooling</code>"),
            "ceil, last window must start inside",
            clip_formula,
            ceil,
        ),
        FrameworkRule(
            "cuda-convnet",
            Markup("convolution and pooling"),
            "ceil, unclipped",
            "⌈x⌉",
            unclipped,
        ),
        FrameworkRule(
            "TensorFlow",
            Markup("<code>padding='VALID'</code>"),
            "floor, no padding",
            Markup("⌊(n − k<sub>eff</sub>) / s⌋ + 1"),
            valid,
        ),
        FrameworkRule(
            "TensorFlow",
            Markup("<code>padding='SAME'</code>"),
            "⌈n / s⌉, padding computed",
            Markup(
                "o = ⌈n / s⌉; padding max((o − 1)·s + k<sub>eff</sub> − n, 0), the odd pixel after"
            ),
            same,
        ),
    ]


def sizes_text(sizes: Sequence[int]) -> str:
    """Sizes as runs of a common step: ``227, 231, 235 … 259`` → ``227–259 every 4``;
    ``200 … 260`` → ``200–260``; a run of two or fewer sizes is listed; none → ``none``."""
    if not sizes:
        return "none"
    runs: list[list[int]] = []
    for n in sizes:
        run = runs[-1] if runs else []
        step = run[1] - run[0] if len(run) > 1 else None
        if run and (step is None or n - run[-1] == step):
            run.append(n)
        else:
            runs.append([n])
    parts: list[str] = []
    for run in runs:
        if len(run) < 3:
            parts.extend(str(n) for n in run)
            continue
        step = run[1] - run[0]
        parts.append(f"{run[0]}–{run[-1]}" + ("" if step == 1 else f" every {step}"))
    return ", ".join(parts)


#: The results the summary line gives, by cell, with their short names (``calculator.js`` writes
#: the same line).
SUMMARY = (
    ("floor", "floor"),
    ("ceil", "ceil"),
    ("ceil_unclipped", "unclipped"),
    ("tf_valid", "VALID"),
    ("tf_same", "SAME"),
)


def summary(cells: dict[str, str]) -> str:
    """The results in one line, above the boxes, so that a phone's keyboard does not hide them:
    ``x = 54.25 → floor 54 · ceil 55 · unclipped 55 · VALID 54 · SAME 56``."""
    return f"x = {cells['exact']} → " + " · ".join(f"{name} {cells[key]}" for key, name in SUMMARY)


def arithmetic_page(model: SiteModel) -> str:
    """The convolution arithmetic page, as Markdown with the calculator's HTML."""
    found = model.arithmetic
    conv1 = found.conv1
    # The boxes start with conv1's numbers: each field is named as the example's attribute.
    values = {field.key: getattr(conv1, field.key) for field in FIELDS}
    cells = conv1.calc.cells()
    return ENV.get_template("arithmetic.md.j2").render(
        summary=summary(cells),
        figure=windows.figure(
            windows.from_example(conv1, "floor"),
            element_id="calc-windows",
            title="The windows along the axis",
            source="conv-calc",
        ),
        conv1=conv1,
        clip=found.clip,
        paper=model.paper.analysis if model.paper else None,
        framework_rules=framework_rules(conv1),
        sweeps=found.sweeps,
        paper_sweep=found.paper_sweep,
        nearest=found.nearest,
        nearest_users=markup.series(
            [
                short_title(w.analysis.spec.title)
                for w in found.sweeps
                if w.analysis.name in found.nearest_users
            ]
        ),
        sweep_first=SWEEP[0],
        sweep_last=SWEEP[-1],
        sizes_text=sizes_text,
        exact_text=exact_text,
        operation=operation,
        page_path=page_path,
        fields=FIELDS,
        values=values,
        rules=RULES,
        cells=cells,
        max_value=MAX_VALUE,
    )
