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
