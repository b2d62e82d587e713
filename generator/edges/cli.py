"""The command-line edge: ``python -m generator show | check | explain | claims | new | import |
schema | pages``.

Loads, calls the core, reports.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from generator.analysis import audit, counters, hypotheses, model, register
from generator.analysis.audit import Check, Verdict
from generator.analysis.model import Architecture, audited
from generator.core import formatting
from generator.core.results import Analysis
from generator.load import loader
from generator.load.importers import source as importer
from generator.render import contributing, export, phrasing
from generator.spec import models, schema
from generator.spec.errors import Problem, SpecError, suggest
from generator.spec.models import Quantity

DEFAULT_SPECS = Path("docs/architectures")


def _resolve(name_or_path: str, specs: Path) -> Path:
    """A spec file given by its path, or by its name in ``specs`` (a name must be a spec name)."""
    path = Path(name_or_path)
    if path.suffix in (".yml", ".yaml") or path.exists() or len(path.parts) > 1:
        return path
    _check_name(name_or_path)
    return specs / f"{name_or_path}{loader.SUFFIX}"


def _analyse(path: Path) -> Analysis:
    if not path.is_file():
        names = [p.name.removesuffix(loader.SUFFIX) for p in loader.spec_paths(path.parent)]
        hint = suggest(path.name.removesuffix(loader.SUFFIX), names)
        raise click.ClickException(f"{path}: no such spec file{hint}")
    loaded = loader.load(path)
    for warning in loaded.warnings:
        click.echo(f"warning: {warning}", err=True)
    return loader.analyse(loaded)


def _compared(analysis: Analysis, path: Path) -> list[Analysis]:
    """The specs of ``path``'s folder that load: the finder reads a comparison against the named
    network's whole family, and every reading of a stated number is held to what the same
    source states in the other specs, as the site does."""
    return loader.load_folder_partially(path.parent).analyses


def _fail(error: SpecError) -> None:
    click.echo(error.report(), err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count > 1 else ''} found.", err=True)
    sys.exit(1)


specs_option = click.option(
    "--specs",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_SPECS,
    show_default=True,
    help="The folder of spec files.",
)


@click.group()
def main() -> None:
    """Exact layer arithmetic for AlexNet and its variants."""


@main.command()
@click.argument("name_or_path")
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON.")
@specs_option
def show(name_or_path: str, as_json: bool, specs: Path) -> None:
    """Print the per-layer analysis of one architecture (a spec name or a file path)."""
    path = _resolve(name_or_path, specs)
    try:
        analysis = _analyse(path)
        others = _compared(analysis, path) if as_json else []
    except SpecError as error:
        _fail(error)
        return
    if as_json:
        architecture = audited(analysis, others)
        data = export.analysis_data(architecture)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(_table(analysis))
    click.echo()
    click.echo(_tools(counters.predictions(analysis)))


def _tools(tools: counters.Predictions) -> str:
    """What each operation counter will say, against the site's count, in short."""
    if not tools.found:
        return f"No counter's number: {tools.unknown}"
    rows = [("tool", "reports", "number", "against the site's count")]
    rows += [
        (
            phrasing.tool_title(p.tool),
            p.unit.value,
            formatting.count(p.total),
            phrasing.tool_terms(p),
        )
        for p in tools.found
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"What your tool will say ({phrasing.tool_versions()}):"]
    for row in rows:
        first, unit, number, terms = row
        lines.append(
            f"{first.ljust(widths[0])}  {unit.ljust(widths[1])}  {number.rjust(widths[2])}  {terms}"
        )
    return "\n".join(lines)


def _table(analysis: Analysis) -> str:
    rows = [("layer", "kind", "output", "output size", "neurons", "params", "MACs")]
    for r in analysis.layers:
        rows.append(
            (
                r.name,
                r.kind,
                formatting.shape(r.output),
                formatting.size_formula(r),
                formatting.count(r.neurons) if r.counts_as_neurons else "",
                formatting.count(r.params) if r.params else "",
                formatting.count(r.macs) if r.macs else "",
            )
        )
    t = analysis.totals
    rows.append(
        (
            "total",
            "",
            "",
            "",
            formatting.count(t.neurons),
            formatting.count(t.params),
            formatting.count(t.macs),
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {4, 5, 6}
    lines = [f"{analysis.spec.title} ({analysis.name})"]
    for row in rows:
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@specs_option
def check(paths: tuple[Path, ...], specs: Path) -> None:
    """Validate spec files (all of --specs by default) and print their audits."""
    files = list(paths) or loader.spec_paths(specs)
    if not files:
        raise click.ClickException(f"no spec files found in {specs}")
    problems: list[Problem] = []
    folders: dict[Path, list[Analysis]] = {}
    for path in files:
        try:
            analysis = _analyse(path)
            folder = path.parent.resolve()
            if folder not in folders:
                folders[folder] = _compared(analysis, path)
            others = folders[folder]
        except SpecError as error:
            problems.extend(error.problems)
            continue
        click.echo(_audit(audited(analysis, others)))
    if problems:
        _fail(SpecError(problems))


#: How a verdict is marked in ``check``'s list: the plain count gives it, or not.
MARKS = {
    Verdict.MATCHES: "ok ",
    Verdict.ROUNDS_TO: "ok ",
    Verdict.EXPLAINED: "!! ",
    Verdict.UNEXPLAINED: "!! ",
}


def _audit(architecture: Architecture) -> str:
    """One spec's audit: each stated number and comparison with its verdict, and for a mismatch
    the reason (the reading it rests on, or why none does)."""
    checks, compared = architecture.checks, architecture.comparisons
    counted = f"{len(checks)} stated number(s)"
    if compared:
        counted += f", {len(compared)} stated comparison(s)"
    lines = [f"{architecture.name}: valid; {counted}"]
    for c in checks:
        lines.append(
            f"  {MARKS[c.verdict]}{c.about} {c.claim.quantity.value}: stated "
            f"{_value(c.claim.value)}, computed {_value(c.computed)} — {c.verdict.value} "
            f"({c.claim.source})"
        )
        if c.verdict in (Verdict.EXPLAINED, Verdict.UNEXPLAINED):
            lines.append(f"       {phrasing.verdict_reason(c)}")
    for d in compared:
        lines.append(
            f"  {MARKS[d.verdict]}total {d.claim.quantity.value} against {d.claim.to}: stated "
            f"{formatting.figure_text(d.claim.form, d.claim.figure)}, computed "
            f"{phrasing.computed_figure(d.claim.form, d.figure, d.claim.figure)} "
            f"({formatting.count(d.count)} against {formatting.count(d.other)}) — "
            f"{d.verdict.value} ({d.claim.source})"
        )
        if d.verdict in (Verdict.EXPLAINED, Verdict.UNEXPLAINED):
            lines.append(f"       {phrasing.comparison_reason(d)}")
        if d.fits and len(d.widths) == 1:
            lines.append(f"       Also: {phrasing.width_sentence(d)}")
    return "\n".join(lines)


def _value(value: int | list[int] | tuple[int, ...]) -> str:
    return (
        formatting.shape(tuple(value))
        if isinstance(value, list | tuple)
        else formatting.count(value)
    )


#: What a rounded figure's suffix multiplies it by: ``138M``, ``15.3B``, ``159K``.
SUFFIXES = {"K": 10**3, "M": 10**6, "B": 10**9, "G": 10**9}


@dataclass(frozen=True, slots=True)
class Asked:
    """A figure as given on the command line: a count (and the place it was rounded to, for a
    figure such as ``138M``), or a shape."""

    value: int | tuple[int, ...]
    unit: int | None = None


def _figure(ctx: click.Context, param: click.Parameter, value: str) -> Asked:
    """A count written ``253440``, ``253,440`` or ``253_440``; a rounded figure ``138M``,
    ``15.3B``, ``159K`` (rounded to its last digit); or a shape ``3x227x227``."""
    text = value.replace(",", "").replace("_", "").replace("×", "x").strip()
    if re.fullmatch(r"\d+(x\d+)+", text):
        return Asked(tuple(int(part) for part in text.split("x")))
    found = re.fullmatch(r"(\d+)(?:\.(\d+))?([KMBG])?", text, flags=re.IGNORECASE)
    if found is None or (found.group(2) and not found.group(3)):
        raise click.BadParameter(
            "expected a count such as 253440, 253,440, 138M, 15.3B or 159K, or a shape such as "
            f"3x227x227, got {value!r}"
        )
    whole, decimals, suffix = found.groups()
    if suffix is None:
        return Asked(int(whole))
    scale = SUFFIXES[suffix.upper()]
    places = len(decimals or "")
    unit = scale // 10**places
    if unit < 1:
        raise click.BadParameter(f"{value!r} has more decimals than its {suffix} can hold")
    return Asked(int(whole + (decimals or "")) * unit, unit)


@main.command("explain")
@click.argument("number", callback=_figure)
@click.option("--arch", required=True, help="The architecture: a spec name or a file path.")
@click.option(
    "--layer",
    "--last",
    "layer",
    default=None,
    help="The layer the number is about ('input' for the input), the last of a group of layers "
    "(with --first), or a part named by the prefix its layers share ('inception_3a'); the network "
    "total when absent.",
)
@click.option("--first", default=None, help="The first layer of a group of layers (a table row).")
@click.option(
    "--quantity",
    type=click.Choice([q.value for q in (*hypotheses.QUANTITIES, Quantity.SHAPE)]),
    default=None,
    help="What the number counts (default: neurons; shape for a shape such as 3x227x227).",
)
@click.option(
    "--rounded-to",
    "rounded_to",
    type=click.IntRange(min=1),
    default=None,
    help="The place a rounded figure was rounded to, a power of ten (1000 for '380K').",
)
@click.option(
    "--source", default=None, help="Only the number as this source of the spec states it."
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict and readings as JSON.")
@specs_option
def explain(
    number: Asked,
    arch: str,
    layer: str | None,
    first: str | None,
    quantity: str | None,
    rounded_to: int | None,
    source: str | None,
    as_json: bool,
    specs: Path,
) -> None:
    """What a stated NUMBER could count, with the verdict the audit gives it.

    NUMBER is a count (253440, 253,440), a rounded figure (138M, 15.3B, 159K, or a count with
    --rounded-to) or a shape (3x227x227). When a source of the spec states that number, the
    answer is the audit's for it, the same as on the site; otherwise the figure is read alone.
    """
    path = _resolve(arch, specs)
    try:
        analysis = _analyse(path)
        others = _compared(analysis, path)
    except SpecError as error:
        _fail(error)
        return
    counted = Quantity(quantity) if quantity else _quantity_of(number)
    if counted is Quantity.SHAPE and isinstance(number.value, int):
        number = Asked((number.value,))  # a vector's shape: [6400]
    if counted is not Quantity.SHAPE and isinstance(number.value, tuple):
        raise click.BadParameter(
            f"a shape is not a count of {counted.value}", param_hint="--quantity"
        )
    if rounded_to is not None and rounded_to != 10 ** (len(str(rounded_to)) - 1):
        raise click.BadParameter(
            f"must be a power of ten (1, 10, 100, …), got {rounded_to}", param_hint="--rounded-to"
        )
    unit = rounded_to or number.unit
    if unit is not None and isinstance(number.value, int) and number.value % unit:
        raise click.BadParameter(
            f"{number.value} is not a multiple of the place it was rounded to ({unit})",
            param_hint="--rounded-to",
        )
    layer, first = _scope(analysis, layer, first)
    context = model.site_context([analysis, *(o for o in others if o.name != analysis.name)])
    found = audit.ask(
        analysis, counted, number.value, layer, first, unit, source=source, context=context
    )
    if as_json:
        click.echo(json.dumps(_answer_data(found), indent=2, ensure_ascii=False))
        return
    click.echo(_answer(analysis, found))


def _quantity_of(number: Asked) -> Quantity:
    return Quantity.SHAPE if isinstance(number.value, tuple) else Quantity.NEURONS


def _scope(
    analysis: Analysis, layer: str | None, first: str | None
) -> tuple[str | None, str | None]:
    """``--layer`` and ``--first`` as layers of the analysis: a part's name (``inception_3a``)
    stands for its first and last layers."""
    names = [r.name for r in analysis.layers]
    for name, option in ((layer, "--layer"), (first, "--first")):
        if name is None or name == hypotheses.INPUT or name in names:
            continue
        found = audit.part(analysis, name) if option == "--layer" and first is None else None
        if found is not None:
            return found[1], found[0]
        raise click.ClickException(
            f"{analysis.name} has no layer named {name!r}{suggest(name, names)} (give a layer, "
            "'input', or a part such as the prefix a module's layers share)"
        )
    if first is not None and layer is None:
        raise click.BadParameter("a group of layers needs its last layer too", param_hint="--last")
    return layer, first


def _readings(check: Check) -> dict[str, Any]:
    return {
        "hypotheses": [
            {
                "expression": h.expression,
                "factors": list(h.factors),
                **export.hypothesis_data(h),
            }
            for h in check.hypotheses
        ],
        "coincidences": [
            {
                "expression": k.reading.expression,
                "factors": list(k.reading.factors),
                **export.coincidence_data(k),
            }
            for k in check.coincidences
        ],
    }


def _answer_data(found: tuple[Check, ...]) -> dict[str, Any]:
    """``explain --json``: the verdict and readings of the first number found, then each
    source's, when several state it."""
    first = found[0]
    claim = first.claim
    return {
        "verdict": first.verdict.value,
        "reason": phrasing.verdict_reason(first),
        "number": list(claim.value) if isinstance(claim.value, list) else claim.value,
        "rounded_to": first.unit,
        "layer": claim.layer,
        "first": claim.first,
        "quantity": claim.quantity.value,
        "computed": list(first.computed) if isinstance(first.computed, tuple) else first.computed,
        "difference": first.difference,
        "stated_by": [
            {
                "source": c.claim.source,
                "quote": c.claim.quote,
                "verdict": c.verdict.value,
            }
            for c in found
            if c.source is not None
        ],
        **_readings(first),
    }


def _answer(analysis: Analysis, found: tuple[Check, ...]) -> str:
    """``explain``'s answer: the number, what the spec computes, the verdict and its reason, the
    readings that explain it and the fits that are coincidental."""
    first = found[0]
    claim = first.claim
    about = "the whole" if claim.layer is None else first.about
    head = (
        f"{_value(claim.value)} {claim.quantity.value} for {about} of {analysis.name} "
        f"(the spec computes {_value(first.computed)}"
    )
    if first.difference:
        head += f"; {phrasing.SIGN_CONVENTION}: {formatting.signed(first.difference)}"
    lines = [head + ")"]
    for c in found:
        if c.source is not None:
            quote = f": “{c.claim.quote}”" if c.claim.quote else ""
            lines.append(f"Stated by {c.claim.source}{quote}")
    if first.source is None:
        lines.append("No source of the spec states it: read alone, held to no source's habits.")
    lines.append(f"Verdict: {first.verdict.value}. {phrasing.verdict_reason(first)}")
    if len({c.verdict for c in found}) > 1:
        lines.append(
            "Each source's verdict: "
            + ", ".join(f"{c.claim.source} {c.verdict.value}" for c in found)
        )
    if first.hypotheses:
        count = len(first.hypotheses)
        lines.append(
            f"{count} reading{'s' if count > 1 else ''} explain{'s' if count == 1 else ''} it, "
            "fewest changed assumptions first:"
        )
        for rank, h in enumerate(first.hypotheses, 1):
            changed = "; ".join(phrasing.changes(h)) if h.changes else "nothing"
            if h.summed:
                # A sum taken another way is said in its sentence, not as a bare difference.
                lines.append(f"{rank:>3}. {phrasing.explanation(h)}")
                lines.append(f"     changes: {changed}")
                continue
            lines.append(f"{rank:>3}. {h.expression}")
            lines.append(f"     changes: {changed}")
            lines.append(f"     {phrasing.explanation(h)}")
    if first.coincidences:
        lines.append("Coincidental fits (they give it, but do not explain it):")
        for rank, k in enumerate(first.coincidences, 1):
            lines.append(f"{rank:>3}. {phrasing.explanation(k.reading)}")
            lines.append(f"     why not: {phrasing.doubts_text(k.doubts)}.")
    return "\n".join(lines)


@main.command("claims")
@click.option("--json", "as_json", is_flag=True, help="Print the register as JSON.")
@specs_option
def claims(as_json: bool, specs: Path) -> None:
    """List every stated number and comparison of the specs with its verdict: the register of
    claims, as the site's page shows it."""
    files = loader.spec_paths(specs)
    if not files:
        raise click.ClickException(f"no spec files found in {specs}")
    loaded = loader.load_folder_partially(specs)
    architectures = model.audit_site(loaded.analyses)
    found = register.register([(a.analysis, a.checks, a.comparisons) for a in architectures])
    if as_json:
        click.echo(json.dumps(export.register_data(found), indent=2, ensure_ascii=False))
        return
    lines = [phrasing.tally_sentence(found.tally, found.total)]
    for entry in found.entries:
        lines.append(
            f"{entry.network}: {phrasing.claim_text(entry)}: stated {phrasing.stated_text(entry)}, "
            f"computed {phrasing.computed_text(entry)} — {entry.verdict.value} "
            f"({entry.source_key})"
        )
        lines.append(f"    {phrasing.reason(entry)}")
    click.echo("\n".join(lines))


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of a spec file (the copy in schema/spec.schema.json is this output)."""
    click.echo(schema.schema_text(), nl=False)


@main.command("pages")
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--project",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=Path("."),
    show_default=True,
    help="The folder of the site's mkdocs.yml and docs/.",
)
def pages_command(out_dir: Path, project: Path) -> None:
    """Write every generated page and data file into OUT_DIR as plain files.

    OUT_DIR gets docs/ (the project's docs plus the generated pages, data files, scripts,
    stylesheets and plotly.min.js), overrides/ (the theme overrides) and an mkdocs.yml without the
    architectures plugin: `mkdocs build` in OUT_DIR, or another engine reading its docs/, builds
    the site without the plugin.
    """
    # Imported here: the other commands need neither MkDocs nor the renderers.
    from generator.edges import plugin

    try:
        count = plugin.write_pages(project, out_dir)
    except SpecError as error:
        _fail(error)
        return
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{count} files written to {out_dir}; build them with: cd {out_dir} && mkdocs build")


#: Spec names whose page would take the place of a generated page.
RESERVED_NAMES = ("index",)


@main.command()
@click.argument("name")
@click.option(
    "--from",
    "parent",
    metavar="EXISTING",
    default=None,
    help="Start a variant of this spec: the new file extends it and says only what differs.",
)
@specs_option
def new(name: str, parent: str | None, specs: Path) -> None:
    """Write SPECS/NAME.yml, a valid, commented spec to start a new architecture from."""
    _check_new_name(name)
    if not specs.is_dir():
        raise click.ClickException(
            f"there is no folder {specs}: run this in the project's top folder, or give --specs"
        )
    path = specs / f"{name}{loader.SUFFIX}"
    if path.exists():
        raise click.ClickException(
            f"{path} already exists; edit it, or choose another name for the new spec"
        )
    base = None
    if parent is not None:
        base = _parent(parent, specs)
    text = contributing.new_spec(name, editor_line=_editor_line(specs), parent=base)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise click.ClickException(f"{path} already exists") from None
    what = f"a variant of {base.name}" if base else "a new architecture"
    click.echo(
        f"Wrote {path}, {what}. Next:\n"
        "  1. Edit it: replace each TODO and the example address (check refuses them).\n"
        "     The site's contributing page (contributing.md) explains every field, and an\n"
        "     editor with the YAML language server checks it as you type.\n"
        f"  2. Check it: python -m generator check {path}\n"
        f"  3. See its page: mkdocs serve, then open "
        f"{contributing.SERVE_ADDRESS}/architectures/{name}/"
    )


def _check_new_name(name: str) -> None:
    for suffix in (".yml", ".yaml"):
        if name.endswith(suffix):
            stem = name.removesuffix(suffix)
            raise click.ClickException(
                f"give the name without {suffix}: python -m generator new {stem}"
            )
    _check_name(name)
    if name in RESERVED_NAMES:
        raise click.ClickException(
            f"{name!r} is taken by the list of architectures at /architectures/; choose another name"
        )


def _check_name(name: str) -> None:
    """Refuse a name that breaks the spec-name rule, in the rule's own words (as the loader does)."""
    if not models.SPEC_NAME.follows(name):
        raise click.ClickException(
            f"{name!r} cannot name a spec (the name of its file and of its page "
            f"/architectures/NAME/): {models.SPEC_NAME.message(name)}"
        )


def _parent(name: str, specs: Path) -> loader.LoadedSpec:
    path = specs / f"{name}{loader.SUFFIX}"
    if not path.is_file():
        known = ", ".join(p.name.removesuffix(loader.SUFFIX) for p in loader.spec_paths(specs))
        raise click.ClickException(
            f"--from {name}: no spec named {name!r} in {specs}"
            + (f"; the specs are: {known}" if known else "")
        )
    try:
        parent = loader.load(path)
        loader.analyse(parent)
    except SpecError as error:
        click.echo(error.report(), err=True)
        raise click.ClickException(
            f"--from {name}: {path} has problems; a variant of it could not be checked"
        ) from None
    return parent


def _editor_line(specs: Path) -> str:
    """The schema line for a spec in ``specs``: the committed schema, found above that folder."""
    folder = specs.resolve()
    for top in (folder, *folder.parents):
        if (top / schema.SCHEMA_PATH).is_file():
            return schema.editor_line(
                Path(os.path.relpath(top / schema.SCHEMA_PATH, folder)).as_posix()
            )
    return schema.EDITOR_LINE


# --- import ----------------------------------------------------------------------------------


def _shape(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[int, int, int] | None:
    """``3x224x224`` (or ``3,224,224``): channels, height and width of one image."""
    if value is None:
        return None
    parts = value.replace(",", "x").replace("×", "x").split("x")
    if len(parts) != 3 or not all(p.strip().isdigit() and int(p) > 0 for p in parts):
        raise click.BadParameter(
            f"expected channels x height x width, such as 3x224x224, got {value!r}"
        )
    c, h, w = (int(p) for p in parts)
    return c, h, w


def _address(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--url``: an http:// or https:// address, as a source's ``url`` must be."""
    if value is not None and not re.fullmatch(r"https?://\S+", value):
        raise click.BadParameter(f"expected an http:// or https:// address, got {value!r}")
    return value


def _imported_name(source: str) -> str:
    """A spec name from the source: the file's name, or the callable's for a PyTorch module."""
    stem = (
        source.rpartition(":")[2]
        if ":" in source and not Path(source).exists()
        else Path(source).stem
    )
    name = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")
    if not models.SPEC_NAME.follows(name):
        raise click.ClickException(
            f"{source}: no spec name can be made from it; give one with --name"
        )
    return name


@main.command("import")
@click.argument("source")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The spec file to write (its name is the spec's); default SPECS/NAME.yml.",
)
@click.option("--name", default=None, help="The spec's name; default: from the source's file name.")
@click.option(
    "--input",
    "input_shape",
    callback=_shape,
    default=None,
    metavar="CxHxW",
    help="The image size to import with: needed for a PyTorch module (default 3x224x224), an "
    "ONNX model whose input size is not fixed, or a Caffe training file whose data layer does "
    "not say its crop_size; given, it wins over what the file says.",
)
@click.option(
    "--url",
    default=None,
    callback=_address,
    help="Where the model file is published, for its source entry (http:// or https://).",
)
@specs_option
def import_command(
    source: str,
    output: Path | None,
    name: str | None,
    input_shape: tuple[int, int, int] | None,
    url: str | None,
    specs: Path,
) -> None:
    """Write a spec from a model file: a Caffe .prototxt, an .onnx file, or a PyTorch module
    given as package.module:callable (or file.py:callable).

    The spec keeps the model's layer names, records the file in `sources`, and is checked before
    anything is written: the engine's shapes and parameters must be the model's own.
    """
    if output is not None and name is not None and output.name != f"{name}{loader.SUFFIX}":
        raise click.ClickException(
            f"-o {output} and --name {name} disagree: a spec's name is its file's name"
        )
    if output is None:
        name = name or _imported_name(source)
        _check_new_name(name)
        output = specs / f"{name}{loader.SUFFIX}"
    elif not output.name.endswith(loader.SUFFIX):
        raise click.ClickException(f"-o {output}: a spec file's name ends in {loader.SUFFIX}")
    else:
        _check_new_name(output.name.removesuffix(loader.SUFFIX))
    if not output.parent.is_dir():
        raise click.ClickException(f"there is no folder {output.parent} to write {output.name} in")
    if output.exists():
        raise click.ClickException(f"{output} already exists; choose another name or remove it")
    try:
        imported = importer.import_spec(
            source,
            path=output,
            editor_line=_editor_line(output.parent),
            input_shape=input_shape,
            url=url,
        )
    except importer.ModelError as error:
        click.echo(error.report(), err=True)
        count = len(error.problems)
        click.echo(
            f"{count} problem{'s' if count > 1 else ''} found; nothing was written.", err=True
        )
        sys.exit(1)
    try:
        with output.open("x", encoding="utf-8") as file:
            file.write(imported.text)
    except FileExistsError:
        raise click.ClickException(f"{output} already exists") from None
    totals = imported.analysis.totals
    click.echo(
        f"Wrote {output}: {len(imported.analysis.layers)} layers from {source} "
        f"({imported.draft.format}), {formatting.count(totals.params)} parameters, "
        f"{formatting.count(totals.macs)} multiply-accumulates. Next:\n"
        "  1. Edit it: replace each TODO (title, summary, who published the file, and where;\n"
        "     check refuses them), and add the numbers your sources state under `stated`.\n"
        f"  2. Check it: python -m generator check {output}\n"
        f"  3. See its page: mkdocs serve, then open "
        f"{contributing.SERVE_ADDRESS}/architectures/{output.name.removesuffix(loader.SUFFIX)}/"
    )
