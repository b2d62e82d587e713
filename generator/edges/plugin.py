"""The MkDocs edge: load the specs, build the site model once, add the generated pages.

Nothing is written into ``docs/``: every generated page and data file is a
``File.generated(config, path, content=...)``, so ``mkdocs serve`` (which watches ``docs/``, spec
files included) rebuilds when a spec changes without looping. What one architecture alone
produces may be kept between builds in ``.cache/architectures/`` (:mod:`generator.edges.cache`;
the plugin option ``cache: false`` turns that off).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import dirname_to_title, get_relative_url

from generator.analysis.model import Architecture, SiteModel, build_site_model
from generator.core.results import Analysis
from generator.edges import cache
from generator.load import loader
from generator.render import concepts, markup, pages, problems, site, templating
from generator.spec.errors import Problem, SpecError

log = logging.getLogger("mkdocs.plugins.architectures")
PLOTLY = "assets/javascripts/plotly.min.js"
#: Past this many architectures the sidebar lists only their index page.
NAV_LIMIT = 50

ASSETS = resources.files("generator.render") / "assets"
#: Template overrides of the Material theme (an escaped page title).
THEME = resources.files("generator.render") / "theme"


def site_assets() -> dict[str, str]:
    """The package's scripts and stylesheets, by their path in the site (sorted: stable order)."""
    found: dict[str, str] = {}
    every = list(ASSETS.iterdir())
    for asset in sorted(every, key=lambda a: a.name):
        if asset.name.endswith(".js"):
            found[f"assets/javascripts/{asset.name}"] = asset.read_text("utf-8")
        elif asset.name.endswith(".css"):
            found[f"assets/stylesheets/{asset.name}"] = asset.read_text("utf-8")
    return found


def plotly_source() -> Path:
    """plotly.min.js as the installed plotly package ships it, found without importing plotly."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise PluginError("the plotly package is not installed: pip install plotly")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


Hook = TypeVar("Hook", bound=Callable[..., Any])


def timed(hook: Hook) -> Hook:
    """``hook`` with its time added to the plugin's part of the build (reported at its end)."""

    @wraps(hook)
    def run(plugin: ArchitecturesPlugin, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return hook(plugin, *args, **kwargs)
        finally:
            plugin.seconds += time.perf_counter() - start

    return run  # type: ignore[return-value]


class ArchitecturesConfig(Config):  # type: ignore[no-untyped-call]
    specs = config_options.Type(str, default="architectures")
    """The folder of spec files, relative to ``docs_dir``."""
    cache = config_options.Type(bool, default=True)
    """Keep each architecture's generated files in ``.cache/architectures/`` between builds."""


class ArchitecturesPlugin(BasePlugin[ArchitecturesConfig]):  # type: ignore[no-untyped-call]
    """Generates the architecture pages from the spec files at every build."""

    def __init__(self) -> None:
        self.analyses: list[Analysis] = []
        self.parents: dict[str, tuple[Path, ...]] = {}
        """Each loaded spec's name, with the files it extends (nearest first)."""
        self.problems: list[Problem] = []
        self.serving = False
        self.seconds = 0.0
        """The time this build spent in the plugin's hooks."""
        self.cache: cache.BuildCache | None = None
        self.order: dict[str, int] = {}
        """Each architecture's place in the site's order: family by family, each root first."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    @timed
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.seconds = 0.0
        # MkDocs dates the sitemap with the build day; the last commit's time makes two builds
        # of the same commit byte-identical on any day (an explicit SOURCE_DATE_EPOCH wins).
        if "SOURCE_DATE_EPOCH" not in os.environ:
            epoch = last_commit_time(Path(config.config_file_path or ".").parent)
            if epoch is not None:
                os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        project = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.cache = cache.BuildCache(project / cache.FOLDER) if self.config.cache else None
        if self.cache is not None:
            self.cache.start()
        # After a user's custom_dir, before Material's own templates.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        for path in site_assets():
            (config.extra_javascript if path.endswith(".js") else config.extra_css).append(path)
        return config

    @timed
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Before MkDocs cleans the site folder: a bad spec stops the build and leaves no half site.
        self.parents = {}

        def load(path: Path, texts: loader.Texts) -> loader.Analysed:
            analysed = loader.load_analysed(path, texts)
            self.parents[analysed.analysis.name] = analysed.parents
            return analysed

        found = loader.load_folder_partially(self._folder(config), load)
        self.analyses, self.problems = found.analyses, found.problems
        if self.problems:
            self._report_problems()
        for warning in found.warnings:
            # A warning, which `mkdocs build --strict` turns into a failed build.
            log.warning(str(warning))

    def _folder(self, config: MkDocsConfig) -> Path:
        return Path(config.docs_dir) / self.config.specs

    def _report_problems(self) -> None:
        count = len(self.problems)
        message = f"{count} problem{'s' if count > 1 else ''} in the architecture specs:\n"
        message += SpecError(self.problems).report()
        if not self.serving:
            raise PluginError(message)
        # While serving, keep the server and the good pages; every page shows the problems.
        log.error(message)

    @timed
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        # Everything the pages show, computed once for this build (each spec audited once).
        model = build_site_model(self.analyses)
        self.order = pages.site_order(model)
        made = dict(site.shared_files(model))
        for arch in model.architectures:
            made.update(self._architecture_files(arch, model, config))
        if self.serving:
            made.update(self._failed_pages(config))
        made.update(site_assets())
        for path, content in made.items():
            files.append(File.generated(config, path, content=content))
        # Copied, not read: one 4.8 MB file, loaded by the site script only where a figure is drawn.
        files.append(File.generated(config, PLOTLY, abs_src_path=str(plotly_source())))
        self.analyses = []
        return files

    def _failed_pages(self, config: MkDocsConfig) -> dict[str, str]:
        """Under `mkdocs serve`, a page for each spec that does not load, showing why: a browser
        on that page reloads onto the problems, not onto a 404."""
        folder = self._folder(config)
        failed = {}
        for path in loader.spec_paths(folder) if folder.is_dir() else ():
            name = path.name.removesuffix(loader.SUFFIX)
            if name in self.parents:
                continue
            own = [p for p in self.problems if Path(p.location.path) == path]
            failed[templating.page_path(name)] = problems.failed_page(name, own or self.problems)
        return failed

    def _architecture_files(
        self, arch: Architecture, model: SiteModel, config: MkDocsConfig
    ) -> dict[str, str]:
        if self.cache is None:
            return dict(site.architecture_files(arch))
        folder = self._folder(config)
        texts = [
            (name, path.read_text("utf-8"))
            for name in reads(arch, model)
            for path in (folder / f"{name}{loader.SUFFIX}", *self.parents.get(name, ()))
        ]
        entry = cache.key(arch.name, texts)
        return self.cache.files(entry, lambda: dict(site.architecture_files(arch)))

    @timed
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Put the generated pages in reading order: the question first, reference pages after."""
        nav.items.sort(key=lambda item: pages.nav_rank(_src_uri(item)))
        for item in nav.items:
            if isinstance(item, Section) and _src_uri(item).startswith(
                f"{templating.ARCHITECTURES}/"
            ):
                # Family by family, as the architectures page lists them, not by file name.
                item.children.sort(key=self._architecture_rank)
            if isinstance(item, Section) and only_index(_src_uri(item), len(item.children)):
                source = _src_uri(item)
                item.children = [
                    child
                    for child in item.children
                    if isinstance(child, Page) and child.file.src_uri == source
                ]
        return nav

    def _architecture_rank(self, item: StructureItem) -> tuple[int, int, str]:
        if not isinstance(item, Page):
            return 2, 0, ""
        return pages.architecture_rank(item.file.src_uri, self.order)

    @timed
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        if not self.problems:
            return markdown
        return problems.banner(self.problems) + markdown

    @timed
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Each term the concepts page explains, linked where a page first uses it.
        target = files.get_file_from_path(concepts.PAGE)
        if target is None or page.file.src_uri == concepts.PAGE:
            return html
        return concepts.link_terms(html, get_relative_url(target.url, page.url))

    @timed
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # Material's templates indent every line: a tenth of an architecture page's bytes.
        return markup.collapse_indentation(output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # A spec that failed to load keeps its entries for when it is mended.
        if self.cache is not None and not self.problems:
            self.cache.prune()
        log.info(self.report())

    def report(self) -> str:
        """What the generator did in this build, and in how long (a line for the build's log)."""
        line = f"Architectures: {len(self.parents)} specs, {self.seconds:.2f} s in the generator"
        if self.cache is None:
            return line
        return f"{line}; {self.cache.hits} kept from the cache, {self.cache.misses} made"


def reads(arch: Architecture, model: SiteModel) -> tuple[str, ...]:
    """The specs whose texts an architecture's files are made from: its own; where its sources
    state differences against other networks, those networks' and every member of the two
    families (a comparison may be read against any of them); and every spec that records a
    number of a source its numbers come from (the audit holds a reading to what the same source
    states elsewhere: :mod:`generator.analysis.plausibility`)."""
    names = [arch.name]
    for comparison in arch.comparisons:
        names.append(comparison.claim.to)
        for lineage in model.families:
            if {arch.name, comparison.claim.to} & set(lineage.family.names):
                names.extend(lineage.family.names)
    cited = _cited(arch)
    names.extend(other.name for other in model.architectures if cited & _cited(other))
    return tuple(dict.fromkeys(names))


def _cited(arch: Architecture) -> set[str]:
    """The addresses of the sources an architecture's stated numbers and comparisons cite."""
    spec = arch.analysis.spec
    keys = {c.source for c in spec.stated} | {c.source for c in spec.compared}
    return {spec.sources[key].url for key in keys if key in spec.sources}


def only_index(index: str, children: int) -> bool:
    """Whether the sidebar shows a section by its index page alone.

    Material writes the whole sidebar into every page: past :data:`NAV_LIMIT` architectures
    that would make every page (and the build) grow with the site, so the sidebar keeps only
    the Architectures index, which lists them all. A book split into parts (which come only
    with a large site) keeps only its overview, which lists its parts.
    """
    if index == f"{templating.ARCHITECTURES}/index.md":
        return children > NAV_LIMIT
    return index in {f"{stem}/index.md" for stem in pages.BOOKS}


def plain_nav(docs: Path, order: Mapping[str, int]) -> tuple[list[object], list[str]]:
    """The plugin's sidebar as a ``nav:`` for mkdocs.yml, from the pages of a docs folder (the
    architectures in the site's ``order``, :func:`pages.site_order`), and the ``not_in_nav``
    patterns of the pages it leaves out on purpose.

    MkDocs would otherwise list every page: at 1,000 architectures, each page of the plain
    site would carry a thousand-entry sidebar the plugin's site does not have.
    """
    omitted: list[str] = []

    def entries(folder: Path) -> list[object]:
        found: list[object] = []
        # MkDocs' own order within a folder: the index page first, then by name.
        for path in sorted(folder.iterdir(), key=lambda p: (p.name != "index.md", p.name)):
            source = path.relative_to(docs).as_posix()
            if path.is_dir():
                children = entries(path)
                if not children:
                    continue
                index = f"{source}/index.md"
                if index in children and only_index(index, len(children)):
                    children = [index]
                    omitted.append(f"/{source}/*.md")
                if source == templating.ARCHITECTURES:
                    children.sort(key=lambda c: pages.architecture_rank(_nav_source(c), order))
                found.append({dirname_to_title(path.name): children})
            elif path.suffix == ".md":
                found.append(source)
        return found

    nav = sorted(entries(docs), key=lambda item: pages.nav_rank(_nav_source(item)))
    return nav, omitted


def _nav_source(item: object) -> str:
    """The source path of a ``nav:`` entry (a section's first page)."""
    while isinstance(item, dict):
        item = next(iter(item.values()))[0]
    return str(item)


def _src_uri(item: object) -> str:
    """The source path of a nav item (a section is known by its index page or first child)."""
    if isinstance(item, Page):
        return item.file.src_uri
    if isinstance(item, Section):
        for child in item.children:
            found = _src_uri(child)
            if found:
                return found
    return ""


def last_commit_time(folder: Path) -> int | None:
    """The time of the last commit in ``folder`` (seconds since 1970), or None without git."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = result.stdout.strip()
    return int(text) if result.returncode == 0 and text.isdigit() else None


#: Where :func:`write_pages` puts the theme overrides, next to the plain project's mkdocs.yml.
OVERRIDES = "overrides"


def without_plugin(
    config_text: str, custom_dir: str, nav: tuple[list[object], list[str]] | None = None
) -> str:
    """mkdocs.yml with the ``architectures`` plugin removed and what it adds written in instead:
    its template overrides as the theme's ``custom_dir``, its scripts and stylesheets as
    ``extra_javascript``/``extra_css``, and its sidebar as ``nav`` and ``not_in_nav``
    (:func:`plain_nav`), unless the project lays out its own."""
    lines = _without_block(config_text.splitlines(), ("- architectures", "- architectures:"))
    if any(line.strip().startswith("custom_dir:") for line in lines):
        raise ValueError("mkdocs.yml has a custom_dir: merge the plugin's overrides by hand")
    lines.insert(lines.index("theme:") + 1, f"  custom_dir: {custom_dir}")
    assets = site_assets()
    extra = ["", "extra_javascript:", *[f"  - {p}" for p in assets if p.endswith(".js")]]
    extra += ["extra_css:", *[f"  - {p}" for p in assets if p.endswith(".css")]]
    text = "\n".join(lines + extra) + "\n"
    if nav is not None and not any(line.startswith("nav:") for line in lines):
        entries, omitted = nav
        layout: dict[str, object] = {"nav": entries}
        if omitted:
            layout["not_in_nav"] = "\n".join(omitted) + "\n"
        text += yaml.safe_dump(layout, allow_unicode=True, sort_keys=False)
    return text


def _without_block(lines: list[str], starts: tuple[str, ...]) -> list[str]:
    """``lines`` without the plugin's list item: its line, and the lines indented under it (its
    options and their comments)."""
    found = next((i for i, line in enumerate(lines) if line.strip() in starts), None)
    if found is None:
        raise ValueError("mkdocs.yml has no '- architectures' plugin entry to remove")
    indent = len(lines[found]) - len(lines[found].lstrip())
    end = found + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
    ):
        end += 1
    while not lines[end - 1].strip():
        end -= 1
    return lines[:found] + lines[end:]


#: The list of files :func:`write_pages` wrote, kept in its output folder: the next run removes
#: them first, so that a spec removed since leaves no page behind.
MANIFEST = ".generated-files"


def write_pages(project: Path, out: Path, specs: str = "architectures") -> int:
    """Write the site of ``project`` (its mkdocs.yml and ``docs/``) into ``out`` as plain files.

    ``out/docs`` holds the project's own docs plus every page and data file the plugin generates,
    its scripts, stylesheets and plotly.min.js; ``out/overrides`` the theme overrides;
    ``out/mkdocs.yml`` the project's configuration without the plugin. A plain ``mkdocs build``
    in ``out`` (or another engine reading Markdown) builds the same site. ``out`` must be empty
    or written by an earlier run, whose files are removed first. Returns the number of files
    written. Raises :class:`SpecError` when a spec does not load, :class:`ValueError` when
    ``out`` holds files of its own.
    """
    model = build_site_model(loader.load_folder(project / "docs" / specs))
    _clear_earlier_run(out)
    docs = out / "docs"
    shutil.copytree(project / "docs", docs, dirs_exist_ok=True)
    files = {**site.site_files(model), **site_assets()}
    for path, content in files.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, "utf-8")
    plotly = docs / PLOTLY
    plotly.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(plotly_source(), plotly)
    shutil.copytree(str(THEME), out / OVERRIDES, dirs_exist_ok=True)
    config = (project / "mkdocs.yml").read_text("utf-8")
    (out / "mkdocs.yml").write_text(
        without_plugin(config, OVERRIDES, plain_nav(docs, pages.site_order(model))), "utf-8"
    )
    written = sorted(_files_under(out) - {MANIFEST})
    (out / MANIFEST).write_text("".join(f"{path}\n" for path in written), "utf-8")
    return len(files) + 2


def _files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()}


def _clear_earlier_run(out: Path) -> None:
    """Remove what an earlier :func:`write_pages` wrote into ``out``; refuse a folder holding
    anything else (a plain build of it would publish those files too)."""
    if not out.exists():
        return
    manifest = out / MANIFEST
    ours = set(manifest.read_text("utf-8").splitlines()) if manifest.is_file() else set()
    foreign = sorted(_files_under(out) - ours - {MANIFEST})
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise ValueError(
            f"{out} is neither empty nor written by `python -m generator pages`: it holds "
            f"{shown}; give an empty or new folder, or remove those files"
        )
    for path in ours:
        (out / path).unlink(missing_ok=True)
    manifest.unlink(missing_ok=True)
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
