"""The MkDocs edge: load the specs, call the pure core, add the generated pages in memory.

Nothing is written into ``docs/``: pages are ``File.generated`` objects, so ``mkdocs serve``
(which watches ``docs/``, spec files included) rebuilds when a spec changes without looping.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from generator import loader, pages
from generator.errors import SpecError
from generator.results import Analysis


class ArchitecturesConfig(Config):  # type: ignore[no-untyped-call]
    specs = config_options.Type(str, default="architectures")
    """The folder of spec files, relative to ``docs_dir``."""


class ArchitecturesPlugin(BasePlugin[ArchitecturesConfig]):  # type: ignore[no-untyped-call]
    """Generates the architecture pages from the spec files at every build."""

    def __init__(self) -> None:
        self.analyses: list[Analysis] = []

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Before MkDocs cleans the site folder: a bad spec stops the build and leaves no half site.
        folder = Path(config.docs_dir) / self.config.specs
        try:
            self.analyses = loader.load_folder(folder)
        except SpecError as error:
            count = len(error.problems)
            raise PluginError(
                f"{count} problem{'s' if count > 1 else ''} in the architecture specs:\n{error.report()}"
            ) from None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for path, content in pages.site_pages(self.analyses).items():
            files.append(File.generated(config, path, content=content))
        return files
