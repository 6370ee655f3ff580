"""`make bench`: the Swift engine (`clade-paint bench`) against PyTorch eager, ONNX Runtime and OpenVINO on the
same weights and input.

For the bundled model and for the same layout at ngf 64 (random weights, exported to a temporary model file that
every engine reads), the PyTorch reference is exported to ONNX once (cached under runs/bench-onnx/, keyed by the
model file's bytes, the input's shapes and the PyTorch version); a Swift worker process and one worker process per
peer (PyTorch eager, ONNX Runtime and OpenVINO on the ONNX graph) each load the model once; the driver then asks
them for forward passes ALTERNATELY (one warm-up each, then --repeat rounds), so that load from the other helpers
on the machine hits every engine alike. Each worker is its own process, so its peak RSS (VmHWM) is its own. The
driver compares every picture with PyTorch's (max abs difference), times a large sgemm in Swift (the ceiling) and
CLADE against SPADE normalisation in Swift, renders a folder of masks with `clade-paint render` (pictures per
second), and prints Markdown tables with the targets of docs/performance.md.

    python Training/bench.py --binary .build/release/clade-paint [--repeat 5] [--threads 2]
    python Training/bench.py --worker MODEL IO OUT THREADS [--engine onnxruntime --onnx GRAPH]   (internal)

ONNX Runtime and OpenVINO come from Training/requirements-bench.txt, which `make bench` installs into .venv-bench
(over .venv's packages); --peers torch leaves them out. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are passed on
unchanged to every side.
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
import warnings

import numpy as np
import torch
from safetensors.numpy import save_file

from clade import conditioning, modelfile
from clade.config import ModelConfig
from clade.networks import ConvEncoder, SPADEGenerator, make_semantic
from clade.pictures import write_label_png
from fixtures_models import random_layout, randomize_weights
from landscape.layout import make_layout

BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Models", "landscape.safetensors")
LAYOUT_SEED = 11
# Targets of docs/performance.md: against the best peer runtime, and the earlier one against PyTorch eager.
PEER_TARGET = 2.0
SPEEDUP_TARGET = 2.0
CEILING_TARGET = 0.60
RSS_SLACK_BYTES = 64 * 2**20
RSS_WEIGHT_FACTOR = 1.5
# Agreement of the two pictures: the parity tolerance of the engine's tests (1e-4 on the image).
IMAGE_TOLERANCE = 1e-4


def write_input(config: ModelConfig, path: str) -> None:
    """A landscape layout at the model's size (instances kept, so edges and ICPE are real): in.labels I32 [H, W],
    in.edges [1, H, W], in.dist [2, H, W], in.z [z_dim] (the tensor names of the parity fixtures)."""
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
        seg = make_semantic(torch.from_numpy(np.stack([layout.labels for layout in layouts])),
                            torch.from_numpy(np.stack([layout.edges for layout in layouts])), config)
        dist = torch.from_numpy(np.stack([layout.dist for layout in layouts]))
        generator(seg, dist, torch.randn(2, config.z_dim))
    generator.eval()
    modelfile.export(path, config, generator, encoder, dtype="F16")


PEERS = ("torch", "onnxruntime", "openvino")
PEER_NAMES = {"torch": "PyTorch", "onnxruntime": "ONNX Runtime", "openvino": "OpenVINO"}


def reference_inputs(config: ModelConfig, io_path: str) -> dict[str, torch.Tensor]:
    """The generator's inputs by argument name (seg, and dist / z where the model takes them), from `io_path`."""
    from safetensors.numpy import load_file
    io = load_file(io_path)
    labels = torch.from_numpy(io["in.labels"].astype(np.int64))[None]
    edges = torch.from_numpy(io["in.edges"])[None] if config.use_instance_edges else None
    inputs = {"seg": make_semantic(labels, edges, config)}
    if config.use_icpe:
        inputs["dist"] = torch.from_numpy(io["in.dist"])[None]
    if config.use_vae:
        inputs["z"] = torch.from_numpy(io["in.z"])[None]
    return inputs


class NamedInputs(torch.nn.Module):
    """The generator called with its inputs in a fixed order, so the ONNX graph has one input per tensor."""

    def __init__(self, generator: SPADEGenerator, names: list[str]):
        super().__init__()
        self.generator, self.names = generator, names

    def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
        return self.generator(**dict(zip(self.names, tensors, strict=True)))


def export_onnx(model_path: str, io_path: str, cache: str) -> str:
    """The PyTorch reference of `model_path` as an ONNX graph for the input shapes of `io_path`, exported once:
    the file under `cache` is named by a hash of the model's bytes, the shapes and the PyTorch version."""
    import hashlib
    config, generator, _ = modelfile.load(model_path)
    generator.eval()
    inputs = reference_inputs(config, io_path)
    key = hashlib.sha256()
    with open(model_path, "rb") as model:
        for block in iter(lambda: model.read(1 << 20), b""):
            key.update(block)
    key.update(repr([(name, tuple(t.shape)) for name, t in inputs.items()]).encode())
    key.update(torch.__version__.encode())
    path = os.path.join(cache, f"{os.path.splitext(os.path.basename(model_path))[0]}-{key.hexdigest()[:16]}.onnx")
    if os.path.exists(path):
        return path
    os.makedirs(cache, exist_ok=True)
    temporary = f"{path}.{os.getpid()}.tmp"
    with torch.no_grad(), warnings.catch_warnings():
        # The TorchScript exporter: the graph is static (one input size), so its tracer's warnings about shapes
        # taken as constants are expected.
        warnings.simplefilter("ignore")
        torch.onnx.export(NamedInputs(generator, list(inputs)), tuple(inputs.values()), temporary,
                          input_names=list(inputs), output_names=["image"], opset_version=17, dynamo=False)
    os.replace(temporary, path)
    return path


def make_engine(engine: str, model_path: str, onnx_path: str | None, io_path: str, threads: int):
    """A function that runs one forward pass of `engine` and returns the picture [3, H, W] as float32."""
    config = modelfile.read_config(model_path)
    inputs = reference_inputs(config, io_path)
    if engine == "torch":
        torch.set_num_threads(threads)
        _, generator, _ = modelfile.load(model_path)

        def run() -> np.ndarray:
            with torch.no_grad():
                return generator(**inputs)[0].numpy()
        return run
    feeds = {name: t.numpy() for name, t in inputs.items()}
    if engine == "onnxruntime":
        import onnxruntime
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = onnxruntime.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
        return lambda: session.run(None, feeds)[0][0]
    if engine == "openvino":
        import openvino
        # One stream of `threads` threads at float32 (no bf16/f16 inference precision), as the others compute.
        compiled = openvino.Core().compile_model(onnx_path, "CPU", {
            "INFERENCE_NUM_THREADS": threads, "NUM_STREAMS": 1, "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_PRECISION_HINT": "f32"})
        request = compiled.create_infer_request()
        return lambda: np.array(request.infer(feeds)[0][0])
    raise SystemExit(f"unknown engine {engine}")


def worker(model_path: str, io_path: str, out_path: str, threads: int, engine: str = "torch",
           onnx_path: str | None = None) -> None:
    """A peer: one forward pass per line on stdin (the first untimed), {"ms"} per timed pass, then the last
    picture to `out_path` (raw float32 [3, H, W]) and a summary with the peak RSS."""
    run = make_engine(engine, model_path, onnx_path, io_path, threads)
    times = []
    image = run()
    for _ in sys.stdin:
        start = time.perf_counter()
        image = run()
        times.append((time.perf_counter() - start) * 1e3)
        print(json.dumps({"ms": times[-1]}), flush=True)
    np.ascontiguousarray(image, dtype="<f4").tofile(out_path)
    print(json.dumps({"median_ms": statistics.median(times) if times else float("nan"), "engine": engine,
                      "threads": torch.get_num_threads() if engine == "torch" else threads,
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


def compare(binary: str, model: str, io: str, threads: int, repeat: int, folder: str, peers: list[str],
            onnx_cache: str) -> dict:
    """Swift and every peer on one model, pass by pass in turn; times, pictures' differences from PyTorch, RSS."""
    onnx = export_onnx(model, io, onnx_cache) if set(peers) - {"torch"} else None
    outputs = {engine: os.path.join(folder, f"{engine}.f32") for engine in ("swift", *peers)}
    workers = {"swift": Worker([binary, "bench", "generator", "--model", model, "--input", io, "--output",
                                outputs["swift"], "--threads", str(threads), "--serve"])}
    for engine in peers:
        workers[engine] = Worker([sys.executable, os.path.abspath(__file__), "--worker", model, io, outputs[engine],
                                  str(threads), "--engine", engine] + (["--onnx", onnx] if engine != "torch" else []))
    times: dict[str, list[float]] = {engine: [] for engine in workers}
    for _ in range(repeat):
        for engine, process in workers.items():
            times[engine].append(process.step())
    summaries = {engine: process.finish() for engine, process in workers.items()}
    reference = np.fromfile(outputs["torch"], "<f4")
    swift = summaries["swift"]
    return {"ms": {engine: statistics.median(t) for engine, t in times.items()}, "times": times,
            "rss": {engine: summary["peak_rss_kib"] * 1024 for engine, summary in summaries.items()},
            "max_abs_diff": {engine: float(np.abs(np.fromfile(path, "<f4") - reference).max())
                             for engine, path in outputs.items() if engine != "torch"},
            "flops": swift["flops"], "weight_bytes": swift["weight_bytes_f32"],
            "generator_weight_bytes": swift["generator_weight_bytes_f32"]}


def run_json(command: list[str]) -> dict:
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def render_folder(binary: str, model: str, config: ModelConfig, count: int, threads: int, folder: str) -> dict:
    """`clade-paint render` of `count` landscape masks (8-bit grey PNGs of class ids, layout seeds 1000 on) into a
    folder: the wall time of the whole command (model load included) and the pictures per second it reports."""
    import re

    masks, pictures = os.path.join(folder, "masks"), os.path.join(folder, "pictures")
    os.makedirs(masks), os.makedirs(pictures)
    paths = []
    for index in range(count):
        labels = make_layout(1000 + index, width=config.width, height=config.height).labels % config.class_count
        paths.append(os.path.join(masks, f"mask-{index:03d}.png"))
        write_label_png(labels, paths[-1])
    start = time.perf_counter()
    result = subprocess.run([binary, "render", "--model", model, "--threads", str(threads), "--style", "7",
                             "-o", pictures] + paths, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    written = len(os.listdir(pictures))
    if written != count:
        raise SystemExit(f"render wrote {written} of {count} pictures")
    rate = re.search(r"([0-9.]+) pictures/s", result.stdout.strip().splitlines()[-1])
    if rate is None:
        raise SystemExit(f"render printed no pictures/s line: {result.stdout.strip().splitlines()[-1]}")
    return {"count": count, "seconds": seconds, "pictures_per_s": float(rate.group(1))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=".build/release/clade-paint", help="the release clade-paint")
    parser.add_argument("--model", default=BUNDLED, help="the bundled model")
    parser.add_argument("--ngf", type=int, default=64, help="width of the random-weight model (0: skip it)")
    parser.add_argument("--repeat", type=int, default=7, help="timed passes per engine and model")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads of every engine")
    parser.add_argument("--peers", default=",".join(PEERS),
                        help=f"engines beside Swift, comma-separated, torch first ({', '.join(PEERS)})")
    parser.add_argument("--batch", type=int, default=100, help="masks of the render folder case (0: skip it)")
    parser.add_argument("--onnx-cache", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runs",
                                                             "bench-onnx"), help="where the exported graphs are kept")
    args = parser.parse_args()
    peers = args.peers.split(",")
    if peers[0] != "torch" or not set(peers) <= set(PEERS):
        parser.error(f"--peers: torch first (the reference), then any of {', '.join(PEERS[1:])}")
    for engine in peers[1:]:
        try:
            __import__(engine)
        except ImportError:
            parser.error(f"--peers {engine}: not installed here; `make bench` installs Training/requirements-bench.txt "
                         f"into .venv-bench (or give --peers torch)")

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
            rows.append((name, compare(args.binary, path, io, args.threads, args.repeat, folder, peers,
                                       args.onnx_cache)))
            sgemm.append(run_json([args.binary, "bench", "sgemm", "--threads", str(args.threads)]))
        norms = run_json([args.binary, "bench", "norms", "--model", args.model, "--input", io,
                          "--threads", str(args.threads), "--repeat", str(args.repeat)])
        if args.batch:
            print(f"rendering a folder of {args.batch} masks ...", file=sys.stderr, flush=True)
            batch = render_folder(args.binary, args.model, base, args.batch, args.threads, folder)
    load_after = os.getloadavg()
    ceiling = statistics.median(s["gflops_per_s"] for s in sgemm)

    size = f"{base.width}x{base.height}"
    names = [PEER_NAMES[engine] for engine in peers]
    print(f"\n{size}, {args.threads} threads each, median of {args.repeat} alternated passes; "
          f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
          f"sgemm ceiling (M=512 N=4096 K=4608, median of {len(sgemm)} runs) {ceiling:.1f} GFLOP/s; "
          f"OpenBLAS kernels {sgemm[0]['blas_kernels']}\n")
    print(f"| model | GFLOP | {' | '.join(f'{n} ms' for n in names)} | Swift ms | best peer/Swift | PyTorch/Swift | "
          f"Swift GFLOP/s | of ceiling | max abs diff from PyTorch ({', '.join(['Swift'] + names[1:])}) | "
          f"peak RSS (Swift (limit), {', '.join(names)}) |")
    print("|---" * (len(peers) + 9) + "|")
    verdicts = []
    for name, r in rows:
        ms = r["ms"]
        best = min(peers, key=lambda engine: ms[engine])
        speedup, eager = ms[best] / ms["swift"], ms["torch"] / ms["swift"]
        gflops = r["flops"] / ms["swift"] / 1e6
        fraction = gflops / ceiling
        limit = RSS_WEIGHT_FACTOR * r["weight_bytes"] + RSS_SLACK_BYTES
        differences = ", ".join(f"{r['max_abs_diff'][engine]:.1e}" for engine in ["swift"] + peers[1:])
        memory = ", ".join([f"{mib(r['rss']['swift'])} ({mib(limit)})"] + [mib(r["rss"][engine]) for engine in peers])
        print(f"| {name} | {r['flops'] / 1e9:.1f} | {' | '.join(f'{ms[engine]:.0f}' for engine in peers)} | "
              f"{ms['swift']:.0f} | {speedup:.2f}x ({PEER_NAMES[best]}) | {eager:.2f}x | {gflops:.1f} | "
              f"{100 * fraction:.0f} % | {differences} | {memory} |")
        verdicts += [
            (f"{name}: Swift >= {PEER_TARGET:.0f}x faster than the best peer ({PEER_NAMES[best]})",
             speedup >= PEER_TARGET, f"{speedup:.2f}x"),
            (f"{name}: Swift >= {SPEEDUP_TARGET:.0f}x faster than PyTorch eager", eager >= SPEEDUP_TARGET,
             f"{eager:.2f}x"),
            (f"{name}: >= {100 * CEILING_TARGET:.0f} % of the sgemm ceiling", fraction >= CEILING_TARGET,
             f"{100 * fraction:.0f} %"),
            (f"{name}: peak RSS <= 1.5 x fp32 weights of the file + 64 MiB", r["rss"]["swift"] <= limit,
             f"{mib(r['rss']['swift'])} of {mib(limit)} (generator alone: "
             f"{mib(RSS_WEIGHT_FACTOR * r['generator_weight_bytes'] + RSS_SLACK_BYTES)})"),
            (f"{name}: pictures agree (max abs diff <= {IMAGE_TOLERANCE:g})",
             max(r["max_abs_diff"].values()) <= IMAGE_TOLERANCE,
             ", ".join(f"{engine} {d:.1e}" for engine, d in r["max_abs_diff"].items())),
        ]
    print(f"\nCLADE vs SPADE normalisation, same layout ({size}, ngf {base.ngf}, random weights, Swift): "
          f"CLADE {norms['clade_ms']:.0f} ms, SPADE {norms['spade_ms']:.0f} ms; time ratio {norms['time_ratio']:.3f}, "
          f"FLOP ratio {norms['flop_ratio']:.3f}")
    if args.batch:
        best_ms = min(rows[0][1]["ms"][engine] for engine in peers)
        print(f"\nclade-paint render of a folder of {batch['count']} masks ({size}, bundled model, {args.threads} "
              f"threads): {batch['pictures_per_s']:.2f} pictures/s as it reports, {batch['seconds']:.1f} s for the "
              f"whole command (model load included); the best peer's generator pass alone: {1e3 / best_ms:.2f} per s")
    per_pass = "; ".join(f"{name}: " + " / ".join(f"{'Swift' if engine == 'swift' else PEER_NAMES[engine]} "
                                                   f"{', '.join(f'{t:.0f}' for t in times)}"
                                                   for engine, times in r["times"].items()) for name, r in rows)
    print(f"passes (ms): {per_pass}")
    print("\ntargets:")
    for what, met, figure in verdicts:
        print(f"  [{'met' if met else 'MISSED'}] {what}: {figure}")
    time_vs_flops = norms["time_ratio"] / norms["flop_ratio"]
    print(f"  [{'met' if time_vs_flops <= 1.5 else 'MISSED'}] CLADE/SPADE time ratio within 1.5x of the FLOP ratio: "
          f"{norms['time_ratio']:.3f} vs {norms['flop_ratio']:.3f}")


def worker_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.py --worker")
    parser.add_argument("model"), parser.add_argument("io"), parser.add_argument("out")
    parser.add_argument("threads", type=int)
    parser.add_argument("--engine", choices=PEERS, default="torch")
    parser.add_argument("--onnx", help="the exported graph (onnxruntime, openvino)")
    args = parser.parse_args(argv)
    if args.engine != "torch" and not args.onnx:
        parser.error(f"--engine {args.engine} needs --onnx")
    worker(args.model, args.io, args.out, args.threads, args.engine, args.onnx)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2:])
    else:
        main()
