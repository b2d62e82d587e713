"""``python -m generator import``: what it writes, what it refuses, and broken inputs, fuzzed.

Whatever the input, the command either writes a spec that loads, or prints located problems,
exits non-zero and writes nothing: never a traceback, never a partial file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.edges import cli
from generator.load import loader
from generator.render import templating
from generator.spec import schema
from tests.helpers import copy_project, fill_in, generated_files, load_spec, problems, run_cli
from tests.requirements import require

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CAFFENET = FIXTURES / "bvlc_reference_caffenet_deploy.prototxt"
CAFFENET_TEXT = CAFFENET.read_text(encoding="utf-8")


def run(*args: str) -> Result:
    """The command in this process, as the fuzzing needs it fast."""
    return CliRunner().invoke(cli.main, ["import", *args])


def assert_failed_cleanly(result: Result, source: Path | str, output: Path) -> None:
    """Exit 1, problems named by the source file, nothing written, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert not output.exists()
    lines = result.stderr.splitlines()
    assert lines[-1].endswith("found; nothing was written.")
    assert all(line.startswith(str(source)) for line in lines[:-1]), result.stderr
    assert "Traceback" not in result.output


# --- writing ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_it_writes_a_spec_that_checks_and_says_what_next(tmp_path: Path) -> None:
    """Run as a contributor runs it, in a copy of the project: the default file in its folder."""
    project = copy_project(tmp_path / "project", with_schema=True)
    result = run_cli("import", str(CAFFENET), "--name", "caffenet-deploy", cwd=project)
    assert result.returncode == 0, result.stderr
    path = Path("docs") / "architectures" / "caffenet-deploy.yml"
    assert result.stdout.startswith(
        f"Wrote {path}: 23 layers from {CAFFENET} (Caffe prototxt), 60,965,224 parameters"
    )
    assert f"python -m generator check {path}" in result.stdout
    text = (project / path).read_text(encoding="utf-8")
    assert text.splitlines()[0] == schema.EDITOR_LINE
    checked = run_cli("check", str(path), cwd=project)
    assert checked.returncode == 1  # until its reader says where the file came from
    assert "field 'sources.model-file.citation': still holds the scaffold's" in checked.stderr
    checked = run_cli("check", str(fill_in(project / path)), cwd=project)
    assert checked.returncode == 0, checked.stderr
    assert "caffenet-deploy: valid" in checked.stdout


def test_the_name_comes_from_the_file(tmp_path: Path) -> None:
    result = run(str(CAFFENET), "--specs", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bvlc_reference_caffenet_deploy.yml").is_file()


def test_its_page_says_it_was_imported(tmp_path: Path) -> None:
    output = tmp_path / "caffenet-imported.yml"
    assert run(str(CAFFENET), "-o", str(output)).exit_code == 0
    analysis = load_spec(fill_in(output))
    page = generated_files([analysis])[templating.page_path(analysis.name)]
    assert (
        "*Its layers were imported from the model file of source **model-file** (see Sources) "
        "by `python -m generator import`.*"
    ) in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/a.yml", "--name", "b"], "-o {tmp}/a.yml and --name b disagree"),
        (["-o", "{tmp}/a.yaml"], "a spec file's name ends in .yml"),
        (["-o", "{tmp}/Bad Name.yml"], "'Bad Name' cannot name a spec"),
        (["-o", "{tmp}/missing/a.yml"], "there is no folder {tmp}/missing"),
        (["--input", "3x224"], "expected channels x height x width, such as 3x224x224"),
        (["--url", "github.com/BVLC"], "expected an http:// or https:// address"),
    ],
)
def test_it_refuses_what_it_cannot_write(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(str(CAFFENET), *(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code != 0
    assert message.format(tmp=tmp_path) in result.output
    assert list(tmp_path.iterdir()) == []


def test_it_never_overwrites_a_spec(tmp_path: Path) -> None:
    output = tmp_path / "taken.yml"
    output.write_text("mine", encoding="utf-8")
    result = run(str(CAFFENET), "-o", str(output))
    assert result.exit_code != 0 and "already exists" in result.output
    assert output.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("missing.prototxt", "missing.prototxt: no such file"),
        ("missing.onnx", "missing.onnx: no such file"),
        ("notes.txt", "notes.txt: no such file"),
    ],
)
def test_a_missing_file_is_reported_by_its_name(tmp_path: Path, source: str, message: str) -> None:
    output = tmp_path / "out.yml"
    result = run(str(tmp_path / source), "-o", str(output))
    assert_failed_cleanly(result, tmp_path / source, output)
    assert f"{tmp_path / message}\n" in result.stderr


def test_a_corrupt_onnx_file_fails_with_its_name_and_writes_nothing(tmp_path: Path) -> None:
    require("onnx", "pip install -e '.[import]'")
    corrupt = tmp_path / "model.onnx"
    corrupt.write_bytes(b"\x08\x07\x12\x07pytorch\x1a\xff\xff\xff\x0fcut")
    output = tmp_path / "out.yml"
    result = run(str(corrupt), "-o", str(output))
    assert_failed_cleanly(result, corrupt, output)
    assert result.stderr.startswith(f"{corrupt}: not an ONNX model, or a truncated or corrupt one")


def test_a_text_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "latin.prototxt"
    source.write_bytes(b'name: "caf\xe9"\n')
    output = tmp_path / "out.yml"
    result = run(str(source), "-o", str(output))
    assert_failed_cleanly(result, source, output)
    assert f"{source}:1: not text: byte 0xe9 is not UTF-8" in result.stderr


# --- fuzzed broken inputs -------------------------------------------------------------------------

FUZZ = settings(
    max_examples=settings.default.max_examples * 3 // 2,  # 150 under the ci profile
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def check_outcome(result: Result, source: Path, output: Path) -> None:
    """A spec that loads, or a clean failure; then the folder is as it was."""
    if result.exit_code == 0:
        load_spec(fill_in(output))
        output.unlink()
        return
    assert_failed_cleanly(result, source, output)


@st.composite
def mutated(draw: st.DrawFn, text: str, alphabet: str) -> str:
    """``text`` cut short, or with a slice removed, or with a few characters put in."""
    how = draw(st.sampled_from(["truncate", "delete", "insert"]))
    at = draw(st.integers(0, len(text)))
    if how == "truncate":
        return text[:at]
    if how == "delete":
        return text[:at] + text[at + draw(st.integers(1, 40)) :]
    return text[:at] + draw(st.text(alphabet=alphabet, min_size=1, max_size=8)) + text[at:]


@pytest.mark.slow
@FUZZ
@given(text=mutated(CAFFENET_TEXT, "{}<>[]:;,\"'#-.0123456789 \nabcXYZ_/"))
def test_a_broken_prototxt_never_gives_a_traceback_or_a_file(tmp_path: Path, text: str) -> None:
    source = tmp_path / "net.prototxt"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / "out.yml"
    check_outcome(run(str(source), "-o", str(output)), source, output)


@pytest.mark.slow
@FUZZ
@given(text=st.text(max_size=300))
def test_any_text_as_a_prototxt_never_gives_a_traceback_or_a_file(
    tmp_path: Path, text: str
) -> None:
    source = tmp_path / "any.prototxt"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / "out.yml"
    check_outcome(run(str(source), "-o", str(output)), source, output)


@pytest.fixture(scope="module")
def onnx_bytes() -> bytes:
    """A small model, ONNX as PyTorch's exporter writes it (by hand: torch is not needed here)."""
    onnx = require("onnx", "pip install -e '.[import]'")
    import numpy as np

    helper = onnx.helper
    weights = [
        onnx.numpy_helper.from_array(np.ones((4, 3, 3, 3), np.float32), "w"),
        onnx.numpy_helper.from_array(np.ones((2, 4), np.float32), "fc"),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="/conv/Conv", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="/relu/Relu"),
        helper.make_node(
            "MaxPool", ["r"], ["p"], name="/pool/MaxPool", kernel_shape=[2, 2], strides=[2, 2]
        ),
        helper.make_node("GlobalAveragePool", ["p"], ["g"], name="/gap/GlobalAveragePool"),
        helper.make_node("Flatten", ["g"], ["f"], name="/flat/Flatten"),
        helper.make_node("Gemm", ["f", "fc"], ["y"], name="/fc/Gemm", transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "net",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 2])],
        initializer=weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    data: bytes = model.SerializeToString()
    return data


def test_the_fuzzed_onnx_model_imports_as_it_is(onnx_bytes: bytes, tmp_path: Path) -> None:
    source = tmp_path / "net.onnx"
    source.write_bytes(onnx_bytes)
    output = tmp_path / "net.yml"
    assert run(str(source), "-o", str(output)).exit_code == 0
    assert [layer.kind for layer in loader.load(fill_in(output)).spec.layers] == [
        "conv",
        "relu",
        "max_pool",
        "adaptive_avg_pool",
        "flatten",
        "fc",
    ]


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_a_broken_onnx_file_never_gives_a_traceback_or_a_file(
    onnx_bytes: bytes, tmp_path: Path, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(onnx_bytes) - 1))
    how = data.draw(st.sampled_from(["truncate", "flip", "insert"]))
    if how == "truncate":
        broken = onnx_bytes[:at]
    elif how == "flip":
        broken = (
            onnx_bytes[:at]
            + bytes([onnx_bytes[at] ^ data.draw(st.integers(1, 255))])
            + onnx_bytes[at + 1 :]
        )
    else:
        broken = onnx_bytes[:at] + data.draw(st.binary(min_size=1, max_size=8)) + onnx_bytes[at:]
    source = tmp_path / "broken.onnx"
    source.write_bytes(broken)
    output = tmp_path / "out.yml"
    check_outcome(run(str(source), "-o", str(output)), source, output)


def test_imported_from_must_name_a_source(tmp_path: Path) -> None:
    """The field the importer writes, checked where it is written."""
    path = tmp_path / "tiny.yml"
    path.write_text(
        "title: Tiny\nsummary: A tiny network.\ninput: [3, 8, 8]\nimported_from: model\n"
        "sources:\n  src: {citation: A source, url: 'https://tiny.test/', states: All.}\n"
        "layers:\n  - {name: fc, kind: fc, out_features: 3}\n",
        encoding="utf-8",
    )
    assert problems(path) == [
        f"{path}:4: field 'imported_from': must be a key of 'sources' (src), got 'model'"
    ]
