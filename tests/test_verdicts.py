"""One verdict per stated number: every page, download and command that shows a stated number or a
stated comparison shows the verdict the audit gave it, and ``explain`` gives it too.

Each page is read as a reader reads it (its rows and sentences, not the model behind them), and
every verdict found next to a claim is checked against the audit's.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.analysis import audit
from generator.analysis.audit import Check, Verdict
from generator.analysis.comparisons import Comparison
from generator.analysis.model import SiteModel, build_site_model
from generator.core.results import Analysis
from generator.edges import cli
from generator.edges.cli import main
from generator.render import pages, phrasing, site
from generator.render.phrasing import short_title
from generator.render.templating import claim_label, value_text
from tests.helpers import SPECS

#: A claim as the pages name it: its network, what it is about, its stated figure, its source.
Key = tuple[str, str, str, str]
VERDICTS = "|".join(re.escape(v.value) for v in Verdict)


@pytest.fixture(scope="module")
def model(analyses: dict[str, Analysis]) -> SiteModel:
    return build_site_model(list(analyses.values()))


@pytest.fixture(scope="module")
def files(model: SiteModel) -> dict[str, str]:
    return site.site_files(model)


def stated_text(check: Check) -> str:
    return value_text(check.claim.value) + (" (rounded)" if check.claim.approximate else "")


def compared_label(d: Comparison) -> str:
    return f"total {d.claim.quantity.value} against {d.claim.to}"


def audited(model: SiteModel) -> dict[Key, Verdict]:
    """Every claim of the site by what the pages call it, with the audit's verdict."""
    found: dict[Key, Verdict] = {}
    for a in model.architectures:
        for c in a.checks:
            key = (a.name, claim_label(c), stated_text(c), c.claim.source)
            assert found.setdefault(key, c.verdict) is c.verdict, key
        for d in a.comparisons:
            figure = phrasing.figure_text_stated(d.claim.form, d.claim.figure)
            key = (a.name, compared_label(d), figure, d.claim.source)
            assert found.setdefault(key, d.verdict) is d.verdict, key
    return found


def titles(model: SiteModel) -> dict[str, str]:
    """Each network's name as pages give it (its short title), to its spec's name."""
    return {short_title(a.analysis.spec.title): a.name for a in model.architectures}


def unnamed(label: str, model: SiteModel) -> str:
    """A page's claim label with the network it is against by spec name, as commands give it:
    ``total params against AlexNet`` → ``total params against alexnet-2012``."""
    for title, name in titles(model).items():
        if label.endswith(f" against {title}"):
            return label.removesuffix(title) + name
    return label


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split(" | ")]


def link_text(cell: str) -> str:
    found = re.fullmatch(r"\[([^\]]*)\]\([^)]*\)", cell)
    return found.group(1) if found else cell


def verdict_of(cell: str) -> Verdict:
    found = re.search(rf"\*\*({VERDICTS})\*\*|<strong>({VERDICTS})</strong>", cell)
    assert found is not None, cell
    return Verdict(found.group(1) or found.group(2))


def book(files: dict[str, str], stem: str) -> Iterator[str]:
    """A book's pages: one, or an overview and its chapters."""
    for path, text in sorted(files.items()):
        if path == f"{stem}.md" or path.startswith(f"{stem}/"):
            yield text


# --- what each page shows -----------------------------------------------------------------------


def audit_rows(model: SiteModel, files: dict[str, str]) -> Iterator[tuple[Key, Verdict]]:
    """The audit book: one row per claim, in its network's section."""
    for text in book(files, pages.AUDIT):
        network = None
        for line in text.splitlines():
            link = re.search(r"\[Layer by layer\]\((?:\.\./)?architectures/([^)]+)\.md\)", line)
            if link:
                network = link.group(1)
            if network and line.startswith("| ") and re.search(rf"\*\*({VERDICTS})\*\*", line):
                row = cells(line)
                source = link_text(row[-2])
                yield (network, unnamed(row[0], model), row[1], source), verdict_of(line)


def register_rows(model: SiteModel, files: dict[str, str]) -> Iterator[tuple[Key, Verdict]]:
    names = titles(model)
    for text in book(files, pages.REGISTER):
        for line in text.splitlines():
            if line.startswith("| [") and re.search(rf"\*\*({VERDICTS})\*\*", line):
                row = cells(line)
                network = names[link_text(row[0])]
                key = (network, unnamed(row[1], model), row[2], link_text(row[6]))
                yield key, verdict_of(row[4])


def architecture_rows(model: SiteModel, files: dict[str, str]) -> Iterator[tuple[Key, Verdict]]:
    """Each architecture page: its table of stated numbers, each mismatch's section, its table
    of stated comparisons and each comparison's sentence."""
    for a in model.architectures:
        text = files[f"architectures/{a.name}.md"]
        audit = text.split('<div class="arch-table arch-table--stated">', 1)
        table = audit[1].split("</table>", 1)[0] if a.checks else ""
        rows = re.findall(r"<tr><td>(.*?)</td> <td>(.*?)</td> .*?</tr>", table)
        body = re.findall(r"<tr><td>.*?</tr>", table)
        assert len(rows) == len(a.checks) == len(body), a.name
        for (label, stated), row in zip(rows, body, strict=True):
            source = re.findall(r"<td[^>]*>([^<]*)</td></tr>$", row)[0]
            yield (a.name, label, stated, source), verdict_of(row)
        for label, value, source, verdict in re.findall(
            rf"^\*\*(.+?) = (.+?)\*\* \((.+?)\): \*\*({VERDICTS})\*\*$", text, flags=re.M
        ):
            check = next(
                c
                for c in a.checks
                if (claim_label(c), value_text(c.claim.value), c.claim.source)
                == (label, value, source)
            )
            yield (a.name, label, stated_text(check), source), Verdict(verdict)
        for d in a.comparisons:
            figure = phrasing.figure_text_stated(d.claim.form, d.claim.figure)
            key = (a.name, compared_label(d), figure, d.claim.source)
            head = (
                f"**{d.claim.quantity.value}, {figure} against {short_title(d.to_title)}** "
                f"({d.claim.source}): "
            )
            (sentence,) = [line for line in text.splitlines() if line.startswith(head)]
            yield key, verdict_of(sentence)
            row = next(
                line
                for line in text.splitlines()
                if line.startswith(
                    f"| {d.claim.quantity.value} against [{short_title(d.to_title)}]"
                )
                and f"| {figure} |" in line
                and line.endswith(f"| {d.claim.source} |")
            )
            yield key, verdict_of(row)


def successors_rows(model: SiteModel, files: dict[str, str]) -> Iterator[tuple[Key, Verdict]]:
    """The successors page: each stated comparison's section, each stated total, each row of a
    table stated row by row."""
    page = model.successors
    assert page is not None
    text = "".join(book(files, pages.SUCCESSORS))
    for s in (*page.against_alexnet, *page.between):
        d = s.comparison
        assert d is not None
        figure = phrasing.figure_text_stated(d.claim.form, d.claim.figure)
        marker = f"[{short_title(s.analysis.spec.title)}, source {d.claim.source}]"
        sections = [
            part
            for part in text.split("\n### ")
            if marker in part and f"Stated: **{figure}**" in part
        ]
        assert sections, marker
        for section in sections:
            found = re.search(rf"precision: \*\*({VERDICTS})\*\*", section)
            assert found is not None
            yield (
                (s.analysis.name, compared_label(d), figure, d.claim.source),
                Verdict(found.group(1)),
            )
    for s in page.totals:
        c = s.check
        assert c is not None
        row = next(
            line
            for line in text.splitlines()
            if line.startswith(f"| [{short_title(s.analysis.spec.title)}](")
            and f"| {stated_text(c)} | {value_text(c.computed)} |" in line
            and f"[{c.claim.source}](" in line
        )
        yield (s.analysis.name, claim_label(c), stated_text(c), c.claim.source), verdict_of(row)
    for table in page.tables:
        for row in table.rows:
            for _, cell in row.cells:
                c = cell.check
                line = next(
                    line
                    for line in text.splitlines()
                    if line.startswith(f"| **{row.name}** |")
                    and f"| {c.claim.quote or value_text(c.claim.value)} | {value_text(c.computed)} |"
                    in line
                )
                key = (table.analysis.name, claim_label(c), stated_text(c), c.claim.source)
                yield key, verdict_of(line)


def flagship_rows(model: SiteModel, files: dict[str, str]) -> Iterator[tuple[Key, Verdict]]:
    """The flagship page: Figure 2's numbers layer by layer, and the input sizes it explains."""
    found = model.flagship
    assert found is not None
    text = files[pages.FLAGSHIP_PAGE]
    for c in found.layer_checks:
        line = next(line for line in text.splitlines() if line.startswith(f"| {c.claim.layer} | "))
        yield ("alexnet-2012", claim_label(c), stated_text(c), c.claim.source), verdict_of(line)
    for c in found.inputs:
        sentence = re.search(rf"So {c.claim.source}'s\n“[^”]*” is \*\*({VERDICTS})\*\*", text)
        assert sentence is not None
        key = ("alexnet-2012", claim_label(c), stated_text(c), c.claim.source)
        yield key, Verdict(sentence.group(1))


def download_rows(model: SiteModel, files: dict[str, str]) -> Iterator[tuple[Key, Verdict]]:
    """Each architecture's JSON download, and the register's CSV and JSON."""
    for a in model.architectures:
        data = json.loads(files[f"architectures/{a.name}/{a.name}.json"])
        for c, row in zip(a.checks, data["audit"], strict=True):
            yield (a.name, claim_label(c), stated_text(c), row["source"]), Verdict(row["verdict"])
        for d, row in zip(a.comparisons, data["compared"], strict=True):
            figure = phrasing.figure_text_stated(d.claim.form, d.claim.figure)
            yield (a.name, compared_label(d), figure, row["source"]), Verdict(row["verdict"])
    rows = list(csv.DictReader(io.StringIO(files[pages.REGISTER_CSV])))
    claims = json.loads(files[pages.REGISTER_JSON])["claims"]
    for row in (*rows, *claims):
        yield (row["network"], row["claim"], row["stated"], row["source"]), Verdict(row["verdict"])


def check_rows(model: SiteModel) -> Iterator[tuple[Key, Verdict]]:
    """``python -m generator check``: one line per claim."""
    result = CliRunner().invoke(main, ["check", "--specs", str(SPECS)])
    assert result.exit_code == 0, result.output
    network = None
    labels = {a.name: {claim_label(c) for c in a.checks} for a in model.architectures}
    for line in result.output.splitlines():
        head = re.match(r"^(\S+): valid;", line)
        if head:
            network = head.group(1)
            continue
        found = re.match(
            rf"^  (?:ok|!!) (.+?): stated (.+?), computed .+? — ({VERDICTS}) \((.+?)\)$", line
        )
        if not found or network is None:
            continue
        about, stated, verdict, source = found.groups()
        if about.startswith("total ") and " against " in about:
            yield (network, about, stated, source), Verdict(verdict)
            continue
        assert about in labels[network], (network, about)
        approximate = next(
            c.claim.approximate
            for a in model.architectures
            if a.name == network
            for c in a.checks
            if claim_label(c) == about and value_text(c.claim.value) == stated
        )
        shown = stated + (" (rounded)" if approximate else "")
        yield (network, about, shown, source), Verdict(verdict)


def claims_rows() -> Iterator[tuple[Key, Verdict]]:
    """``python -m generator claims --json``."""
    result = CliRunner().invoke(main, ["claims", "--json", "--specs", str(SPECS)])
    assert result.exit_code == 0, result.output
    for row in json.loads(result.output)["claims"]:
        yield (row["network"], row["claim"], row["stated"], row["source"]), Verdict(row["verdict"])


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_page_download_and_command_gives_a_claim_the_audits_verdict(
    model: SiteModel, files: dict[str, str]
) -> None:
    expected = audited(model)
    shown: dict[str, list[tuple[Key, Verdict]]] = {
        "audit": list(audit_rows(model, files)),
        "register": list(register_rows(model, files)),
        "architecture pages": list(architecture_rows(model, files)),
        "successors": list(successors_rows(model, files)),
        "flagship": list(flagship_rows(model, files)),
        "downloads": list(download_rows(model, files)),
        "check": list(check_rows(model)),
        "claims": list(claims_rows()),
    }
    for where, found in shown.items():
        wrong = [
            (key, verdict, expected.get(key))
            for key, verdict in found
            if expected.get(key) is not verdict
        ]
        assert wrong == [], where
    # The audit, the register, the downloads and the commands list every claim.
    for where in ("audit", "register", "architecture pages", "downloads", "check", "claims"):
        assert {key for key, _ in shown[where]} == set(expected), where


def test_the_register_counts_every_claim(model: SiteModel, files: dict[str, str]) -> None:
    """Every stated number and comparison once, each verdict counted, in the register's page,
    its first sentence and ``claims``."""
    register = model.register
    assert register.total == len(audited(model)) == sum(count for _, count in register.tally)
    assert [verdict for verdict, _ in register.tally] == list(Verdict)
    counts = dict(register.tally)
    text = files[f"{pages.REGISTER}.md"]
    assert (
        f"Of {register.total} stated numbers and comparisons, {counts[Verdict.MATCHES]} match "
        f"the computed value, {counts[Verdict.ROUNDS_TO]} round to it, "
        f"{counts[Verdict.EXPLAINED]} are explained and {counts[Verdict.UNEXPLAINED]} are "
        "unexplained." in text
    )
    assert "[CSV](claims.csv) · [JSON](claims.json)" in text
    result = CliRunner().invoke(main, ["claims", "--specs", str(SPECS)])
    assert result.output.splitlines()[0] == phrasing.tally_sentence(register.tally, register.total)
    assert pages.nav_rank(pages.REGISTER_PAGE)[0] == pages.nav_rank(pages.AUDIT_PAGE)[0] + 1


def test_the_register_says_where_each_claim_stands(files: dict[str, str]) -> None:
    """The section, table or figure a spec records, and a repository's file at its revision."""
    claims = {
        (row["network"], row["claim"], row["source"]): row
        for row in json.loads(files[pages.REGISTER_JSON])["claims"]
    }
    row = claims[("googlenet", "inception_4a.1x1…inception_4a.output macs", "paper")]
    assert (row["place"], row["quote"], row["verdict"]) == ("Table 1", "73M", "unexplained")
    assert claims[("resnet-34", "total macs against vgg-19", "paper")]["place"] == "§3.3"
    deploy = claims[("bvlc-alexnet", "input shape", "caffe-deploy")]["place"]
    assert deploy == "BVLC/caffe models/bvlc_alexnet/deploy.prototxt @ 9b89154"


def explain_args(analysis: Analysis, check: Check) -> list[str]:
    """``explain``'s arguments for a stated number, as a reader would type it."""
    claim = check.claim
    value = claim.value
    number = "x".join(str(v) for v in value) if isinstance(value, list) else str(value)
    args = [number, "--arch", analysis.name, "--quantity", claim.quantity.value, "--json"]
    args += ["--source", claim.source, "--specs", str(SPECS)]
    if claim.layer is not None:
        args += ["--layer", claim.layer]
    if claim.first is not None:
        args += ["--first", claim.first]
    if claim.rounded_to is not None:
        args += ["--rounded-to", str(claim.rounded_to)]
    return args


def explained(args: list[str]) -> dict[str, object]:
    result = CliRunner().invoke(main, ["explain", *args])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


@pytest.mark.parametrize(
    ("args", "verdict"),
    [
        # The two: check said "matches" and "explained" where explain found nothing.
        (["138M", "--arch", "vgg-16", "--quantity", "params"], Verdict.ROUNDS_TO),
        (["138000000", "--arch", "vgg-16", "--quantity", "params"], Verdict.ROUNDS_TO),
        (["15.3B", "--arch", "vgg-16", "--quantity", "macs"], Verdict.UNEXPLAINED),
        # A part by its name, a row of Table 1.
        (
            ["159K", "--arch", "googlenet", "--layer", "inception_3a", "--quantity", "params"],
            Verdict.UNEXPLAINED,
        ),
        # "1000K" read to the thousand, as its column: not a match.
        (
            ["1000K", "--arch", "googlenet", "--layer", "loss3.classifier", "--quantity", "params"],
            Verdict.UNEXPLAINED,
        ),
        (["3x227x227", "--arch", "alexnet-2012", "--layer", "input"], Verdict.EXPLAINED),
        (["1.5B", "--arch", "googlenet", "--quantity", "macs"], Verdict.EXPLAINED),
    ],
)
def test_explain_gives_the_audits_verdict(args: list[str], verdict: Verdict) -> None:
    data = explained([*args, "--json", "--specs", str(SPECS)])
    assert data["verdict"] == verdict.value


def test_a_counters_own_figure_is_explained_by_its_rules(model: SiteModel) -> None:
    """ptflops' README gives ResNet-18 1.83 GMACs with its pytorch backend: the site's count,
    1,814,073,344, rounds to 1.81; ptflops' rules give 1,825,314,768, which rounds to 1.83. The
    same figure from a source that names no counter stays unexplained."""
    resnet = model.architecture("resnet-18")
    assert resnet is not None
    (check,) = [
        c
        for c in resnet.checks
        if c.claim.source == "ptflops-readme" and c.claim.value == 1_830_000_000
    ]
    assert check.verdict is Verdict.EXPLAINED
    assert check.best is not None and check.best.value == 1_825_314_768
    assert phrasing.explanation(check.best) == (
        "Counted as ptflops pytorch backend counts (the counter the source's figures come from, "
        "whose rules the counting conventions give), the network has 1,825,314,768 "
        "multiply-accumulates, which rounds half up to 1,830,000,000."
    )
    unnamed = audit.check(resnet.analysis, check.claim.model_copy(update={"counter": None}))
    assert unnamed.verdict is Verdict.UNEXPLAINED


def test_a_figure_no_source_states_is_read_alone() -> None:
    """290,400 is conv1's computed count: it matches, on its own product."""
    data = explained(["290400", "--arch", "alexnet-2012", "--layer", "conv1", "--json"])
    assert (data["verdict"], data["stated_by"]) == ("matches", [])


@pytest.mark.slow
def test_explain_reproduces_the_audit_for_every_stated_number(
    model: SiteModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each call reads the same unchanged folder: read once, it takes a fifth of the time.
    folder = cli._compared(model.architectures[0].analysis, SPECS / "alexnet-2012.yml")
    monkeypatch.setattr(cli, "_compared", lambda analysis, path: folder)
    wrong = []
    for a in model.architectures:
        for c in a.checks:
            data = explained(explain_args(a.analysis, c))
            if data["verdict"] != c.verdict.value:
                wrong.append((a.name, claim_label(c), data["verdict"], c.verdict.value))
    assert wrong == []


@pytest.mark.slow
def test_the_built_sites_downloads_give_the_audits_verdicts(
    model: SiteModel, built_site: Path
) -> None:
    """The files the built site serves: the register's CSV and JSON, each network's JSON."""
    files = {
        str(path.relative_to(built_site)): path.read_text(encoding="utf-8")
        for path in built_site.rglob("*")
        if path.suffix in (".json", ".csv") and path.is_file()
    }
    expected = audited(model)
    wrong = [
        (key, verdict)
        for key, verdict in download_rows(model, files)
        if expected.get(key) is not verdict
    ]
    assert wrong == []


def test_a_page_is_rebuilt_when_a_number_its_audit_is_held_to_changes(model: SiteModel) -> None:
    """VGG-16's 15.3 billion is unexplained because of VGG-19's 19.6 in the same parenthesis of
    the ResNet paper: the build cache keys VGG-16's page by VGG-19's spec, and by every spec that
    cites the ResNet paper."""
    from generator.edges import plugin

    vgg16 = model.architecture("vgg-16")
    assert vgg16 is not None
    assert {"vgg-19", "resnet-18", "resnet-34"} <= set(plugin.reads(vgg16, model))
