"""``python -m generator pages OUT_DIR``: the generated site as plain files, which a plain MkDocs
(without the ``architectures`` plugin) builds with ``--strict``."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import SHIPPED, build, run_cli


def test_a_plain_mkdocs_builds_the_written_pages(tmp_path: Path) -> None:
    out = tmp_path / "pages"
    result = run_cli("pages", str(out))
    assert result.returncode == 0, result.stderr
    config = (out / "mkdocs.yml").read_text("utf-8")
    assert "- architectures" not in config
    assert "custom_dir: overrides" in config
    docs = out / "docs"
    for name in SHIPPED:
        assert (docs / "architectures" / f"{name}.md").is_file()
        assert (docs / "architectures" / name / "figure.json").is_file()
        assert (docs / "architectures" / f"{name}.yml").is_file()
    assert (docs / "assets" / "javascripts" / "plotly.min.js").is_file()

    site = tmp_path / "site"
    built = build(out, site)
    assert built.returncode == 0, built.stderr
    for name in SHIPPED:
        assert "Layer by layer" in (site / "architectures" / name / "index.html").read_text("utf-8")
    assert (site / "architectures" / "alexnet-2012" / "figure.json").is_file()


def test_a_bad_spec_is_reported_and_nothing_built(tmp_path: Path) -> None:
    project = tmp_path / "project"
    specs = project / "docs" / "architectures"
    specs.mkdir(parents=True)
    (specs / "broken.yml").write_text("title: [\n", "utf-8")
    (project / "mkdocs.yml").write_text("theme:\n  name: material\nplugins:\n  - architectures\n")
    result = run_cli("pages", str(tmp_path / "out"), "--project", str(project))
    assert result.returncode == 1
    assert "broken.yml" in result.stderr
