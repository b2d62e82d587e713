"""``mkdocs serve`` as a contributor uses it: a spec change rebuilds, a broken spec never kills it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import BUILD_ENV, copy_project

# mkdocs serve of the whole site: the full suite's, not the quick loop's (see pyproject.toml).
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body: bytes = response.read()
            return body.decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, predicate: object, timeout: float = 90) -> str:
    """Poll ``url`` until its text satisfies ``predicate`` (serve rebuilds in the background)."""
    deadline = time.monotonic() + timeout
    text = None
    while time.monotonic() < deadline:
        text = fetch(url)
        if text is not None and callable(predicate) and predicate(text):
            return text
        time.sleep(0.5)
    raise AssertionError(f"{url} never satisfied the condition; last text: {(text or '')[:300]}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, subprocess.Popen[str]]]:
    project = copy_project(tmp_path / "project")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**BUILD_ENV, "SITE_URL": f"http://127.0.0.1:{port}/"},
    )
    try:
        yield project, f"http://127.0.0.1:{port}/", process
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout:
            process.stdout.close()


def test_a_broken_spec_shows_on_the_pages_and_the_server_survives(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    project, url, process = served
    wait_for(url, lambda text: "AlexNet, layer by layer" in text)
    spec = project / "docs" / "architectures" / "torchvision-alexnet.yml"
    good = spec.read_text(encoding="utf-8")
    spec.write_text(good.replace("stride: 4", "stride: -4"), encoding="utf-8")
    page = wait_for(url, lambda text: "problem(s) in the architecture specs" in text)
    assert (
        "layer &#39;conv1&#39;: field &#39;stride&#39;: must be greater than 0, got -4" in page
        or ("layer 'conv1': field 'stride': must be greater than 0, got -4" in page)
    )
    assert process.poll() is None, "mkdocs serve died on a broken spec"
    # The broken spec's own page (where a browser on it reloads) shows the located problem.
    own = wait_for(url + "architectures/torchvision-alexnet/", lambda text: "does not load" in text)
    assert "torchvision-alexnet.yml:" in own and "got -4" in own
    spec.write_text(good, encoding="utf-8")
    wait_for(url, lambda text: "problem(s) in the architecture specs" not in text)
    back = wait_for(
        url + "architectures/torchvision-alexnet/", lambda text: "Layer by layer" in text
    )
    assert "does not load" not in back
    assert process.poll() is None


def test_a_new_spec_appears_without_restarting(
    served: tuple[Path, str, subprocess.Popen[str]],
) -> None:
    project, url, process = served
    wait_for(url, lambda text: "AlexNet, layer by layer" in text)
    source = project / "docs" / "architectures" / "torchvision-alexnet.yml"
    text = source.read_text(encoding="utf-8").replace(
        "title: torchvision AlexNet", "title: My new net"
    )
    (project / "docs" / "architectures" / "my-new-net.yml").write_text(text, encoding="utf-8")
    page = wait_for(url + "architectures/my-new-net/", lambda text: "My new net" in text)
    assert "Layer by layer" in page
    process.terminate()
    output, _ = process.communicate(timeout=20)
    assert "Traceback" not in output
