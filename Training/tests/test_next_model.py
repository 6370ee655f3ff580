"""The pure parts of the GPU driver Training/gpu/next_model.py (its stages are rehearsed on the CPU, see
docs/training-run/rehearsal)."""
from gpu import next_model


def report(candidate, current):
    """An evaluate.py report with two models; each argument maps track -> (mIoU, FD)."""
    def model(name, tracks):
        return {"name": name, "tracks": {t: {"miou": m, "segmenter_feature_frechet_distance": fd}
                                         for t, (m, fd) in tracks.items()}}
    return {"models": [model("shipped", current), model("candidate", candidate)]}


def test_the_candidate_ships_only_when_it_wins_every_track():
    current = {"procedural": (0.5, 1.0), "painted-grid": (0.4, 2.0)}
    better = next_model.verdict(report({"procedural": (0.5, 0.9), "painted-grid": (0.45, 1.5)}, current),
                                "candidate", "shipped")
    assert better["ships"] and all(t["wins"] for t in better["tracks"].values())
    # A lower FD with a lower mIoU does not win that track, and one lost track stops the ship.
    mixed = next_model.verdict(report({"procedural": (0.49, 0.5), "painted-grid": (0.6, 1.0)}, current),
                               "candidate", "shipped")
    assert not mixed["ships"]
    assert [mixed["tracks"][t]["wins"] for t in ("procedural", "painted-grid")] == [False, True]
    assert "| procedural | 0.490 | 0.500 | 0.500 | 1.000 | no |" in next_model.verdict_markdown(mixed)


def test_files_larger_than_a_part_are_split_into_equal_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(next_model, "PART_BYTES", 10)
    source = tmp_path / "model.bin"
    source.write_bytes(bytes(range(25)))
    out = tmp_path / "out"
    out.mkdir()
    names = next_model.pack(source, out, "model.bin")
    assert names == ["model.bin.part-0", "model.bin.part-1", "model.bin.part-2"]
    assert all((out / n).stat().st_size <= 10 for n in names)
    assert b"".join((out / n).read_bytes() for n in names) == source.read_bytes()
    small = tmp_path / "small.bin"
    small.write_bytes(b"abc")
    assert next_model.pack(small, out, "small.bin") == ["small.bin"]


def test_the_icpe_comparison_uses_the_largest_step_every_run_reached(tmp_path):
    for name, steps in (("a", (100, 200, 300)), ("b", (100, 200)), ("c", (100, 200, 300, 400))):
        (tmp_path / name).mkdir()
        for step in steps:
            (tmp_path / name / f"snapshot_{step:07d}.safetensors").write_bytes(b"")
    assert next_model.largest_common_snapshot([tmp_path / n for n in "abc"]) == 200
    (tmp_path / "d").mkdir()
    assert next_model.largest_common_snapshot([tmp_path / n for n in "abcd"]) is None


def test_the_gpu_plan_leaves_the_candidate_most_of_the_call():
    plan = next_model.GPU
    # Caches take about 70 s on 16 cores; what the later stages keep back must leave the candidate 200 s.
    later = max(plan.icpe_seconds + 30, plan.eval_reserve) + plan.icpe_eval_reserve + plan.pack_reserve
    assert 570 - 70 - later - plan.export_reserve >= 200
