"""Edits in any order never leave a stale result in the build cache.

A contributor running `mkdocs serve` edits specs one save at a time, and every save is a build
through the same cache folder. Whatever the saves before it, a build through the cache must give
what a build without it gives:

- the same files (pages, figure data, exports, scripts), read off the specs that load;
- the same problems, when some specs do not load (the plugin then serves the others' pages);
- the same warnings (``mkdocs build --strict`` fails on them).

Hypothesis draws short sequences of the edits a contributor makes: a new title or summary, another
width, kernel or stride for a layer of a spec that others extend or of one that extends another, a
stated number or a compared figure changed, a comparison pointed at another spec, a spec deleted
(one that nothing names, or one that others extend or compare with, then put back), copied or
renamed (onto a new name, or over a spec that others name), saved half-written then whole, made
to extend another spec, and a new small spec that extends another and changes one layer. After
each edit the site is built once through a cache folder kept for the whole sequence, as
`mkdocs serve` does, and once without a cache. The plain tests at the end replay the sequences
most likely to go wrong, and one reads a cache that another Python process wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from generator.analysis.model import build_site_model
from generator.core.results import Analysis
from generator.edges.cache import BuildCache
from generator.load import loader
from generator.render import site
from tests.helpers import ROOT, SHIPPED, SPECS, copy_project

Data = dict[str, Any]

#: The shipped specs' data, by name.
SHIPPED_DATA: dict[str, Data] = {
    name: yaml.safe_load((SPECS / f"{name}{loader.SUFFIX}").read_text("utf-8")) for name in SHIPPED
}
#: Specs that extend another (``caffenet``, ``vgg-19``...).
CHILDREN = tuple(name for name, data in SHIPPED_DATA.items() if "extends" in data)
#: Specs that others extend (``bvlc-alexnet``, ``vgg-16``...).
PARENTS = tuple(sorted({data["extends"] for data in SHIPPED_DATA.values() if "extends" in data}))
#: Specs whose sources state differences against others (``compared``).
COMPARING = tuple(name for name, data in SHIPPED_DATA.items() if data.get("compared"))
#: Specs that others extend or compare with (``alexnet-2012``, the paper's network, among them).
NAMED = tuple(
    sorted(
        {*PARENTS}
        | {claim["to"] for data in SHIPPED_DATA.values() for claim in data.get("compared", ())}
    )
)
#: Specs that no other spec names.
UNNAMED = tuple(name for name in SHIPPED if name not in NAMED)

#: Each shipped spec's convolutions, its parent's included, as the loader resolves them.
CONVOLUTIONS: dict[str, tuple[str, ...]] = {
    analysis.name: tuple(r.name for r in analysis.layers if r.layer.kind == "conv")
    for analysis in loader.load_folder(SPECS)
}
#: A layer setting and values it may take: some keep the network's geometry, some break it.
SETTINGS = {
    "out_channels": (16, 64, 96, 192, 256, 384),
    "kernel": (1, 3, 5, 7),
    "stride": (1, 2, 4),
}


# --- Reading and writing specs ---------------------------------------------------------------


def spec_file(specs: Path, name: str) -> Path:
    return specs / f"{name}{loader.SUFFIX}"


def read(specs: Path, name: str) -> Data | None:
    """The data of spec ``name``, or None when there is no such spec (an earlier edit removed it)."""
    path = spec_file(specs, name)
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text("utf-8"))
    return data if isinstance(data, dict) else None


def write(specs: Path, name: str, data: Data) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    spec_file(specs, name).write_text(text, "utf-8")


def change_spec(specs: Path, name: str, change: Callable[[Data], None]) -> None:
    """Rewrite spec ``name`` with ``change`` applied to its data; nothing when it is gone."""
    data = read(specs, name)
    if data is not None:
        change(data)
        write(specs, name, data)


def set_layer(data: Data, layer: str, setting: str, value: int) -> None:
    """Give ``layer`` another ``setting``: in the spec's own layers if it lists them, else as a
    ``change`` of its parent's layer (as ``squeezenet-1.1`` changes ``conv1``)."""
    for item in data.get("layers") or ():
        if isinstance(item, dict) and item.get("name") == layer:
            item[setting] = value
            return
    if "extends" in data:
        changes = data.setdefault("change", {})
        changes.setdefault(layer, {})[setting] = value


# --- The edits -------------------------------------------------------------------------------


class Edit:
    """One save of the spec folder. ``trash`` is where a removed spec waits to be put back."""

    def apply(self, specs: Path, trash: Path) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Retitle(Edit):
    spec: str
    title: str

    def apply(self, specs: Path, trash: Path) -> None:
        change_spec(specs, self.spec, lambda data: data.update(title=self.title))


@dataclass(frozen=True)
class Resummarise(Edit):
    spec: str
    summary: str

    def apply(self, specs: Path, trash: Path) -> None:
        change_spec(specs, self.spec, lambda data: data.update(summary=self.summary))


@dataclass(frozen=True)
class SetLayer(Edit):
    """A layer's width, kernel or stride, in its own spec or as a child's ``change``."""

    spec: str
    layer: str
    setting: str
    value: int

    def apply(self, specs: Path, trash: Path) -> None:
        change_spec(specs, self.spec, lambda d: set_layer(d, self.layer, self.setting, self.value))


@dataclass(frozen=True)
class Restate(Edit):
    """Another value for a stated number (the ``index``-th that is not a shape, cyclically)."""

    spec: str
    index: int
    value: int

    def apply(self, specs: Path, trash: Path) -> None:
        def restate(data: Data) -> None:
            numbers = [c for c in data.get("stated") or () if c.get("quantity") != "shape"]
            if numbers:
                numbers[self.index % len(numbers)]["value"] = self.value

        change_spec(specs, self.spec, restate)


#: The keys of a compared claim that hold its figure, one per form.
FORMS = ("percent", "percent_of", "times_more", "times_fewer")


@dataclass(frozen=True)
class Refigure(Edit):
    """Another figure for a stated comparison (the ``index``-th, cyclically), in the same form."""

    spec: str
    index: int
    figure: float

    def apply(self, specs: Path, trash: Path) -> None:
        def refigure(data: Data) -> None:
            claims = data.get("compared") or []
            if claims:
                claim = claims[self.index % len(claims)]
                form = next(f for f in FORMS if f in claim)
                claim[form] = self.figure

        change_spec(specs, self.spec, refigure)


@dataclass(frozen=True)
class Retarget(Edit):
    """A stated comparison (the ``index``-th, cyclically) made against another spec."""

    spec: str
    index: int
    to: str

    def apply(self, specs: Path, trash: Path) -> None:
        def retarget(data: Data) -> None:
            claims = data.get("compared") or []
            if claims:
                claims[self.index % len(claims)]["to"] = self.to

        change_spec(specs, self.spec, retarget)


@dataclass(frozen=True)
class Remove(Edit):
    spec: str

    def apply(self, specs: Path, trash: Path) -> None:
        path = spec_file(specs, self.spec)
        if path.is_file():
            trash.mkdir(exist_ok=True)
            shutil.move(path, spec_file(trash, self.spec))


@dataclass(frozen=True)
class PutBack(Edit):
    """The spec :class:`Remove` took away, put back as it was (if nothing took its name since)."""

    spec: str

    def apply(self, specs: Path, trash: Path) -> None:
        kept = spec_file(trash, self.spec)
        if kept.is_file() and not spec_file(specs, self.spec).exists():
            shutil.move(kept, spec_file(specs, self.spec))


@dataclass(frozen=True)
class Garble(Edit):
    """A save halfway through typing: the spec's text cut short, so that it is no longer YAML
    (or no longer a spec). :class:`Restore` puts the whole text back."""

    spec: str

    def apply(self, specs: Path, trash: Path) -> None:
        path = spec_file(specs, self.spec)
        if path.is_file():
            text = path.read_text("utf-8")
            trash.mkdir(exist_ok=True)
            spec_file(trash, self.spec).write_text(text, "utf-8")
            path.write_text(text[: len(text) // 2] + "\n  - {name: [", "utf-8")


@dataclass(frozen=True)
class Restore(Edit):
    """The whole text :class:`Garble` cut short, saved again."""

    spec: str

    def apply(self, specs: Path, trash: Path) -> None:
        kept = spec_file(trash, self.spec)
        if kept.is_file():
            shutil.move(kept, spec_file(specs, self.spec))


@dataclass(frozen=True)
class Reparent(Edit):
    """A spec that extends one spec made to extend another, its changes of layers unchanged."""

    spec: str
    parent: str

    def apply(self, specs: Path, trash: Path) -> None:
        def reparent(data: Data) -> None:
            if "extends" in data:
                data["extends"] = self.parent

        change_spec(specs, self.spec, reparent)


@dataclass(frozen=True)
class Copy(Edit):
    spec: str
    to: str

    def apply(self, specs: Path, trash: Path) -> None:
        path = spec_file(specs, self.spec)
        if path.is_file() and self.to != self.spec:
            shutil.copy(path, spec_file(specs, self.to))


@dataclass(frozen=True)
class Rename(Edit):
    spec: str
    to: str

    def apply(self, specs: Path, trash: Path) -> None:
        path = spec_file(specs, self.spec)
        if path.is_file() and self.to != self.spec:
            path.replace(spec_file(specs, self.to))


@dataclass(frozen=True)
class AddChild(Edit):
    """A new spec that extends ``parent`` and changes one of its layers."""

    name: str
    parent: str
    layer: str
    setting: str
    value: int

    def apply(self, specs: Path, trash: Path) -> None:
        child: Data = {
            "extends": self.parent,
            "title": f"A variant of {self.parent}",
            "change": {self.layer: {self.setting: self.value}},
        }
        write(specs, self.name, child)


# --- Building with and without the cache -----------------------------------------------------


@dataclass
class Outcome:
    """What a build of the spec folder gives: the problems of the specs that do not load, the
    warnings of those that do, and their files."""

    problems: list[str]
    warnings: list[str]
    files: dict[str, str] = field(repr=False)
    computed: int = 0
    """How many results the cache did not have (none for a build without it)."""


def site_of(analyses: Sequence[Analysis], cache: BuildCache | None) -> dict[str, str]:
    if cache is None:
        return site.site_files(build_site_model(analyses))
    return site.site_files(build_site_model(analyses, cache), cache)


def build(specs: Path, cache_folder: Path | None) -> Outcome:
    """One build as the MkDocs plugin does it, through a cache in ``cache_folder`` if given.

    With problems, `mkdocs serve` keeps serving the specs that load: those files are compared too.
    """
    cache = BuildCache(cache_folder) if cache_folder is not None else None
    load = cache.loader(loader.load_analysed) if cache is not None else loader.load_analysed
    found = loader.load_folder_partially(specs, load)
    files = site_of(found.analyses, cache)
    if cache is not None:
        cache.prune()
    return Outcome(
        [str(p) for p in found.problems],
        [str(w) for w in found.warnings],
        files,
        sum(cache.misses.values()) if cache is not None else 0,
    )


def assert_same(warm: Outcome, cold: Outcome, done: Sequence[Edit]) -> None:
    """The cached build gave what the build without a cache gave; else say what differs."""
    after = " → ".join(map(repr, done))
    assert warm.problems == cold.problems, f"problems differ after {after}"
    assert warm.warnings == cold.warnings, f"warnings differ after {after}"
    assert warm.files.keys() == cold.files.keys(), (
        f"after {after}: only with the cache {sorted(warm.files.keys() - cold.files.keys())}, "
        f"only without {sorted(cold.files.keys() - warm.files.keys())}"
    )
    stale = sorted(path for path in cold.files if warm.files[path] != cold.files[path])
    assert not stale, f"stale files after {after}: {stale}"


@dataclass
class Project:
    """A copy of the shipped project, and the cache folder its builds share."""

    specs: Path
    cache: Path
    trash: Path
    done: list[Edit] = field(default_factory=list)

    def build(self) -> Outcome:
        """A build through the cache, checked against one without it."""
        warm = build(self.specs, self.cache)
        assert_same(warm, build(self.specs, None), self.done)
        return warm

    def save(self, edit: Edit) -> None:
        """One edit saved, without a build."""
        edit.apply(self.specs, self.trash)
        self.done.append(edit)

    def edit(self, *edits: Edit) -> Outcome:
        """Each edit saved, and the site built after each save; the last build's outcome."""
        outcome = None
        for edit in edits:
            self.save(edit)
            outcome = self.build()
        assert outcome is not None
        return outcome


@contextmanager
def project() -> Iterator[Project]:
    """A fresh copy of the project, built once through an empty cache folder."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        specs = copy_project(root / "project") / "docs" / "architectures"
        started = Project(specs, root / "project" / ".cache" / "architectures", root / "trash")
        started.build()
        yield started


# --- Drawing edits ---------------------------------------------------------------------------

names = st.sampled_from(SHIPPED)
titles = st.sampled_from(["AlexNet, edited", "Ünïcode: “quoted” — dash", "x", "VGG-16 (again)"])
summaries = st.sampled_from(["A shorter summary.", "Two lines\nof summary.", "Ü" * 300])


@st.composite
def layer_settings(draw: st.DrawFn, spec: str) -> tuple[str, str, int]:
    """One of ``spec``'s convolutions (as shipped), a setting and a value for it."""
    layer = draw(st.sampled_from(CONVOLUTIONS[spec]))
    setting = draw(st.sampled_from(sorted(SETTINGS)))
    return layer, setting, draw(st.sampled_from(SETTINGS[setting]))


@st.composite
def set_layers(draw: st.DrawFn) -> SetLayer:
    spec = draw(st.sampled_from((*PARENTS, *CHILDREN)))
    return SetLayer(spec, *draw(layer_settings(spec)))


@st.composite
def new_children(draw: st.DrawFn) -> AddChild:
    parent = draw(st.sampled_from((*PARENTS, *CHILDREN)))
    name = draw(st.sampled_from(["variant", f"{parent}-variant"]))
    return AddChild(name, parent, *draw(layer_settings(parent)))


restates = st.builds(
    Restate,
    names,
    st.integers(0, 5),
    st.sampled_from([1, 1000, 60_965_224, 61_000_000, 138_000_000, 10**12]),
)
refigures = st.builds(
    Refigure,
    st.sampled_from(COMPARING),
    st.integers(0, 1),
    st.sampled_from([-2.4, 0.2, 2.4, 3.0, 12.0, 18.0, 50.0]),
)
retargets = st.builds(Retarget, st.sampled_from(COMPARING), st.integers(0, 1), names)
removals = st.sampled_from(UNNAMED).map(lambda name: [Remove(name)])
round_trips = st.sampled_from(NAMED).map(lambda name: [Remove(name), PutBack(name)])
garbles = st.sampled_from(NAMED).map(lambda name: [Garble(name), Restore(name)])
reparents = st.builds(Reparent, st.sampled_from(CHILDREN), st.sampled_from((*PARENTS, *CHILDREN)))
#: A new name, or the name of a spec that others extend or compare with (its file replaced).
targets = st.sampled_from(["copy", "zz-copy", "a", *NAMED])
copies = st.builds(Copy, names, targets)
renames = st.builds(Rename, names, targets)

#: One save, or a spec removed (or saved half-written) and then put back: two saves.
steps: st.SearchStrategy[list[Edit]] = st.one_of(
    st.one_of(
        st.builds(Retitle, names, titles),
        st.builds(Resummarise, names, summaries),
        set_layers(),
        restates,
        refigures,
        retargets,
        copies,
        renames,
        new_children(),
        reparents,
    ).map(lambda edit: [edit]),
    removals,
    round_trips,
    garbles,
)
sequences = st.lists(steps, min_size=2, max_size=3).map(
    lambda groups: [edit for group in groups for edit in group][:4]
)


# --- The property ----------------------------------------------------------------------------


# Each example builds the site up to ten times, a second or so each: shrinking a failing sequence
# took Hypothesis over five minutes. The sequences are four edits at most, and a failure names
# them all (and the stale files), so a failure is reported as drawn.
@settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(edits=sequences)
def test_after_every_edit_the_cache_gives_what_a_build_without_it_gives(
    edits: list[Edit],
) -> None:
    with project() as started:
        started.edit(*edits)


# --- The edits most likely to leave a stale result -------------------------------------------


def test_a_parent_changed_twice_and_changed_back_is_seen_by_every_child() -> None:
    """A parent's width reaches its children's pages, and its old width comes back from the
    cache only with its old text."""
    with project() as started:
        page = "architectures/caffenet.md"
        before = started.build().files[page]
        conv1 = CONVOLUTIONS["bvlc-alexnet"][0]
        narrower = started.edit(SetLayer("bvlc-alexnet", conv1, "out_channels", 64))
        assert narrower.files[page] != before, "the child's page shows its parent's new width"
        started.edit(
            SetLayer("caffenet", conv1, "out_channels", 192),
            SetLayer("bvlc-alexnet", conv1, "out_channels", 96),
            SetLayer("caffenet", conv1, "out_channels", 96),
        )


def test_a_spec_compared_with_removed_and_put_back_brings_its_comparisons_back() -> None:
    with project() as started:
        removed = started.edit(Remove("alexnet-2012"))
        assert any("alexnet-2012" in problem for problem in removed.problems)
        restored = started.edit(PutBack("alexnet-2012"))
        assert not restored.problems
        assert "alexnet-2012" in restored.files["architectures/googlenet.md"]


def test_a_rename_and_a_new_spec_under_the_old_name_are_not_taken_for_each_other() -> None:
    """A parent renamed, another spec's text saved under its old name (which its children now
    extend), then the parent renamed back over it."""
    with project() as started:
        started.edit(
            Rename("squeezenet-1.0", "squeezenet-1.0-renamed"),
            Copy("zfnet", "squeezenet-1.0"),
            Rename("squeezenet-1.0-renamed", "squeezenet-1.0"),
        )


def test_a_compared_figure_and_the_width_of_the_network_compared_with() -> None:
    """A comparison's verdict and readings depend on the other network: both edits reach it."""
    with project() as started:
        started.edit(
            Refigure("squeezenet-1.1", 0, 2.2),
            SetLayer("squeezenet-1.0", CONVOLUTIONS["squeezenet-1.0"][0], "out_channels", 64),
            Refigure("squeezenet-1.1", 0, 2.4),
        )


def test_a_new_child_of_a_child_follows_both_of_its_ancestors() -> None:
    """A spec two ``extends`` away from its root: an edit of the root reaches it."""
    with project() as started:
        last = CONVOLUTIONS["squeezenet-1.0"][-1]
        started.edit(
            AddChild("grandchild", "squeezenet-1.1", last, "kernel", 3),
            SetLayer("squeezenet-1.0", CONVOLUTIONS["squeezenet-1.0"][0], "stride", 1),
            Retitle("squeezenet-1.1", "SqueezeNet 1.1, edited"),
        )


def test_a_parent_saved_half_written_then_whole() -> None:
    """While a parent does not load, its children do not either; saved whole, all come back."""
    with project() as started:
        broken = started.edit(Garble("vgg-16"))
        assert broken.problems
        assert "architectures/vgg-19.md" not in broken.files
        whole = started.edit(Restore("vgg-16"))
        assert not whole.problems
        assert "architectures/vgg-19.md" in whole.files


#: One build through the cache folder ``argv[2]`` of the specs in ``argv[1]``, as the plugin does.
BUILD_IN_ANOTHER_PROCESS = """
import sys
from pathlib import Path
from generator.analysis.model import build_site_model
from generator.edges.cache import BuildCache
from generator.load import loader
from generator.render import site
cache = BuildCache(Path(sys.argv[2]))
found = loader.load_folder_partially(Path(sys.argv[1]), cache.loader(loader.load_analysed))
site.site_files(build_site_model(found.analyses, cache), cache)
cache.prune()
"""


def test_entries_another_process_kept_give_what_this_one_computes() -> None:
    """The cache outlives `mkdocs serve`: the next session reads what the last one kept. Another
    process hashes text with another seed, so its sets iterate in another order."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        specs = copy_project(root / "project") / "docs" / "architectures"
        started = Project(specs, root / "project" / ".cache" / "architectures", root / "trash")
        sessions = (
            ("1", Retitle("zfnet", "ZFNet, edited")),
            ("2", SetLayer("vgg-16", CONVOLUTIONS["vgg-16"][0], "out_channels", 32)),
            ("3", Refigure("squeezenet-1.1", 0, 2.2)),
        )
        for seed, edit in sessions:
            started.save(edit)
            # The other session computes what the edit changed, and keeps it...
            other = subprocess.run(
                [sys.executable, "-c", BUILD_IN_ANOTHER_PROCESS, str(specs), str(started.cache)],
                cwd=ROOT,
                env={**os.environ, "PYTHONHASHSEED": seed},
                capture_output=True,
                text=True,
                check=False,
            )
            assert other.returncode == 0, other.stderr
            # ...and this one reads it.
            assert started.build().computed == 0
