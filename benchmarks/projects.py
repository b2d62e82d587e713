"""Throw-away MkDocs projects for the benchmark: N valid specs, with and without the generator.

``generated(folder, n)`` writes a project whose ``docs/architectures`` holds the shipped specs plus
synthetic copies of them (renamed, retitled, summaries of varied length, channel counts scaled), and
whose ``mkdocs.yml`` is the repository's. ``plain(folder, generated_project)`` writes the same site as
ordinary files: every page and data file the plugin would add, written into ``docs/`` as plain
Markdown/JSON/CSV, with the same ``mkdocs.yml`` minus the ``architectures`` plugin (its scripts and
stylesheets listed in ``extra_javascript``/``extra_css`` instead, as the plugin adds them).
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from generator.analysis import audit, rounding
from generator.edges import plugin
from generator.edges.plugin import PLOTLY  # noqa: F401  (run.py reads projects.PLOTLY)
from generator.load import loader

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "docs" / "architectures"
CONFIG = ROOT / "mkdocs.yml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

#: Channel multipliers cycled over the synthetic groups: sizes vary, shapes stay valid.
SCALES = (1.0, 0.75, 1.25, 0.5, 1.5)
#: Extra summary sentences per group (cycled): page text of varied length.
PADDING = (0, 2, 5, 1, 8)
SENTENCE = (
    "This is a synthetic copy made by the benchmark, with its channel counts scaled so that its "
    "shapes, counts and audit differ from the spec it was derived from."
)


def shipped_order() -> list[Path]:
    """The shipped spec files, every parent before the specs that extend it."""
    paths = loader.spec_paths(SHIPPED)
    parents = {p.stem: _parent(p) for p in paths}
    ordered: list[Path] = []

    def visit(path: Path) -> None:
        if path in ordered:
            return
        parent = parents[path.stem]
        if parent:
            visit(SHIPPED / f"{parent}.yml")
        ordered.append(path)

    for path in paths:
        visit(path)
    return ordered


def _parent(path: Path) -> str | None:
    parent = _read(path).get("extends")
    return parent if isinstance(parent, str) else None


def _read(path: Path) -> dict[str, Any]:
    data = yaml.load(path.read_text("utf-8"), Loader=_LOADER)
    assert isinstance(data, dict), path
    return data


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100)


def _scaled(channels: int, scale: float) -> int:
    """A scaled channel count, a multiple of 8 (so any group count of the shipped specs divides it)."""
    return max(8, round(channels * scale / 8) * 8)


def _scale_layers(data: dict[str, Any], scale: float) -> None:
    layers = [*data.get("layers", []), *(data.get("change") or {}).values()]
    layers += [layer for entry in data.get("insert") or [] for layer in entry.get("layers", [])]
    for layer in layers:
        if "out_channels" in layer:
            layer["out_channels"] = _scaled(layer["out_channels"], scale)


def _restate(claim: dict[str, Any], computed: audit.Value) -> None:
    """Make a claim state ``computed`` (rounded as the original was, for an approximate one)."""
    if isinstance(computed, tuple):
        claim["value"] = list(computed)
        return
    if claim.get("approximate"):
        unit = rounding.rounding_unit(int(claim["value"]))
        rounded = (computed + unit // 2) // unit * unit
        claim["value"] = rounded if rounding.count_rounds_to(computed, rounded) else computed
        return
    claim["value"] = computed


def templates(scale: float, scratch: Path) -> dict[str, dict[str, Any]]:
    """Every shipped spec with its channels scaled, its claims kept as true or false as shipped.

    A claim the shipped spec matches is restated with the scaled network's value; a mismatched one
    is kept as written, so the synthetic specs send about as many numbers to the hypothesis
    finder as the shipped ones (the audit's verdicts, and so its cost, are representative).
    """
    scratch.mkdir(parents=True, exist_ok=True)
    shipped = {a.name: a for a in loader.load_folder(SHIPPED)}
    scaled: dict[str, dict[str, Any]] = {}
    for path in shipped_order():
        data = _read(path)
        _scale_layers(data, scale)
        scaled[path.stem] = data
        (scratch / path.name).write_text(_dump(data), "utf-8")
    for analysis in loader.load_folder(scratch):
        data = scaled[analysis.name]
        claims = data.get("stated") or []
        before = shipped[analysis.name]
        if len(claims) != len(analysis.spec.stated):
            continue  # inherited claims: restated in the parent's template
        for claim, stated in zip(claims, before.spec.stated, strict=True):
            was = audit.verdict(stated, audit.computed_value(before, stated.quantity, stated.layer))
            if was is audit.Verdict.MATCHES:
                _restate(claim, audit.computed_value(analysis, stated.quantity, stated.layer))
    return scaled


def variant(template: dict[str, Any], group: int) -> str:
    """A synthetic copy of a spec template for group ``group`` (names suffixed ``-gNNNN``)."""
    data = copy.deepcopy(template)
    if isinstance(data.get("extends"), str):
        data["extends"] = f"{data['extends']}-g{group:04d}"
    if "title" in data:
        data["title"] = f"{data['title']} — synthetic variant {group}"
    if "summary" in data:
        data["summary"] = " ".join([data["summary"], *[SENTENCE] * PADDING[group % len(PADDING)]])
    return _dump(data)


def write_specs(folder: Path, count: int) -> list[str]:
    """``count`` spec files in ``folder``: the shipped ones, then synthetic groups of copies."""
    folder.mkdir(parents=True, exist_ok=True)
    order = shipped_order()
    names: list[str] = []
    for path in order[:count]:
        shutil.copyfile(path, folder / path.name)
        names.append(path.stem)
    made: dict[float, dict[str, dict[str, Any]]] = {}
    group = 1
    while len(names) < count:
        scale = SCALES[group % len(SCALES)]
        if scale not in made:
            made[scale] = templates(scale, folder.parent / f".scratch-{len(made)}")
        # A group is a prefix of the parent-first order, so every 'extends' finds its parent.
        for path in order[: count - len(names)]:
            name = f"{path.stem}-g{group:04d}"
            (folder / f"{name}.yml").write_text(variant(made[scale][path.stem], group), "utf-8")
            names.append(name)
        group += 1
    for index in range(len(made)):
        shutil.rmtree(folder.parent / f".scratch-{index}")
    return names


def generated(folder: Path, count: int | None) -> Path:
    """A project built with the generator: the repository's mkdocs.yml and ``count`` specs.

    ``count=None`` means the shipped specs only, as they are.
    """
    docs = folder / "docs"
    specs = docs / "architectures"
    if count is None:
        specs.mkdir(parents=True)
        for path in loader.spec_paths(SHIPPED):
            shutil.copyfile(path, specs / path.name)
    else:
        write_specs(specs, count)
    shutil.copyfile(CONFIG, folder / "mkdocs.yml")
    return folder


def plain(folder: Path, source: Path) -> Path:
    """The same site as ``source`` (a generated project) with its pages written out as files:
    what ``python -m generator pages`` writes, built with the same mkdocs.yml minus the plugin."""
    plugin.write_pages(source, folder)
    return folder


def spec_count(project: Path) -> int:
    return len(loader.spec_paths(project / "docs" / "architectures"))


FIGURE = re.compile(r'<figure class="arch-figure[^"]*"[^>]*>.*?</figure>\n?', re.S)


def without_figures(text: str) -> str:
    """A page (Markdown or built HTML) without its figure placeholders: the same text only."""
    return FIGURE.sub("", text)


def strip_figures(project: Path) -> int:
    """Remove the figure placeholders from every architecture page of a plain project."""
    count = 0
    for page in (project / "docs" / "architectures").glob("*.md"):
        text = page.read_text("utf-8")
        stripped = without_figures(text)
        if stripped != text:
            page.write_text(stripped, "utf-8")
            count += 1
    return count


def clear_cache(project: Path) -> None:
    """Remove the build cache the generator keeps next to the project's mkdocs.yml."""
    shutil.rmtree(project / ".cache", ignore_errors=True)


def edit_one_spec(project: Path, rep: int) -> Path:
    """Change one spec's title, as a contributor's save does: its page, figure, exports and
    script (whose first line is the title) change, so nothing of it comes from the cache."""
    path = min((project / "docs" / "architectures").glob("*.yml"))
    data = _read(path)
    title = str(data["title"]).split(" (edit ")[0]
    data["title"] = f"{title} (edit {rep})"
    path.write_text(_dump(data), "utf-8")
    return path
