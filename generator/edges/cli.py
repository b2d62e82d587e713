"""The command-line edge: ``python -m generator show | check | explain | new | import | schema |
pages``.

Loads, calls the core, reports.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from generator.analysis import hypotheses
from generator.analysis.audit import Verdict
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
    """The specs of ``path``'s folder that load, when ``analysis`` states comparisons: the finder
    reads a claim against the named network's whole family, as the site does."""
    if not analysis.spec.compared:
        return []
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
        data = export.analysis_data(audited(analysis, others))
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(_table(analysis))


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
    for path in files:
        try:
            analysis = _analyse(path)
            others = _compared(analysis, path)
        except SpecError as error:
            problems.extend(error.problems)
            continue
        click.echo(_audit(audited(analysis, others)))
    if problems:
        _fail(SpecError(problems))


def _audit(architecture: Architecture) -> str:
    checks, compared = architecture.checks, architecture.comparisons
    counted = f"{len(checks)} stated number(s)"
    if compared:
        counted += f", {len(compared)} stated comparison(s)"
    lines = [f"{architecture.name}: valid; {counted}"]
    for c in checks:
        where = c.about
        mark = "ok " if c.verdict is Verdict.MATCHES else "!! "
        lines.append(
            f"  {mark}{where} {c.claim.quantity.value}: stated {_value(c.claim.value)}, "
            f"computed {_value(c.computed)} — {c.verdict.value} ({c.claim.source})"
        )
    for d in compared:
        mark = "ok " if d.verdict is Verdict.MATCHES else "!! "
        lines.append(
            f"  {mark}total {d.claim.quantity.value} against {d.claim.to}: stated "
            f"{formatting.figure_text(d.claim.form, d.claim.figure)}, computed "
            f"{formatting.figure_text(d.claim.form, d.figure)} ({formatting.count(d.count)} against "
            f"{formatting.count(d.other)}) — {d.verdict.value} ({d.claim.source})"
        )
        lines += [
            f"       {'; '.join(phrasing.fit_changes(fit))}: "
            f"{formatting.figure_text(d.claim.form, fit.figure)}"
            for fit in d.fits[:3]
        ]
        lines += [
            f"       {w.layer} {w.field} {w.was} → {w.now} gives "
            f"{formatting.figure_text(d.claim.form, w.figure)}"
            for w in d.widths
        ]
    return "\n".join(lines)


def _value(value: int | list[int] | tuple[int, ...]) -> str:
    return (
        formatting.shape(tuple(value))
        if isinstance(value, list | tuple)
        else formatting.count(value)
    )


def _count(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """A whole number, written ``253440``, ``253,440`` or ``253_440``."""
    text = value.replace(",", "").replace("_", "").strip()
    if not text.isdigit():
        raise click.BadParameter(
            f"expected a whole number such as 253440 or 253,440, got {value!r}"
        )
    return int(text)


@main.command("explain")
@click.argument("number", callback=_count)
@click.option("--arch", required=True, help="The architecture: a spec name or a file path.")
@click.option(
    "--layer",
    default=None,
    help="The layer the number is about ('input' for the input); the network total when absent.",
)
@click.option(
    "--quantity",
    type=click.Choice([q.value for q in hypotheses.QUANTITIES]),
    default=Quantity.NEURONS.value,
    show_default=True,
    help="What the number counts.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the hypotheses as JSON.")
@specs_option
def explain(
    number: int, arch: str, layer: str | None, quantity: str, as_json: bool, specs: Path
) -> None:
    """Search for what a stated NUMBER could count: hypotheses that reproduce it exactly."""
    try:
        analysis = _analyse(_resolve(arch, specs))
    except SpecError as error:
        _fail(error)
        return
    names = [r.name for r in analysis.layers]
    if layer is not None and layer != hypotheses.INPUT and layer not in names:
        raise click.ClickException(
            f"{analysis.name} has no layer named {layer!r}; its layers are "
            f"{', '.join(names)} (or 'input')"
        )
    counted = Quantity(quantity)
    found = hypotheses.explain(analysis, number, layer, counted)
    computed = hypotheses.plain_value(analysis, layer, counted)
    if as_json:
        data = {
            "number": number,
            "arch": analysis.name,
            "layer": layer,
            "quantity": counted.value,
            "computed": computed,
            "hypotheses": [
                {
                    "expression": h.expression,
                    "factors": list(h.factors),
                    "explanation": phrasing.explanation(h),
                    "changes": list(phrasing.changes(h)),
                    "cause": h.cause.value,
                }
                for h in found
            ],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(_hypotheses(analysis, number, layer, counted, computed, found))


def _hypotheses(
    analysis: Analysis,
    number: int,
    layer: str | None,
    quantity: Quantity,
    computed: int,
    found: tuple[hypotheses.Hypothesis, ...],
) -> str:
    where = f"{layer} of {analysis.name}" if layer else f"the whole of {analysis.name}"
    stated = f"{formatting.count(number)} {quantity.value} for {where}"
    if not found:
        return (
            f"Nothing found reproduces {stated} exactly (the spec computes "
            f"{formatting.count(computed)}); no explanation is offered."
        )
    count = len(found)
    lines = [
        f"{stated} (the spec computes {formatting.count(computed)}): "
        f"{count} hypothes{'es' if count > 1 else 'is'}, fewest changed assumptions first"
    ]
    for rank, h in enumerate(found, 1):
        changed = "; ".join(phrasing.changes(h)) if h.changes else "nothing"
        total = (
            "" if h.cause is hypotheses.Cause.TRANSPOSITION else f" = {formatting.count(number)}"
        )
        lines.append(f"{rank:>3}. {h.expression}{total}")
        lines.append(f"     changes: {changed}")
        lines.append(f"     {phrasing.explanation(h)}")
    return "\n".join(lines)


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
        "  1. Edit it: replace each TODO. The site's contributing page (contributing.md) explains\n"
        "     every field, and an editor with the YAML language server checks it as you type.\n"
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
    help="The image size to import with: needed for a PyTorch module (default 3x224x224) or an "
    "ONNX model whose input size is not fixed.",
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
        "  1. Edit it: replace each TODO (title, summary, who published the file, and where),\n"
        "     and add the numbers your sources state under `stated`.\n"
        f"  2. Check it: python -m generator check {output}\n"
        f"  3. See its page: mkdocs serve, then open "
        f"{contributing.SERVE_ADDRESS}/architectures/{output.name.removesuffix(loader.SUFFIX)}/"
    )
