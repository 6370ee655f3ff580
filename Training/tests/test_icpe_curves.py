"""The score curves of the CPU ICPE comparison (Training/cpu/icpe_curves.py) from synthetic evaluate.py reports."""
import json

import pytest
from PIL import Image

from cpu import icpe_curves


def model(name, miou, fd, off=None):
    tracks = {}
    for track in icpe_curves.TRACKS:
        scores = {"miou": miou, "segmenter_feature_frechet_distance": fd}
        if off is not None:
            scores["icpe_off"] = {"mean_abs_pixel_change": off[0], "miou": miou + off[1],
                                  "segmenter_feature_frechet_distance": fd + off[2]}
        tracks[track] = scores
    return {"name": name, "tracks": tracks}


def write_reports(folder, scores_by_step):
    for step, models in scores_by_step.items():
        (folder / f"step_{step}").mkdir()
        (folder / f"step_{step}" / "report.json").write_text(json.dumps({"models": models}))


def test_curves_tabulate_every_snapshot_the_tail_means_and_the_seed_noise(tmp_path):
    write_reports(tmp_path, {
        step: [model("icpe", 0.30 + 0.01 * i, 1.0, off=(0.5, -0.002, 0.01)), model("clade", 0.40, 2.0 - 0.1 * i),
               model("icpe-seed1", 0.20 + 0.01 * i, 1.5, off=(0.7, 0.0, 0.0))]
        for i, step in enumerate((400, 800, 1200, 1600))})
    (tmp_path / "step_2000").mkdir()  # an evaluation still running: no report yet
    steps, curves = icpe_curves.read_curves(tmp_path)
    assert steps == [400, 800, 1200, 1600]
    assert curves["clade"]["procedural"]["segmenter_feature_frechet_distance"] == pytest.approx([2.0, 1.9, 1.8, 1.7])
    assert curves["clade"]["procedural"]["off_pixel_change"] == [None] * 4
    assert curves["icpe"]["painted-grid"]["off_miou"] == pytest.approx([-0.002] * 4)
    # The last three snapshots: 0.31, 0.32, 0.33.
    assert icpe_curves.tail_mean(curves["icpe"]["procedural"]["miou"]) == pytest.approx(0.32)
    assert icpe_curves.tail_spread(curves["icpe"]["procedural"]["miou"]) == pytest.approx(0.02)
    text = icpe_curves.markdown(steps, curves)
    assert "| 1600 | 0.330 | 1.00 | 0.400 | 1.70 | 0.230 | 1.50 |" in text
    assert "| last 3 | 0.320 | 1.00 | 0.400 | 1.80 | 0.220 | 1.50 |" in text
    assert "of the last-3 means: mIoU 0.100, FD 0.50." in text
    assert "| icpe | compositions | 0.50 px, mIoU -0.002, FD +0.01 |" in text
    assert "| clade |" not in text.split("## ICPE switched off")[1]


def test_the_command_writes_markdown_json_and_plot(tmp_path):
    write_reports(tmp_path, {400: [model("icpe", 0.3, 1.0, off=(0.5, 0.0, 0.0))]})
    out = tmp_path / "curves.md"
    icpe_curves.main([str(tmp_path), "--out", str(out)])
    assert json.loads(out.with_suffix(".json").read_text())["steps"] == [400]
    assert Image.open(out.with_suffix(".png")).size[0] > 0
    with pytest.raises(SystemExit, match=r"no step_N/report\.json"):
        icpe_curves.main([str(tmp_path / "step_400"), "--out", str(out)])


def test_training_losses_are_averaged_per_window_of_steps(tmp_path):
    (tmp_path / "icpe").mkdir()
    records = [{"event": "start"}] + [{"step": step, "g_l1": step / 100, "g_feat": 1.0, "d_hinge": 2.0}
                                      for step in (50, 100, 150, 200, 250)] + [{"event": "snapshot", "step": 200}]
    (tmp_path / "icpe" / "train.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    losses = icpe_curves.read_losses(tmp_path, ["icpe", "clade"], window=100)
    assert list(losses) == ["icpe"]
    assert losses["icpe"]["g_l1"] == pytest.approx({100: 0.75, 200: 1.75, 300: 2.5})
    assert "| icpe | g_l1 | 0.750 | 1.750 | 2.500 |" in icpe_curves.losses_markdown(losses, 100)
