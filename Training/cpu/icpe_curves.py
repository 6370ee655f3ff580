"""Score curves of the ICPE comparison (icpe_comparison.sh): reads EVAL/step_N/report.json (evaluate.py
reports of every run's snapshot at step N) and writes a markdown table of the curves, the same as JSON, and a
plot (PNG) of mIoU and segmenter-feature FD against steps per track.

    python Training/cpu/icpe_curves.py runs/cpu-icpe/eval --out runs/cpu-icpe/curves.md

Settling is judged against the seed noise: the spread of a run's last SETTLE_WINDOW snapshots next to the
gap between the two seeds of the ICPE run at the same steps; the comparison itself uses the mean of each
run's last SETTLE_WINDOW snapshots (one snapshot of a GAN swings by as much as a seed).
"""
from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

TRACKS = ("procedural", "painted-grid", "compositions")
METRICS = (("miou", "mIoU", 3), ("segmenter_feature_frechet_distance", "FD", 2))
SETTLE_WINDOW = 3
SEEDS = ("icpe", "icpe-seed1")
LOSSES = ("g_l1", "g_feat", "d_hinge")
COLOURS = ((31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189), (255, 127, 14), (90, 90, 90))


def read_curves(folder: Path) -> tuple[list[int], dict]:
    """(steps, curves[run][track][metric or 'off_*'] -> list over steps, None where missing)."""
    reports = {}
    for path in folder.glob("step_*/report.json"):
        match = re.fullmatch(r"step_(\d+)", path.parent.name)
        if match:
            reports[int(match.group(1))] = json.loads(path.read_text())
    if not reports:
        raise SystemExit(f"{folder}: no step_N/report.json")
    steps = sorted(reports)
    runs = [m["name"] for m in reports[steps[-1]]["models"]]
    curves = {run: {track: {} for track in TRACKS} for run in runs}
    for step in steps:
        models = {m["name"]: m for m in reports[step]["models"]}
        for run in runs:
            for track in TRACKS:
                scores = models.get(run, {}).get("tracks", {}).get(track, {})
                off = scores.get("icpe_off") or {}
                values = {key: scores.get(key) for key, _, _ in METRICS}
                values.update({"off_" + key: (None if off.get(key) is None or scores.get(key) is None
                                              else off[key] - scores[key]) for key, _, _ in METRICS})
                values["off_pixel_change"] = off.get("mean_abs_pixel_change")
                for key, value in values.items():
                    curves[run][track].setdefault(key, []).append(value)
    return steps, curves


def read_losses(runs: Path, names: list[str], window: int) -> dict:
    """losses[run][loss] -> {window end step: mean of the logged values in (end - window, end]}, from each run's
    train.jsonl (logged every few steps, so settling shows between snapshots too)."""
    losses = {}
    for name in names:
        path = runs / name / "train.jsonl"
        if not path.is_file():
            continue
        records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        windows = {}
        for record in records:
            if "step" in record and "event" not in record:
                end = -(-record["step"] // window) * window
                for key in LOSSES:
                    windows.setdefault(key, {}).setdefault(end, []).append(record[key])
        losses[name] = {key: {end: float(np.mean(v)) for end, v in sorted(by_end.items())}
                        for key, by_end in windows.items()}
    return losses


def losses_markdown(losses: dict, window: int) -> str:
    ends = sorted({end for run in losses.values() for by_end in run.values() for end in by_end})
    lines = ["## Training losses", "",
             (f"Mean of the logged values over each {window}-step window ending at the step shown (train.jsonl): "
              "g_l1 is the L1 distance of the picture drawn with the encoder's code of the real render to that "
              "render (lower: closer), g_feat the discriminator feature matching, d_hinge the discriminator's "
              "loss."),
             ""]
    header = ["run", "loss"] + [str(end) for end in ends]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for run, by_loss in losses.items():
        for key in LOSSES:
            if key in by_loss:
                lines.append(f"| {run} | {key} | " + " | ".join(fmt(by_loss[key].get(end), 3) for end in ends) + " |")
    return "\n".join(lines) + "\n"


def tail_mean(values: list) -> float | None:
    kept = [v for v in values[-SETTLE_WINDOW:] if v is not None]
    return float(np.mean(kept)) if kept else None


def tail_spread(values: list) -> float | None:
    kept = [v for v in values[-SETTLE_WINDOW:] if v is not None]
    return float(max(kept) - min(kept)) if len(kept) > 1 else None


def fmt(value, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def signed(value, digits: int) -> str:
    return "-" if value is None else f"{value:+.{digits}f}"


def markdown(steps: list[int], curves: dict) -> str:
    runs = list(curves)
    lines = ["# ICPE comparison: score curves", "",
             (f"Snapshots at steps {', '.join(map(str, steps))}; every cell is one evaluate.py score of that run's "
              f"snapshot. 'Last {SETTLE_WINDOW}': the mean of the last {SETTLE_WINDOW} snapshots; 'spread': their "
              f"largest minus smallest; 'seeds': |{SEEDS[0]} - {SEEDS[1]}| (the seed noise)."), ""]
    for track in TRACKS:
        lines += [f"## {track}", ""]
        header = ["step"] + [f"{run} {label}" for run in runs for _, label, _ in METRICS]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for i, step in enumerate(steps):
            cells = [fmt(curves[run][track][key][i], digits) for run in runs for key, _, digits in METRICS]
            lines.append(f"| {step} | " + " | ".join(cells) + " |")
        for label, function in ((f"last {SETTLE_WINDOW}", tail_mean), ("spread", tail_spread)):
            cells = [fmt(function(curves[run][track][key]), digits) for run in runs for key, _, digits in METRICS]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        if all(seed in curves for seed in SEEDS):
            first, second = curves[SEEDS[0]][track], curves[SEEDS[1]][track]
            gaps = {key: [None if a is None or b is None else abs(a - b)
                          for a, b in zip(first[key], second[key], strict=True)]
                    for key, _, _ in METRICS}
            means = {key: (tail_mean(first[key]), tail_mean(second[key])) for key, _, _ in METRICS}
            per_step = "; ".join(f"{label} " + ", ".join(fmt(v, digits) for v in gaps[key])
                                 for key, label, digits in METRICS)
            of_means = ", ".join(f"{label} {fmt(abs(means[key][0] - means[key][1]), digits)}"
                                 for key, label, digits in METRICS if None not in means[key])
            lines += ["", (f"Seed noise ({track}), |{SEEDS[0]} - {SEEDS[1]}| per step: {per_step}; "
                           f"of the last-{SETTLE_WINDOW} means: {of_means}.")]
        lines.append("")
    lines += ["## ICPE switched off (a zero distance map, the app's ICPE key)", "",
              ("Change in each score when the ICPE-trained model draws without the distance map, and the mean "
               "absolute pixel change (0..255), at every snapshot."), ""]
    header = ["run", "track"] + [str(step) for step in steps] + [f"last {SETTLE_WINDOW}"]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for run in runs:
        for track in TRACKS:
            values = curves[run][track]
            if all(v is None for v in values["off_pixel_change"]):
                continue
            cells = [f"{fmt(p, 2)} px, mIoU {signed(m, 3)}, FD {signed(f, 2)}" for p, m, f in
                     zip(values["off_pixel_change"], values["off_miou"],
                         values["off_segmenter_feature_frechet_distance"], strict=True)]
            last = (f"{fmt(tail_mean(values['off_pixel_change']), 2)} px, "
                    f"mIoU {signed(tail_mean(values['off_miou']), 3)}, "
                    f"FD {signed(tail_mean(values['off_segmenter_feature_frechet_distance']), 2)}")
            lines.append(f"| {run} | {track} | " + " | ".join(cells) + f" | {last} |")
    return "\n".join(lines) + "\n"


def plot(steps: list[int], curves: dict, path: Path) -> None:
    """One panel per track and metric (rows: mIoU, FD; each panel its own range), one line per run, a legend at
    the bottom."""
    panel_w, panel_h, margin = 300, 170, 44
    runs = list(curves)
    legend_h = 18 * len(runs) + 8
    image = Image.new("RGB", (margin + len(TRACKS) * (panel_w + margin), len(METRICS) * (panel_h + 2 * margin)
                              + legend_h), "white")
    draw = ImageDraw.Draw(image)
    x_span = (min(steps), max(steps)) if len(steps) > 1 else (0, max(steps) or 1)
    for row, (key, label, digits) in enumerate(METRICS):
        for column, track in enumerate(TRACKS):
            values = [v for run in runs for v in curves[run][track][key] if v is not None]
            low, high = (min(values), max(values)) if values else (0.0, 1.0)
            high = high if high > low else low + 1.0
            left, top = margin + column * (panel_w + margin), margin + row * (panel_h + 2 * margin)
            draw.rectangle((left, top, left + panel_w, top + panel_h), outline=(0, 0, 0))
            draw.text((left, top - 14), f"{track}: {label}", fill=(0, 0, 0))
            draw.text((left - 40, top), fmt(high, digits), fill=(0, 0, 0))
            draw.text((left - 40, top + panel_h - 10), fmt(low, digits), fill=(0, 0, 0))
            draw.text((left, top + panel_h + 4), str(x_span[0]), fill=(0, 0, 0))
            draw.text((left + panel_w - 30, top + panel_h + 4), str(x_span[1]), fill=(0, 0, 0))
            for index, run in enumerate(runs):
                points = [(left + (s - x_span[0]) / ((x_span[1] - x_span[0]) or 1) * panel_w,
                           top + panel_h - (v - low) / (high - low) * panel_h)
                          for s, v in zip(steps, curves[run][track][key], strict=True) if v is not None]
                colour = COLOURS[index % len(COLOURS)]
                if len(points) > 1:
                    draw.line(points, fill=colour, width=2)
                for x, y in points:
                    draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=colour)
    for index, run in enumerate(runs):
        y = image.height - legend_h + 4 + 18 * index
        draw.line((margin, y + 6, margin + 24, y + 6), fill=COLOURS[index % len(COLOURS)], width=3)
        draw.text((margin + 30, y), run, fill=(0, 0, 0))
    temporary = path.with_name(path.name + ".tmp.png")
    image.save(temporary)
    os.replace(temporary, path)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("eval", help="folder with step_N/report.json")
    p.add_argument("--out", required=True, help="markdown file; the JSON and PNG go beside it")
    p.add_argument("--runs", default="", help="folder with RUN/train.jsonl per run: adds the training losses")
    p.add_argument("--loss-window", type=int, default=200, help="steps per training-loss window")
    args = p.parse_args(argv)
    steps, curves = read_curves(Path(args.eval))
    out = Path(args.out)
    report = markdown(steps, curves)
    if args.runs:
        report += "\n" + losses_markdown(read_losses(Path(args.runs), list(curves), args.loss_window),
                                         args.loss_window)
    for path, text in ((out, report),
                       (out.with_suffix(".json"), json.dumps({"steps": steps, "curves": curves}, indent=1) + "\n")):
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text)
        os.replace(temporary, path)
    plot(steps, curves, out.with_suffix(".png"))


if __name__ == "__main__":
    main()
