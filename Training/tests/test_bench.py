"""Training/bench.py: the input it writes and the worker's picture, on a small fixture model (seconds)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from safetensors.numpy import load_file

import bench
from clade import modelfile

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "CLADETests", "Fixtures")
MODEL = os.path.join(FIXTURES, "clade_icpe_edges_vae_batch.model.safetensors")


@pytest.fixture()
def io_file(tmp_path):
    path = str(tmp_path / "io.safetensors")
    bench.write_input(modelfile.read_config(MODEL), path)
    return path


def test_input_has_the_fixture_names_and_shapes(io_file):
    config = modelfile.read_config(MODEL)
    io = load_file(io_file)
    h, w = config.height, config.width
    assert io["in.labels"].shape == (h, w) and io["in.labels"].dtype == np.int32
    assert io["in.labels"].max() < config.class_count
    assert io["in.edges"].shape == (1, h, w) and set(np.unique(io["in.edges"])) <= {0.0, 1.0}
    assert io["in.dist"].shape == (2, h, w) and np.abs(io["in.dist"]).max() <= 1
    assert io["in.z"].shape == (config.z_dim,)


def test_worker_times_each_request_and_writes_the_picture(io_file, tmp_path):
    out = tmp_path / "torch.f32"
    worker = subprocess.run([sys.executable, bench.__file__, "--worker", MODEL, io_file, str(out), "1"],
                            input="run\nrun\n", capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in worker.stdout.splitlines()]
    assert [("ms" in line) for line in lines] == [True, True, False]
    assert lines[-1]["peak_rss_kib"] > 0 and lines[-1]["threads"] == 1
    config = modelfile.read_config(MODEL)
    picture = np.fromfile(out, "<f4")
    assert picture.size == 3 * config.height * config.width and np.abs(picture).max() <= 1


def run_worker(io_file, out, engine=None, onnx=None):
    command = [sys.executable, bench.__file__, "--worker", MODEL, io_file, str(out), "1"]
    if engine:
        command += ["--engine", engine, "--onnx", onnx]
    worker = subprocess.run(command, input="run\n", capture_output=True, text=True, check=True)
    return json.loads(worker.stdout.splitlines()[-1]), np.fromfile(out, "<f4")


def test_onnx_export_is_made_once_and_cached(io_file, tmp_path):
    pytest.importorskip("onnx")
    path = bench.export_onnx(MODEL, io_file, str(tmp_path / "cache"))
    stamp = os.stat(path).st_mtime_ns
    assert bench.export_onnx(MODEL, io_file, str(tmp_path / "cache")) == path
    assert os.stat(path).st_mtime_ns == stamp and os.listdir(tmp_path / "cache") == [os.path.basename(path)]


@pytest.mark.parametrize("engine", ["onnxruntime", "openvino"])
def test_peer_runtimes_draw_the_reference_picture(engine, io_file, tmp_path):
    """The peers run the exported graph: their picture is PyTorch's within the engine parity tolerance."""
    pytest.importorskip(engine)
    onnx = bench.export_onnx(MODEL, io_file, str(tmp_path / "cache"))
    _, reference = run_worker(io_file, tmp_path / "torch.f32")
    summary, picture = run_worker(io_file, tmp_path / f"{engine}.f32", engine, onnx)
    assert summary["engine"] == engine and summary["threads"] == 1 and summary["peak_rss_kib"] > 0
    assert picture.shape == reference.shape and np.abs(picture - reference).max() <= bench.IMAGE_TOLERANCE
