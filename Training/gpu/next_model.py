"""The next landscape model, in one call of at most ten minutes on one GPU machine (16 cores, no network).

    python3 Training/gpu/next_model.py --out "$OUT"                      # on the GPU machine
    .venv/bin/python Training/gpu/next_model.py --out runs/rehearsal --rehearsal     # on a CPU, tiny sizes

In this order, against one deadline (default 570 s after the start), each stage given what is left
(`--stages ship` or `--stages icpe` runs one part alone, e.g. as two calls on the same warm machine):
1. the training caches, built with all cores: 256x256 with the recipe's data (painted-first layouts rendered
   into their cells, procedural layouts on the app's grid, procedural layouts as rendered) and the same data at
   128x128 for the ICPE comparison;
2. the candidate: the winning recipe (averaged weights, ICPE drop, painted-first data, the discriminator given
   by --discriminator) started from the shipped weights (Models/landscape.safetensors) with the GPU to itself,
   for every second the later stages do not need, then given its style bank (Training/style_bank.py); its
   model file is packed into OUT at once, so it survives a late failure;
3. side by side on the GPU: the evaluation of the candidate against the shipped model on every track of
   Training/evaluate.py (judge: docs/training-run/segmenter.pt), and the ICPE comparison: CLADE-ICPE, CLADE and
   CLADE-ICPE with ICPE drop trained from scratch at 128x128, snapshots every SNAPSHOT_EVERY steps;
4. the verdict (verdict.json, verdict.md): the candidate ships only if it wins every track, where winning a
   track means a lower segmenter-feature Frechet distance and an mIoU no lower than the shipped model's;
5. the ICPE comparison evaluated at the largest snapshot step all three runs reached (equal steps);
6. logs, reports, pictures and sample grids packed into OUT as results.tgz.

OUT receives at most 8 files of at most 15 MiB (the device's limits are 8 files of 16 MiB): candidate.safetensors
split into parts (join with `cat candidate.safetensors.part-* > candidate.safetensors`; its sha256 is in
verdict.json), verdict.json, results.tgz (split the same way where larger). The rehearsal runs every stage at a tiny
size on the CPU, with a tiny model trained first standing in for the shipped one and a tiny segmenter as the judge.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PART_BYTES = 15 * 1024 * 1024
TRACK_RULE = "lower segmenter-feature Frechet distance and an mIoU no lower than the shipped model's"


@dataclass
class Plan:
    """Sizes and seconds of one run. `seconds` are the reserves of the stages after the candidate's training."""

    size: str
    ngf: int
    z_dim: int
    batch: int
    cache: int
    icpe_size: str
    icpe_batch: int
    icpe_cache: int
    icpe_seconds: float
    snapshot_every: int
    eval_count: int
    style_layouts: int
    diversity_layouts: int
    presets_per_style: int
    d_warmup: int
    style_bank: int
    extra: list[str] = field(default_factory=list)
    # Seconds kept back after the candidate's training: its export (average statistics, style presets, bank), the
    # evaluation beside the ICPE runs, the ICPE evaluation and the packing.
    export_reserve: float = 50.0
    eval_reserve: float = 130.0
    icpe_eval_reserve: float = 60.0
    pack_reserve: float = 20.0
    ship_cap: float = 0.0


GPU = Plan(size="256x256", ngf=32, z_dim=128, batch=32, cache=8000, icpe_size="128x128", icpe_batch=32,
           icpe_cache=4000, icpe_seconds=110.0, snapshot_every=100, eval_count=200, style_layouts=16,
           diversity_layouts=32, presets_per_style=16, d_warmup=100, style_bank=384)
REHEARSAL = Plan(size="64x64", ngf=4, z_dim=8, batch=2, cache=24, icpe_size="64x64", icpe_batch=2, icpe_cache=16,
                 icpe_seconds=12.0, snapshot_every=2, eval_count=4, style_layouts=2, diversity_layouts=2,
                 presets_per_style=1, d_warmup=2, style_bank=4,
                 extra=["--ndf", "8", "--threads", "1", "--workers", "2"], export_reserve=40.0, eval_reserve=150.0,
                 icpe_eval_reserve=120.0, pack_reserve=10.0, ship_cap=20.0)

# The recipe of the candidate (see Models/landscape.md, "Recipe comparison").
RECIPE = ["--ema-decay", "0.999", "--icpe-drop", "0.2", "--painted", "0.35", "--paintify", "0.35",
          "--paint-grid", "app"]


class Run:
    """The clock, the folders and the log of one run."""

    def __init__(self, args):
        self.started = time.time()
        self.deadline = args.deadline
        self.out = Path(args.out).resolve()
        self.work = Path(args.work).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.work.mkdir(parents=True, exist_ok=True)
        self.python = args.python

    def elapsed(self) -> float:
        return time.time() - self.started

    def left(self) -> float:
        return self.deadline - self.elapsed()

    def say(self, text: str) -> None:
        print(f"[{self.elapsed():5.0f}s] {text}", flush=True)

    def start(self, name: str, script: str, options: list[str]) -> subprocess.Popen:
        """Starts Training/<script> with `options`, its output in WORK/<name>.log."""
        log = open(self.work / f"{name}.log", "w")
        self.say(f"{name}: {script} {' '.join(options)}")
        return subprocess.Popen([self.python, str(ROOT / "Training" / script), *options], stdout=log,
                                stderr=subprocess.STDOUT, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def finish(self, name: str, process: subprocess.Popen, timeout: float | None = None) -> bool:
        """Waits for `process` (killed after `timeout` seconds); says how it ended with its log's last line."""
        try:
            code = process.wait(timeout=None if timeout is None else max(timeout, 5.0))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            code = "killed at its time limit"
        lines = (self.work / f"{name}.log").read_text().strip().splitlines()
        self.say(f"{name}: exit {code}; {lines[-1][:300] if lines else '(no output)'}")
        return code == 0


def common_options(plan: Plan, size: str, batch: int, cache: int, run: Run) -> list[str]:
    return ["--size", size, "--ngf", str(plan.ngf), "--z-dim", str(plan.z_dim), "--batch-size", str(batch),
            "--cache-size", str(cache), "--cache-dir", str(run.work / "cache"), "--log-every", "50",
            "--checkpoint-every", "0", "--sample-every", "1000", *plan.extra]


def pack(path: Path, out: Path, name: str) -> list[str]:
    """Copies `path` into OUT as `name`, split into parts of at most PART_BYTES when larger. Returns the names."""
    size = path.stat().st_size
    if size <= PART_BYTES:
        shutil.copyfile(path, out / name)
        return [name]
    count = -(-size // PART_BYTES)
    chunk = -(-size // count)
    names = []
    with open(path, "rb") as source:
        for index in range(count):
            part = f"{name}.part-{index}"
            (out / part).write_bytes(source.read(chunk))
            names.append(part)
    return names


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def track_scores(report: dict, name: str) -> dict[str, dict]:
    """{track: {miou, fd}} of model `name` in an evaluate.py report."""
    model = next(m for m in report["models"] if m["name"] == name)
    return {track: {"miou": scores["miou"], "fd": scores["segmenter_feature_frechet_distance"]}
            for track, scores in model["tracks"].items()}


def verdict(report: dict, candidate: str, current: str) -> dict:
    """Per track whether the candidate wins (TRACK_RULE), and whether it ships (it wins every track)."""
    ours, theirs = track_scores(report, candidate), track_scores(report, current)
    tracks = {}
    for track in theirs:
        a, b = ours[track], theirs[track]
        tracks[track] = {"candidate": a, "current": b, "wins": a["fd"] < b["fd"] and a["miou"] >= b["miou"]}
    return {"rule": TRACK_RULE, "tracks": tracks, "ships": all(t["wins"] for t in tracks.values())}


def verdict_markdown(result: dict) -> str:
    lines = ["# Candidate against the shipped model", "",
             f"A track is won with a {result['rule']}. Ships: **{'yes' if result['ships'] else 'no'}**.", "",
             "| track | mIoU candidate | mIoU shipped | FD candidate | FD shipped | wins |",
             "|---|---|---|---|---|---|"]
    for track, t in result["tracks"].items():
        lines.append(f"| {track} | {t['candidate']['miou']:.3f} | {t['current']['miou']:.3f} | "
                     f"{t['candidate']['fd']:.3f} | {t['current']['fd']:.3f} | {'yes' if t['wins'] else 'no'} |")
    return "\n".join(lines) + "\n"


def largest_common_snapshot(folders: list[Path]) -> int | None:
    steps = None
    for folder in folders:
        mine = {int(p.stem.split("_")[1]) for p in folder.glob("snapshot_*.safetensors")}
        steps = mine if steps is None else steps & mine
    return max(steps) if steps else None


def rehearsal_stand_ins(plan: Plan, run: Run) -> tuple[Path, Path]:
    """A tiny model standing in for the shipped one and a tiny segmenter as the judge."""
    common = common_options(plan, plan.size, plan.batch, plan.cache, run)
    current = run.work / "current"
    run.finish("current", run.start("current", "train.py", [*common, "--out", str(current), "--max-steps", "3",
                                                            "--style-presets", "--presets-per-style", "1"]))
    judge = run.work / "segmenter.pt"
    run.finish("segmenter", run.start("segmenter", "segmenter.py", [
        "--out", str(judge), "--size", plan.size, "--steps", "3", "--batch-size", "2", "--cache-size",
        str(plan.cache), "--cache-dir", str(run.work / "cache"), "--workers", "2", "--threads", "1"]))
    return current / "model.safetensors", judge


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True, help="folder whose files come back from the GPU machine")
    p.add_argument("--work", default="runs/next-model", help="working folder (caches, runs)")
    p.add_argument("--deadline", type=float, default=570.0, help="seconds from the start by which all is packed")
    p.add_argument("--discriminator", choices=("patch", "segmentation"), default="patch")
    p.add_argument("--current", default=str(ROOT / "Models" / "landscape.safetensors"), help="the shipped model")
    p.add_argument("--segmenter", default=str(ROOT / "docs" / "training-run" / "segmenter.pt"))
    p.add_argument("--stages", default="ship,icpe", help="ship (the candidate and its verdict), icpe (the ICPE "
                   "comparison), or both")
    p.add_argument("--rehearsal", action="store_true", help="tiny sizes on the CPU (see the module notes)")
    p.add_argument("--python", default=sys.executable)
    args = p.parse_args(argv)
    plan = REHEARSAL if args.rehearsal else GPU
    stages = {s.strip() for s in args.stages.split(",") if s.strip()}
    if not stages or stages - {"ship", "icpe"}:
        raise SystemExit(f"--stages must name ship and/or icpe, got {args.stages!r}")
    run = Run(args)
    status = 0
    run.say(f"plan {'rehearsal' if args.rehearsal else 'GPU'}: {plan}")
    machine = subprocess.run("nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; nproc; "
                             f"{args.python} -c 'import torch; print(\"torch\", torch.__version__)'", shell=True,
                             capture_output=True, text=True, check=False)
    (run.work / "machine.txt").write_text(machine.stdout + machine.stderr)
    run.say("machine: " + " | ".join(machine.stdout.split("\n")))

    current, judge = Path(args.current), Path(args.segmenter)
    if args.rehearsal and "ship" in stages:
        current, judge = rehearsal_stand_ins(plan, run)
    elif args.rehearsal:
        judge = rehearsal_stand_ins(plan, run)[1]
    ship = common_options(plan, plan.size, plan.batch, plan.cache, run) + RECIPE + [
        "--discriminator", args.discriminator, "--f16", "--style-presets", "--presets-per-style",
        str(plan.presets_per_style)]
    icpe_common = common_options(plan, plan.icpe_size, plan.icpe_batch, plan.icpe_cache, run) + [
        "--painted", "0.35", "--paintify", "0.35", "--paint-grid", "app", "--export", "", "--f16",
        "--snapshot-steps", ",".join(str(plan.snapshot_every * k) for k in range(1, 400))]

    # 1. Caches.
    caches = ([("cache", ship)] if "ship" in stages else []) + ([("cache-icpe", icpe_common)] if "icpe" in stages
                                                               else [])
    for name, options in caches:
        preparing = run.start(name, "train.py", [*options, "--out", str(run.work / name), "--prepare-only"])
        if not run.finish(name, preparing):
            return 1

    # 2. The candidate, with the GPU to itself.
    candidate = run.work / "candidate" / "model.safetensors"
    packed = []
    candidate_sha256 = None
    if "ship" in stages:
        later = (max(plan.icpe_seconds + 30.0, plan.eval_reserve) + plan.icpe_eval_reserve if "icpe" in stages
                 else plan.eval_reserve) + plan.pack_reserve
        seconds = run.left() - later - plan.export_reserve
        if plan.ship_cap:
            seconds = min(seconds, plan.ship_cap)
        if seconds < 30.0 and not args.rehearsal:
            run.say(f"only {seconds:.0f} s left for the candidate: stopping")
            return 1
        trained = run.finish("candidate", run.start("candidate", "train.py", [
            *ship, "--out", str(candidate.parent), "--init-from", str(current), "--d-warmup", str(plan.d_warmup),
            "--time-budget", f"{seconds:.0f}", "--max-steps", "100000000"]))
        # Random styles come from the bank of its own encoder's codes of real renders (Training/style_bank.py).
        if trained and candidate.is_file():
            trained = run.finish("style-bank", run.start("style-bank", "style_bank.py", [
                "--model", str(candidate), "--count", str(plan.style_bank)]))
        if trained and candidate.is_file():
            packed += pack(candidate, run.out, "candidate.safetensors")
            candidate_sha256 = sha256(candidate)
        else:
            status = 1

    # 3. The candidate's evaluation beside the ICPE runs.
    icpe_runs = {"clade-icpe": [], "clade": ["--no-icpe"], "clade-icpe-drop": ["--icpe-drop", "0.3"]}
    if "icpe" not in stages:
        icpe_runs = {}
    processes = {name: run.start(name, "train.py", [*icpe_common, *extra, "--out", str(run.work / name),
                                                    "--time-budget", f"{plan.icpe_seconds:.0f}",
                                                    "--max-steps", "100000000"])
                 for name, extra in icpe_runs.items()}
    evaluation = None
    if "ship" in stages and candidate.is_file():
        evaluation = run.start("eval", "evaluate.py", [
            "--model", f"shipped={current}", "--model", f"candidate={candidate}", "--segmenter", str(judge),
            "--out", str(run.work / "eval"), "--count", str(plan.eval_count), "--style-layouts",
            str(plan.style_layouts), "--diversity-layouts", str(plan.diversity_layouts), "--cache-dir",
            str(run.work / "cache")])
    for name, process in processes.items():
        run.finish(name, process, timeout=plan.icpe_seconds + 120)
    result = {"ships": False, "reason": "no evaluation" if "ship" in stages else "not run (--stages)"}
    if evaluation is not None and run.finish("eval", evaluation, timeout=run.left() - plan.icpe_eval_reserve
                                               - plan.pack_reserve):
        report = json.loads((run.work / "eval" / "report.json").read_text())
        result = verdict(report, "candidate", "shipped")
        (run.work / "eval" / "verdict.md").write_text(verdict_markdown(result))
        run.say(verdict_markdown(result))
    elif "ship" in stages:
        status = 1

    # 5. ICPE at equal steps.
    folders = [run.work / name for name in icpe_runs]
    step = largest_common_snapshot(folders) if folders else None
    if step is not None:
        models = [f"--model={name}@{step}={run.work / name / f'snapshot_{step:07d}.safetensors'}"
                  for name in icpe_runs]
        # Fewer layouts than the verdict's evaluation: three models share the ICPE evaluation's reserve.
        run.finish("eval-icpe", run.start("eval-icpe", "evaluate.py", [
            *models, "--segmenter", str(judge), "--out", str(run.work / "eval-icpe"), "--count",
            str(max(plan.eval_count // 2, 1)), "--style-layouts", str(plan.style_layouts), "--diversity-layouts",
            str(plan.diversity_layouts // 2), "--cache-dir", str(run.work / "cache")]),
            timeout=run.left() - plan.pack_reserve)
    elif folders:
        run.say("ICPE comparison: no snapshot step that all runs reached")
        status = 1
    result.update(candidate_sha256=candidate_sha256, icpe_comparison_step=step,
                  elapsed_seconds=round(run.elapsed(), 1))

    # 6. Results.
    (run.out / "verdict.json").write_text(json.dumps(result, indent=2) + "\n")
    packed.append("verdict.json")
    bundle = run.work / "results.tgz"
    with tarfile.open(bundle, "w:gz") as tar:
        for path in sorted(run.work.glob("*.log")) + [run.work / "machine.txt"]:
            tar.add(path, arcname=path.name)
        for name in ["candidate", *icpe_runs]:
            folder = run.work / name
            if (folder / "train.jsonl").is_file():
                tar.add(folder / "train.jsonl", arcname=f"{name}/train.jsonl")
            samples = sorted((folder / "samples").glob("*.png"))
            if samples:
                tar.add(samples[-1], arcname=f"{name}/{samples[-1].name}")
        for name in ("eval", "eval-icpe"):
            if (run.work / name).is_dir():
                tar.add(run.work / name, arcname=name)
    packed += pack(bundle, run.out, "results.tgz")
    run.say(f"packed into {run.out}: {', '.join(packed)}; ships: {result.get('ships')}")
    if len(packed) > 8:
        run.say(f"WARNING: {len(packed)} files in OUT, the device brings back 8")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
