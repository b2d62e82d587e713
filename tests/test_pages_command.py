"""``python -m generator pages OUT_DIR``: the generated site as plain files, which a plain MkDocs
(without the ``architectures`` plugin) builds with ``--strict``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.edges import plugin
from tests.helpers import SHIPPED, build, copy_project, run_cli

SIDEBAR = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', re.S)
LINK = re.compile(
    r'class="md-nav__link[^"]*"[^>]*href="([^"]*)"|href="([^"]*)"[^>]*class="md-nav__link'
)


def sidebar_links(page: Path) -> list[str]:
    """The addresses the primary sidebar of a built page links to, in order."""
    found = SIDEBAR.search(page.read_text("utf-8"))
    assert found, page
    return [a or b for a, b in LINK.findall(found.group(0))]


@pytest.mark.slow
def test_a_plain_mkdocs_builds_the_written_pages(tmp_path: Path, built_site: Path) -> None:
    out = tmp_path / "pages"
    result = run_cli("pages", str(out))
    assert result.returncode == 0, result.stderr
    config = (out / "mkdocs.yml").read_text("utf-8")
    assert not re.search(r"^\s*- architectures\s*$", config, re.M)
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
    # The same sidebar as the plugin's site: the written mkdocs.yml carries the plugin's nav.
    for page in ("index.html", "architectures/index.html", "audit/index.html"):
        assert sidebar_links(site / page) == sidebar_links(built_site / page), page


def test_past_the_limit_the_plain_sidebar_keeps_the_architectures_index_only(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    (docs / "architectures" / "net-0").mkdir(parents=True)
    (docs / "architectures" / "net-0" / "figure.json").write_text("{}")
    (docs / "audit").mkdir()
    for path in [
        "index.md",
        "contributing.md",
        "architectures/index.md",
        "audit/index.md",
        "audit/part-2.md",
    ]:
        (docs / path).write_text("# page\n")
    # The section's children count its index page, as the plugin's on_nav counts them.
    for count in range(plugin.NAV_LIMIT):
        (docs / "architectures" / f"net-{count}.md").write_text("# net\n")

    assert plugin.plain_nav(docs, {}) == (
        [
            "index.md",
            {"Architectures": ["architectures/index.md"]},
            {"Audit": ["audit/index.md"]},
            "contributing.md",
        ],
        ["/architectures/*.md", "/audit/*.md"],
    )
    (docs / "architectures" / "net-0.md").unlink()
    listed = plugin.plain_nav(docs, {})[0][1]
    assert isinstance(listed, dict)
    assert len(listed["Architectures"]) == plugin.NAV_LIMIT
    # In the site's order (family by family), not by file name: the index, then net-9 first.
    order = {"net-9": 0, "net-1": 1}
    listed = plugin.plain_nav(docs, order)[0][1]
    assert isinstance(listed, dict)
    assert listed["Architectures"][:4] == [
        "architectures/index.md",
        "architectures/net-9.md",
        "architectures/net-1.md",
        "architectures/net-10.md",
    ]


def test_a_bad_spec_is_reported_and_nothing_built(tmp_path: Path) -> None:
    project = tmp_path / "project"
    specs = project / "docs" / "architectures"
    specs.mkdir(parents=True)
    (specs / "broken.yml").write_text("title: [\n", "utf-8")
    (project / "mkdocs.yml").write_text("theme:\n  name: material\nplugins:\n  - architectures\n")
    result = run_cli("pages", str(tmp_path / "out"), "--project", str(project))
    assert result.returncode == 1
    assert "broken.yml" in result.stderr


@pytest.mark.slow
def test_a_second_run_removes_the_pages_of_a_spec_removed_since(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "pages"
    plugin.write_pages(project, out)
    assert (out / "docs" / "architectures" / "zfnet.md").is_file()
    (project / "docs" / "architectures" / "zfnet.yml").unlink()
    plugin.write_pages(project, out)
    assert not (out / "docs" / "architectures" / "zfnet.md").exists()
    assert not (out / "docs" / "architectures" / "zfnet").exists()
    assert (out / "docs" / "architectures" / "alexnet-2012.md").is_file()


def test_a_folder_with_files_of_its_own_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "pages"
    (out / "docs" / "architectures").mkdir(parents=True)
    stale = out / "docs" / "architectures" / "stale-spec.md"
    stale.write_text("# stale\n", "utf-8")
    result = run_cli("pages", str(out))
    assert result.returncode != 0
    assert "neither empty nor written by `python -m generator pages`" in result.stderr
    assert "docs/architectures/stale-spec.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in out.rglob("*")) == ["architectures", "docs", "stale-spec.md"]


@pytest.mark.slow
def test_a_file_added_into_a_generated_folder_is_refused_too(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "pages"
    plugin.write_pages(project, out)
    (out / "docs" / "architectures" / "stale-spec.md").write_text("# stale\n", "utf-8")
    with pytest.raises(ValueError, match=r"stale-spec\.md"):
        plugin.write_pages(project, out)
