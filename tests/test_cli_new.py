"""``python -m generator new``: a contributor's first command, and the page that explains the rest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.analysis.model import build_site_model
from generator.render import contributing
from generator.spec import schema
from generator.spec.models import SPEC_NAME
from tests.helpers import (
    ROOT,
    build,
    copy_project,
    fill_in,
    problems,
    run_cli,
    spec_text,
    write_spec,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's specs, schema and MkDocs configuration, as a contributor has them."""
    return copy_project(tmp_path / "project", with_schema=True)


def test_check_names_each_placeholder_of_the_scaffold_then_passes(project: Path) -> None:
    """The scaffold is valid but unfinished: ``check`` (and the build) name every field still
    to fill in, and pass once they are."""
    result = run_cli("new", "my-net", cwd=project)
    assert result.returncode == 0, result.stderr
    path = project / "docs" / "architectures" / "my-net.yml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == schema.EDITOR_LINE
    checked = run_cli("check", str(path), cwd=project)
    assert checked.returncode == 1
    for field in ("title", "summary", "sources.paper.citation", "sources.paper.url"):
        assert f"field {field!r}: still holds the scaffold's" in checked.stderr, field
    assert "Traceback" not in checked.stderr
    checked = run_cli("check", str(fill_in(path)), cwd=project)
    assert checked.returncode == 0, checked.stderr
    assert "my-net: valid" in checked.stdout


def test_it_says_what_to_do_next(project: Path) -> None:
    result = run_cli("new", "my-net", cwd=project)
    path = Path("docs") / "architectures" / "my-net.yml"
    assert f"Wrote {path}" in result.stdout
    assert f"python -m generator check {path}" in result.stdout
    assert "mkdocs serve" in result.stdout
    assert "/architectures/my-net/" in result.stdout


@pytest.mark.slow
def test_a_variant_extends_its_parent_and_passes_check(project: Path) -> None:
    result = run_cli("new", "my-variant", "--from", "bvlc-alexnet", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "a variant of bvlc-alexnet" in result.stdout
    path = project / "docs" / "architectures" / "my-variant.yml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == schema.EDITOR_LINE
    assert "\nextends: bvlc-alexnet\n" in text
    assert "#   conv1, relu1, norm1, pool1," in text  # the parent's layers, to edit by name
    checked = run_cli("check", str(fill_in(path)), cwd=project)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.slow
def test_the_variants_commented_changes_are_valid(project: Path) -> None:
    """Uncommenting the examples of remove, change and insert gives a spec that still loads."""
    run_cli("new", "my-variant", "--from", "bvlc-alexnet", cwd=project)
    path = project / "docs" / "architectures" / "my-variant.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("# remove:")
    path.write_text(text[:start] + re.sub(r"^# ", "", text[start:], flags=re.M), encoding="utf-8")
    checked = run_cli("check", str(fill_in(path)), cwd=project)
    assert checked.returncode == 0, checked.stderr


def test_it_never_overwrites_a_spec(project: Path) -> None:
    path = project / "docs" / "architectures" / "zfnet.yml"
    before = path.read_text(encoding="utf-8")
    result = run_cli("new", "zfnet", cwd=project)
    assert result.returncode != 0
    assert "zfnet.yml already exists" in result.stderr
    assert path.read_text(encoding="utf-8") == before


def refused(name: str) -> str:
    """What the command says of a name that breaks the spec-name rule: the rule's own words."""
    return (
        f"{name!r} cannot name a spec (the name of its file and of its page /architectures/NAME/): "
        + SPEC_NAME.message(name)
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("My-Net", refused("My-Net")),
        ("my net", refused("my net")),
        ("_net", refused("_net")),
        ("../net", refused("../net")),
        ("", refused("")),
        ("my-net\n", refused("my-net\n")),
        ("a" * 65, refused("a" * 65)),
        ("my-net.yml", "give the name without .yml: python -m generator new my-net"),
        ("index", "is taken by the list of architectures"),
    ],
)
def test_it_refuses_a_bad_name(project: Path, name: str, message: str) -> None:
    before = sorted((project / "docs" / "architectures").iterdir())
    result = run_cli("new", name, cwd=project)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted((project / "docs" / "architectures").iterdir()) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        ("new", "{name}"),
        (
            "import",
            str(ROOT / "tests/fixtures/bvlc_reference_caffenet_deploy.prototxt"),
            "--name",
            "{name}",
        ),
        ("show", "{name}"),
        ("explain", "253440", "--arch", "{name}"),
    ],
    ids=["new", "import --name", "show", "explain --arch"],
)
def test_commands_word_the_spec_name_rule_as_the_spec_does(
    project: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """A name given to a command and a name written in a spec are told one rule, in one wording."""
    name = "Alex Net"
    compared = f"compared:\n  - {{quantity: params, to: {name}, percent: 5, source: src}}\n"
    layers = "- {name: fc, kind: fc, out_features: 10}\n"
    path = write_spec(tmp_path, text=compared + spec_text(layers))
    (problem,) = problems(path)
    in_the_spec = problem.removeprefix(f"{path}:2: field 'compared[1].to': ")
    assert in_the_spec == SPEC_NAME.message(name)
    before = sorted((project / "docs" / "architectures").iterdir())
    result = run_cli(*(arg.format(name=name) for arg in command), cwd=project)
    assert result.returncode != 0
    assert f"Error: {refused(name)}\n" in result.stderr
    assert in_the_spec in result.stderr
    assert sorted((project / "docs" / "architectures").iterdir()) == before


def test_it_refuses_an_unknown_parent(project: Path) -> None:
    result = run_cli("new", "my-variant", "--from", "alexnet", cwd=project)
    assert result.returncode != 0
    assert "no spec named 'alexnet'" in result.stderr
    assert "alexnet-2012" in result.stderr  # the names it could have meant
    assert not (project / "docs" / "architectures" / "my-variant.yml").exists()


def test_it_refuses_a_missing_specs_folder(tmp_path: Path) -> None:
    result = run_cli("new", "my-net", cwd=tmp_path)
    assert result.returncode != 0
    assert "there is no folder docs/architectures" in result.stderr


def test_the_schema_line_follows_the_specs_folder(project: Path) -> None:
    specs = project / "specs" / "more"
    specs.mkdir(parents=True)
    result = run_cli("new", "my-net", "--specs", str(specs), cwd=project)
    assert result.returncode == 0, result.stderr
    first = (specs / "my-net.yml").read_text(encoding="utf-8").splitlines()[0]
    assert first == schema.editor_line("../../schema/spec.schema.json")
    other = project / "elsewhere"
    other.mkdir()
    run_cli("new", "my-net", "--specs", str(other), cwd=project)
    first = (other / "my-net.yml").read_text(encoding="utf-8").splitlines()[0]
    assert first == schema.editor_line("../schema/spec.schema.json")


def yaml_block(page: str, heading: str) -> str:
    """The first YAML code block after a heading of the contributing page."""
    after = page[page.index(heading) :]
    match = re.search(r"^```yaml\n(.*?)^```$", after, flags=re.S | re.M)
    assert match, f"no YAML block after {heading!r}"
    return match.group(1)


def test_the_page_shows_what_the_command_writes(project: Path) -> None:
    run_cli("new", "my-net", cwd=project)
    written = (project / "docs" / "architectures" / "my-net.yml").read_text(encoding="utf-8")
    page = contributing.contributing_page(build_site_model([]).examples)
    assert yaml_block(page, "### 1. Start from a scaffold") == written


@pytest.mark.slow
def test_a_spec_written_by_following_the_page_builds(project: Path, tmp_path: Path) -> None:
    page = contributing.contributing_page(build_site_model([]).examples)
    example = yaml_block(page, "### A worked example")
    name = contributing.EXAMPLE_NAME
    assert f"`docs/architectures/{name}.yml`" in page  # where the page says to save it
    (project / "docs" / "architectures" / f"{name}.yml").write_text(example, encoding="utf-8")
    site = tmp_path / "site"
    result = build(project, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    html = (site / "architectures" / name / "index.html").read_text(encoding="utf-8")
    assert "AlexNet&rsquo;s first layer, as CS231n works it out" in html or (
        "AlexNet's first layer, as CS231n works it out" in html
    )
