"""The MkDocs edge: load the specs, build the site model once, add the generated pages.

Nothing is written into ``docs/``: pages are ``File.generated`` objects, read from the build
cache's ``pages`` folder (or handed over as text where there is no cache), and data files are
written straight into the site, so ``mkdocs serve`` (which watches ``docs/``, spec files
included) rebuilds when a spec changes without looping.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import yaml
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import dirname_to_title

from generator.analysis.model import build_site_model
from generator.core.memo import compute
from generator.core.results import Analysis
from generator.edges import rendered
from generator.edges.cache import FOLDER, BuildCache
from generator.load import loader
from generator.render import highlight, markup, pages, site, templating
from generator.spec.errors import Problem, SpecError

log = logging.getLogger("mkdocs.plugins.architectures")
PLOTLY = "assets/javascripts/plotly.min.js"
#: Past this many architectures the sidebar lists only their index page.
NAV_LIMIT = 50

ASSETS = resources.files("generator.render") / "assets"
#: The scripts of the page templates (the lazily loaded PyTorch script).
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


def prepare_renderers() -> None:
    """Compile the page templates and Pygments' Python lexer, which live as long as the process.

    Done before the specs are loaded: made at their first use, among the site model's objects,
    each of their small objects would keep a mebibyte of the model's memory from going back to
    the system once the model is freed (Python returns it only in whole arenas). At 1,000 specs
    that is about 30 MB of a cold build's peak. Both are cached: later builds find them made.
    """
    for name in templating.ENV.list_templates():
        templating.ENV.get_template(name)
    highlight.python_html("import torch\n")


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


class ArchitecturesPlugin(BasePlugin[ArchitecturesConfig]):  # type: ignore[no-untyped-call]
    """Generates the architecture pages from the spec files at every build."""

    def __init__(self) -> None:
        self.analyses: list[Analysis] | None = None
        """The specs loaded before MkDocs lists the site's files, where no cache keeps them."""
        self.problems: list[Problem] = []
        self.serving = False
        self.seconds = 0.0
        """The time this build spent in the plugin's hooks."""
        self.specs = 0
        self.cache: BuildCache | None = None
        self.layout: str | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def _load(self, config: MkDocsConfig) -> loader.Folder:
        folder = Path(config.docs_dir) / self.config.specs
        load = self.cache.loader(loader.load_analysed) if self.cache else loader.load_analysed
        return loader.load_folder_partially(folder, load)

    @timed
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        prepare_renderers()
        # Before MkDocs cleans the site folder: a bad spec stops the build and leaves no half site.
        found = self._load(config)
        self.problems = found.problems
        self.specs = len(found.analyses)
        if self.problems:
            self._report_problems()
        for warning in found.warnings:
            # A warning, which `mkdocs build --strict` turns into a failed build.
            log.warning(str(warning))
        # With a cache, on_files loads them again from it (about 2 ms a spec) rather than hold
        # them while MkDocs lists the site's files: MkDocs' thousands of small file objects, made
        # among the specs' objects, would keep the specs' memory from returning to the system
        # once they are freed (Python returns it only in whole arenas of a mebibyte).
        self.analyses = None if self.cache else found.analyses
        if self.cache is not None:
            self.cache.specs_done()

    def _report_problems(self) -> None:
        count = len(self.problems)
        message = f"{count} problem{'s' if count > 1 else ''} in the architecture specs:\n"
        message += SpecError(self.problems).report()
        if not self.serving:
            raise PluginError(message)
        # While serving, keep the server and the good pages; every page shows the problems.
        log.error(message)

    @timed
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        if not self.problems:
            return markdown
        return pages.problems_banner(self.problems) + markdown

    @timed
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.seconds, self.layout = 0.0, None
        # MkDocs dates the sitemap with the build day; the last commit's time makes two builds
        # of the same commit byte-identical on any day (an explicit SOURCE_DATE_EPOCH wins).
        if "SOURCE_DATE_EPOCH" not in os.environ:
            epoch = last_commit_time(Path(config.config_file_path or ".").parent)
            if epoch is not None:
                os.environ["SOURCE_DATE_EPOCH"] = str(epoch)

        # What earlier builds computed, each result kept under all it depends on: a save under
        # `mkdocs serve` recomputes what it changed (see generator.edges.cache).
        project = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.cache = BuildCache(project / FOLDER)
        templating.ENV.bytecode_cache = self.cache.bytecode()

        # After a user's custom_dir, before Material's own templates.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        for path in site_assets():
            (config.extra_javascript if path.endswith(".js") else config.extra_css).append(path)
        return config

    @timed
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Put the generated pages in reading order: the question first, reference pages after."""
        nav.items.sort(key=lambda item: pages.nav_rank(_src_uri(item)))
        for item in nav.items:
            if isinstance(item, Section) and only_index(_src_uri(item), len(item.children)):
                source = _src_uri(item)
                item.children = [
                    child
                    for child in item.children
                    if isinstance(child, Page) and child.file.src_uri == source
                ]
        # Every file is known now: what a page's conversion reads besides its own Markdown.
        self.layout = rendered.site_layout(config, files)
        return nav

    @timed
    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        # A page whose Markdown is what it was in the last build is not converted again.
        if self.cache is not None and self.layout is not None:
            rendered.keep_conversion(page, self.layout, self.cache)
        return page

    @timed
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        analyses = self.analyses if self.analyses is not None else self._load(config).analyses
        self.analyses = None
        site_dir = Path(config.site_dir)
        folder = self.cache.pages() if self.cache is not None else None
        # The paths made, in one buffer: the files that list them are made once the model is
        # freed, so that none of them sits among its objects (see on_pre_build).
        made = io.StringIO()
        # Everything the pages show, computed once for this build (each spec audited once).
        model = build_site_model(analyses, self.cache or compute)
        del analyses
        for path, content in site.iter_site_files(model, self.cache or compute):
            if path.endswith(".md"):
                source = folder.write(path, content) if folder is not None else None
                if source is None:
                    files.append(File.generated(config, path, content=content))
                else:
                    made.write(f"{source}\n{path}\n")
            else:
                # Data files (figures, exports, scripts) go straight to their place in the site:
                # held until MkDocs copies them after rendering every page, they were a third of
                # the build's memory at 1,000 specs. MkDocs skips copying a file onto itself.
                target = site_dir / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, "utf-8")
                made.write(f"{target}\n{path}\n")
        # Everything the pages need is in them now; the model need not live through the build.
        del model
        if self.cache is not None:
            self.cache.specs_done()
        if folder is not None:
            folder.remove_others()
        lines = iter(made.getvalue().splitlines())
        for written, path in zip(lines, lines, strict=True):
            files.append(File.generated(config, path, abs_src_path=written))

        for path, content in site_assets().items():
            files.append(File.generated(config, path, content=content))
        # Copied, not read: one 4.8 MB file, loaded by the site script only where a figure is drawn.
        files.append(File.generated(config, PLOTLY, abs_src_path=str(plotly_source())))
        return files

    @timed
    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        # The theme's templates compiled once, not at every build: Jinja keys them by source.
        if self.cache is not None:
            env.bytecode_cache = self.cache.bytecode()
        return env

    @timed
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # Material's templates indent every line: a tenth of an architecture page's bytes.
        return markup.collapse_indentation(output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._prune()
        log.info(self.report())

    @timed
    def _prune(self) -> None:
        if self.cache is not None:
            self.cache.prune()

    def report(self) -> str:
        """What the generator did in this build, and in how long (a line for the build's log)."""
        line = f"Architectures: {self.specs} specs, {self.seconds:.2f} s in the generator"
        if self.cache is None:
            return line
        kept, converted = self.cache.hits[rendered.KIND], self.cache.misses[rendered.KIND]
        total = kept + converted
        return f"{line}; of {total} pages, {converted} converted to HTML and {kept} kept from the last build"


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


def plain_nav(docs: Path) -> tuple[list[object], list[str]]:
    """The plugin's sidebar as a ``nav:`` for mkdocs.yml, from the pages of a docs folder, and
    the ``not_in_nav`` patterns of the pages it leaves out on purpose.

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
    lines = [line for line in config_text.splitlines() if line.strip() != "- architectures"]
    if len(lines) == len(config_text.splitlines()):
        raise ValueError("mkdocs.yml has no '- architectures' plugin line to remove")
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


def write_pages(project: Path, out: Path, specs: str = "architectures") -> int:
    """Write the site of ``project`` (its mkdocs.yml and ``docs/``) into ``out`` as plain files.

    ``out/docs`` holds the project's own docs plus every page and data file the plugin generates,
    its scripts, stylesheets and plotly.min.js; ``out/overrides`` the theme overrides;
    ``out/mkdocs.yml`` the project's configuration without the plugin. A plain ``mkdocs build``
    in ``out`` (or another engine reading Markdown) builds the same site. Returns the number of
    files written. Raises :class:`SpecError` when a spec does not load.
    """
    docs = out / "docs"
    shutil.copytree(project / "docs", docs, dirs_exist_ok=True)
    model = build_site_model(loader.load_folder(project / "docs" / specs))
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
    (out / "mkdocs.yml").write_text(without_plugin(config, OVERRIDES, plain_nav(docs)), "utf-8")
    return len(files) + 2
