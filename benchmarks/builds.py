"""``mkdocs build`` in a fresh child process: its wall time and its own peak memory.

The build runs under a tiny launcher process that reports the build's rusage from ``os.wait4``
(that one child's, where ``getrusage(RUSAGE_CHILDREN)`` gives the largest of all children so far).
The launcher is there because Linux carries a process's peak RSS across ``fork`` and ``exec``:
a build started straight from this (large) benchmark process would report at least the
benchmark's own size; started from the small launcher, it reports its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Python keeps the bytecode of what it imports, as it does on a contributor's machine: some
#: sandboxes set PYTHONDONTWRITEBYTECODE, which would make every build compile the generator's
#: sources again (the plain build imports only installed packages, compiled when installed).
BUILD_ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "NO_MKDOCS_2_WARNING": "1",
}
#: Runs argv[1:], then prints its wall time and peak RSS (KiB) as the last line of stderr.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - start
sys.stderr.write(f"\\n@build {seconds} {usage.ru_maxrss}\\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


#: The plugin's line at the end of a build (generator.edges.plugin.ArchitecturesPlugin.report).
GENERATOR = re.compile(r"Architectures: \d+ specs, ([\d.]+) s in the generator")


@dataclass(frozen=True, slots=True)
class Build:
    seconds: float
    peak_mb: float
    warnings: tuple[str, ...]
    generator_s: float | None = None
    """The time the build spent in the generator's hooks, as the plugin reports it."""


class BuildFailed(RuntimeError):
    pass


def build(project: Path, site: Path, env: dict[str, str] | None = None) -> Build:
    """``mkdocs build`` of ``project`` into ``site``: wall time, peak RSS (MiB), warning lines."""
    command = [
        sys.executable,
        "-c",
        LAUNCHER,
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--clean",
        "-f",
        str(project / "mkdocs.yml"),
        "-d",
        str(site),
    ]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        result = subprocess.run(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**BUILD_ENV, **(env or {})},
            check=False,
        )
        log.seek(0)
        output = log.read()
    if result.returncode != 0:
        raise BuildFailed(f"mkdocs build of {project} failed:\n{output[-4000:]}")
    lines = output.splitlines()
    _, seconds, peak_kib = lines[-1].split()
    warnings = tuple(line for line in lines if line.startswith("WARNING"))
    # Linux reports ru_maxrss in KiB.
    generator = GENERATOR.search(output)
    return Build(
        float(seconds),
        int(peak_kib) / 1024,
        warnings,
        float(generator.group(1)) if generator else None,
    )
