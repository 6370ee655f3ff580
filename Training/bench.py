"""`make bench`: the Swift engine (`clade-paint bench`) against PyTorch eager on the same weights and input.

For the bundled model and for the same layout at ngf 64 (random weights, exported to a temporary model file that
both sides read), a Swift worker process and a PyTorch worker process each load the model once; the driver then
asks them for forward passes ALTERNATELY (one warm-up each, then --repeat rounds), so that load from the other
helpers on the machine hits both sides alike. Each worker is its own process, so its peak RSS (ru_maxrss) is its
own (VmHWM). The driver compares the two pictures (max abs difference), times a large sgemm in Swift (the ceiling) and
CLADE against SPADE normalisation in Swift, and prints a Markdown table with the targets of docs/performance.md.

    python Training/bench.py --binary .build/release/clade-paint [--repeat 5] [--threads 2]
    python Training/bench.py --worker MODEL IO OUT THREADS     (internal: the PyTorch side)

OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are passed on unchanged to both sides.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from safetensors.numpy import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clade import conditioning, modelfile  # noqa: E402
from clade.config import ModelConfig  # noqa: E402
from clade.networks import ConvEncoder, SPADEGenerator, make_semantic  # noqa: E402
from fixtures_models import random_layout, randomize_weights  # noqa: E402
from landscape.layout import make_layout  # noqa: E402

BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Models", "landscape.safetensors")
LAYOUT_SEED = 11
# Targets of issue 6 (docs/performance.md).
SPEEDUP_TARGET = 2.0
CEILING_TARGET = 0.60
RSS_SLACK_BYTES = 64 * 2**20
RSS_WEIGHT_FACTOR = 1.5
# Agreement of the two pictures: the parity tolerance of the engine's tests (1e-4 on the image).
IMAGE_TOLERANCE = 1e-4


def write_input(config: ModelConfig, path: str) -> None:
    """A landscape layout at the model's size (instances kept, so edges and ICPE are real): in.labels I32 [H, W], in.edges [1, H, W], in.dist [2, H, W],
    in.z [z_dim] (the tensor names of the parity fixtures)."""
    layout = make_layout(LAYOUT_SEED, width=config.width, height=config.height)
    # A model with fewer classes than the landscape set (e.g. a parity fixture) gets the ids wrapped around.
    labels = (layout.labels.astype(np.int32) % config.class_count).astype(np.int32)
    ignored = config.label_nc if config.contain_dontcare_label else None
    z = np.random.default_rng(LAYOUT_SEED).standard_normal(config.z_dim).astype(np.float32)
    save_file({
        "in.labels": labels,
        "in.edges": conditioning.edge_map(labels, layout.instances)[None].astype(np.float32),
        "in.dist": conditioning.distance_map(labels, layout.instances, ignored_class=ignored).astype(np.float32),
        "in.z": z,
    }, path)


def write_random_model(base: ModelConfig, ngf: int, path: str) -> None:
    """The layout of `base` at width `ngf` with random weights (fixture init, batch-norm statistics from one
    train-mode pass over two random layouts), exported as F16 like the bundled model: both engines widen the
    same F16 values to F32, so they compute with identical weights."""
    config = ModelConfig.from_dict({**base.to_dict(), "ngf": ngf, "style_presets": {}})
    torch.manual_seed(ngf)
    rng = np.random.default_rng(ngf)
    generator = SPADEGenerator(config)
    encoder = ConvEncoder(config) if config.use_vae else None
    randomize_weights(generator)
    norms = [m for m in generator.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    generator.train()
    with torch.no_grad():
        layouts = [random_layout(config, rng) for _ in range(2)]
        seg = make_semantic(torch.from_numpy(np.stack([l.labels for l in layouts])),
                            torch.from_numpy(np.stack([l.edges for l in layouts])), config)
        dist = torch.from_numpy(np.stack([l.dist for l in layouts]))
        generator(seg, dist, torch.randn(2, config.z_dim))
    generator.eval()
    modelfile.export(path, config, generator, encoder, dtype="F16")


def worker(model_path: str, io_path: str, out_path: str, threads: int) -> None:
    """The PyTorch side: one forward pass per line on stdin (the first untimed), {"ms"} per timed pass,
    then the last picture to `out_path` (raw float32 [3, H, W]) and a summary with the peak RSS."""
    from safetensors.numpy import load_file
    torch.set_num_threads(threads)
    config, generator, _ = modelfile.load(model_path)
    io = load_file(io_path)
    labels = torch.from_numpy(io["in.labels"].astype(np.int64))[None]
    seg = make_semantic(labels, torch.from_numpy(io["in.edges"])[None] if config.use_instance_edges else None, config)
    dist = torch.from_numpy(io["in.dist"])[None] if config.use_icpe else None
    z = torch.from_numpy(io["in.z"])[None] if config.use_vae else None
    times = []
    with torch.no_grad():
        image = generator(seg, dist, z)
        for _ in sys.stdin:
            start = time.perf_counter()
            image = generator(seg, dist, z)
            times.append((time.perf_counter() - start) * 1e3)
            print(json.dumps({"ms": times[-1]}), flush=True)
    image[0].numpy().astype("<f4").tofile(out_path)
    print(json.dumps({"median_ms": statistics.median(times) if times else float("nan"), "threads": torch.get_num_threads(),
                      "peak_rss_kib": peak_resident_kib()}), flush=True)


def peak_resident_kib() -> int:
    """VmHWM of /proc/self/status: the peak RSS of this process alone (ru_maxrss keeps the parent's peak
    across fork and exec, so a worker would report the driver's memory)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise SystemExit("no VmHWM in /proc/self/status")


class Worker:
    """A worker process driven line by line: `step()` runs one pass and returns its time."""

    def __init__(self, command: list[str]):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def step(self) -> float:
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"worker {self.process.args[:3]} ended early (exit {self.process.wait()})")
        return json.loads(line)["ms"]

    def finish(self) -> dict:
        self.process.stdin.close()
        summary = json.loads(self.process.stdout.read().strip().splitlines()[-1])
        if self.process.wait() != 0:
            raise SystemExit(f"worker {self.process.args[:3]} failed")
        return summary


def compare(binary: str, model: str, io: str, threads: int, repeat: int, folder: str) -> dict:
    swift_out, torch_out = os.path.join(folder, "swift.f32"), os.path.join(folder, "torch.f32")
    swift = Worker([binary, "bench", "generator", "--model", model, "--input", io, "--output", swift_out,
                    "--threads", str(threads), "--serve"])
    python = Worker([sys.executable, os.path.abspath(__file__), "--worker", model, io, torch_out, str(threads)])
    swift_times, torch_times = [], []
    for _ in range(repeat):
        swift_times.append(swift.step())
        torch_times.append(python.step())
    swift_summary, torch_summary = swift.finish(), python.finish()
    difference = float(np.abs(np.fromfile(swift_out, "<f4") - np.fromfile(torch_out, "<f4")).max())
    return {"swift_ms": statistics.median(swift_times), "torch_ms": statistics.median(torch_times),
            "swift_times": swift_times, "torch_times": torch_times, "flops": swift_summary["flops"],
            "weight_bytes": swift_summary["weight_bytes_f32"],
            "generator_weight_bytes": swift_summary["generator_weight_bytes_f32"], "swift_rss": swift_summary["peak_rss_kib"] * 1024,
            "torch_rss": torch_summary["peak_rss_kib"] * 1024, "torch_threads": torch_summary["threads"],
            "max_abs_diff": difference}


def run_json(command: list[str]) -> dict:
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/clade-paint", help="the release clade-paint")
    parser.add_argument("--model", default=BUNDLED, help="the bundled model")
    parser.add_argument("--ngf", type=int, default=64, help="width of the random-weight model (0: skip it)")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes per engine and model")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads of both engines")
    args = parser.parse_args()

    load_before = os.getloadavg()
    base = modelfile.read_config(args.model)
    rows = []
    with tempfile.TemporaryDirectory(prefix="clade-bench-") as folder:
        io = os.path.join(folder, "input.safetensors")
        write_input(base, io)
        models = [(f"bundled ({os.path.basename(args.model)}, ngf {base.ngf})", args.model)]
        if args.ngf:
            random_model = os.path.join(folder, f"random-ngf{args.ngf}.safetensors")
            write_random_model(base, args.ngf, random_model)
            models.append((f"random weights, ngf {args.ngf}", random_model))
        sgemm = [run_json([args.binary, "bench", "sgemm", "--threads", str(args.threads)])]
        for name, path in models:
            print(f"timing {name} ...", file=sys.stderr, flush=True)
            rows.append((name, compare(args.binary, path, io, args.threads, args.repeat, folder)))
            sgemm.append(run_json([args.binary, "bench", "sgemm", "--threads", str(args.threads)]))
        norms = run_json([args.binary, "bench", "norms", "--model", args.model, "--input", io,
                          "--threads", str(args.threads), "--repeat", str(args.repeat)])
    load_after = os.getloadavg()
    ceiling = statistics.median(s["gflops_per_s"] for s in sgemm)

    size = f"{base.width}x{base.height}"
    print(f"\n{size}, {args.threads} threads each, median of {args.repeat} alternated passes; "
          f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
          f"sgemm ceiling (M=512 N=4096 K=4608, median of {len(sgemm)} runs) {ceiling:.1f} GFLOP/s\n")
    print("| model | GFLOP | PyTorch ms | Swift ms | PyTorch/Swift | Swift GFLOP/s | of ceiling | "
          "max abs diff | Swift RSS (limit) | PyTorch RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    verdicts = []
    for name, r in rows:
        speedup = r["torch_ms"] / r["swift_ms"]
        gflops = r["flops"] / r["swift_ms"] / 1e6
        fraction = gflops / ceiling
        limit = RSS_WEIGHT_FACTOR * r["weight_bytes"] + RSS_SLACK_BYTES
        print(f"| {name} | {r['flops'] / 1e9:.1f} | {r['torch_ms']:.0f} | {r['swift_ms']:.0f} | {speedup:.2f}x | "
              f"{gflops:.1f} | {100 * fraction:.0f} % | {r['max_abs_diff']:.1e} | "
              f"{mib(r['swift_rss'])} ({mib(limit)}) | {mib(r['torch_rss'])} |")
        verdicts += [
            (f"{name}: Swift >= {SPEEDUP_TARGET:.0f}x faster than PyTorch", speedup >= SPEEDUP_TARGET, f"{speedup:.2f}x"),
            (f"{name}: >= {100 * CEILING_TARGET:.0f} % of the sgemm ceiling", fraction >= CEILING_TARGET,
             f"{100 * fraction:.0f} %"),
            (f"{name}: peak RSS <= 1.5 x fp32 weights of the file + 64 MiB", r["swift_rss"] <= limit,
             f"{mib(r['swift_rss'])} of {mib(limit)} (generator alone: "
             f"{mib(RSS_WEIGHT_FACTOR * r['generator_weight_bytes'] + RSS_SLACK_BYTES)})"),
            (f"{name}: pictures agree (max abs diff <= {IMAGE_TOLERANCE:g})", r["max_abs_diff"] <= IMAGE_TOLERANCE,
             f"{r['max_abs_diff']:.1e}"),
        ]
    print(f"\nCLADE vs SPADE normalisation, same layout ({size}, ngf {base.ngf}, random weights, Swift): "
          f"CLADE {norms['clade_ms']:.0f} ms, SPADE {norms['spade_ms']:.0f} ms; time ratio {norms['time_ratio']:.3f}, "
          f"FLOP ratio {norms['flop_ratio']:.3f}")
    per_pass = "; ".join(f"{name}: Swift {', '.join(f'{t:.0f}' for t in r['swift_times'])} / PyTorch "
                         f"{', '.join(f'{t:.0f}' for t in r['torch_times'])}" for name, r in rows)
    print(f"passes (ms): {per_pass}")
    print("\ntargets:")
    for what, met, figure in verdicts:
        print(f"  [{'met' if met else 'MISSED'}] {what}: {figure}")
    time_vs_flops = norms["time_ratio"] / norms["flop_ratio"]
    print(f"  [{'met' if time_vs_flops <= 1.5 else 'MISSED'}] CLADE/SPADE time ratio within 1.5x of the FLOP ratio: "
          f"{norms['time_ratio']:.3f} vs {norms['flop_ratio']:.3f}")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        main()
