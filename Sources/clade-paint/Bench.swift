import ArgumentParser
import CBLAS
import CLADE
import Foundation
import ImageFiles

/// `clade-paint bench`: timings of the engine, one JSON object per line, for `make bench` (Training/bench.py) to
/// set beside PyTorch. Each measurement prints what it ran, so a line read alone says what it means.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Time the engine: a generator forward pass, a large sgemm (the machine's ceiling), CLADE against SPADE, the painter's latency.",
        discussion: """
            Output is JSON, one object per line. `make bench` runs these beside PyTorch on the same weights and \
            input and prints the table of docs/performance.md.
            """,
        subcommands: [GeneratorTiming.self, SgemmTiming.self, NormTiming.self, LatencyTiming.self])

    /// Options every timing shares.
    struct Common: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("OpenBLAS threads. Default: the number of processors.", valueName: "n"))
        var threads: Int?

        @Option(
            name: .customLong("repeat"),
            help: ArgumentHelp("Timed repetitions (after one untimed warm-up).", valueName: "n"))
        var repetitions: Int = 5

        func validate() throws {
            try ThreadCount.validate(threads)
            guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1.") }
        }

        func configureThreads(split: BLASThreads.Split = .engine) -> Int {
            BLASThreads.configure(threads ?? ProcessInfo.processInfo.activeProcessorCount, split: split)
        }
    }

    /// The generator's input as the parity fixtures store it: `in.labels` (I32 `[H, W]`), `in.edges` (`[1, H, W]`),
    /// `in.dist` (`[2, H, W]`), `in.z` (`[z_dim]`), each read only when the model uses it.
    static func generatorInput(path: String, config: ModelConfig) throws -> GeneratorInput {
        try InputFile.checkExists(path, kind: "input file")
        return try FileProblem.attributing(to: path) {
            let io = try SafeTensorsFile(contentsOf: URL(fileURLWithPath: path))
            let (shape, values) = try io.integerTensor("in.labels")
            guard shape.count == 2 else {
                throw FileProblem(file: path, problem: "in.labels is \(shape); expected [H, W]")
            }
            return GeneratorInput(
                labels: LabelMap(width: shape[1], height: shape[0], classes: values.map { Int32($0) }),
                edges: config.useInstanceEdges ? try io.floatTensor("in.edges") : nil,
                distances: config.useICPE ? try io.floatTensor("in.dist") : nil,
                style: config.useVAE ? StyleCode(values: try io.floatTensor("in.z").data) : nil)
        }
    }

    /// The most memory this process has held (resident set), in KiB: `VmHWM` of /proc/self/status. Linux's
    /// `ru_maxrss` is not used because it keeps the parent's peak across fork and exec, so a worker started by a
    /// large driver would report the driver's memory.
    static func peakResidentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        else { return -1 }
        return kib
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// One JSON object on one line, keys sorted.
    static func emit(_ object: [String: Any]) {
        printLine(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// One JSON object on one line, keys sorted and in snake case.
    static func emit(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        printLine(try! encoder.encode(value))
    }

    private static func printLine(_ data: Data) {
        // FileHandle writes unbuffered, so a driver reading the pipe sees each line at once.
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

extension Bench {
    /// `bench generator`: forward passes of one model on one input.
    struct GeneratorTiming: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generator",
            abstract: "Time forward passes of a model's generator on a fixed input.",
            discussion: """
                Prints {"ms": ...} per repetition, then a summary with the median, GFLOP/s (FLOPs counted as in \
                `clade-paint info`), the peak RSS of the process and the F32 size of the weights it loaded (the whole \
                file, style encoder included). With --serve a repetition starts when a line \
                arrives on standard input (a driver alternates with another engine); end of input ends the run.
                """)

        @OptionGroup var modelOptions: ModelOptions
        @OptionGroup var common: Common

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The input (safetensors with in.labels, in.edges, in.dist, in.z as the model needs).",
                valueName: "io.safetensors"))
        var input: String

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Write the last picture [3, H, W] as raw little-endian float32 (before 8-bit rounding).",
                valueName: "file"))
        var output: String?

        @Flag(name: .long, help: "Wait for a line on standard input before each repetition, until end of input.")
        var serve = false

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Draw at 1/n of the input's size (n a power of two the model allows; 2 is the painter's draft).",
                discussion:
                    "The input's label, edge and distance maps are nearest-resized (a timing input, not the painter's own draft conditioning); FLOPs are counted for a model of that size.",
                valueName: "n"))
        var scale = 1

        @Flag(
            name: .long,
            help:
                "Add the median time of each stage (fc, every block, conv_img: from the previous stage's end) to the summary."
        )
        var stages = false

        func run() throws {
            let threads = common.configureThreads()
            let (model, path) = try modelOptions.loadModel()
            let config = model.config
            var input = try Bench.generatorInput(path: input, config: config)
            if scale != 1 { input = try Self.reduced(input, by: scale, config: config, path: self.input) }
            // The model is handed over, so the Winograd layers' F32 weights are freed as they are built.
            let generator = Generator(model: consume model)
            var scaled = config
            (scaled.width, scaled.height) = (input.labels.width, input.labels.height)
            let flops = ModelCost(config: scaled).generator.flops
            let clock = ContinuousClock()
            var image = try FileProblem.attributing(to: path) { try generator(input) }
            var times: [Double] = []
            var stageTimes: [String: [Double]] = [:]
            var stageOrder: [String] = []
            while serve ? readLine() != nil : times.count < common.repetitions {
                let start = clock.now
                var stageStart = start
                // The observer runs between stages, so its own time falls outside the stage it ends.
                let observer: ((String, Tensor) -> Void)? =
                    stages
                    ? { name, _ in
                        let now = clock.now
                        if stageTimes[name] == nil { stageOrder.append(name) }
                        stageTimes[name, default: []].append(Bench.milliseconds(now - stageStart))
                        stageStart = clock.now
                    } : nil
                image = try generator(input, observer: observer)
                times.append(Bench.milliseconds(clock.now - start))
                Bench.emit(["ms": times.last!])
            }
            if let output {
                let bytes = image.data.withUnsafeBufferPointer { Data(buffer: $0) }
                try FileProblem.attributing(to: output) {
                    try AtomicFile.write(bytes, to: URL(fileURLWithPath: output))
                }
            }
            let median = times.isEmpty ? Double.nan : Bench.median(times)
            var summary: [String: Any] = [
                "model": path, "threads": threads, "blas_kernels": BLASKernels.current, "repetitions": times.count,
                "median_ms": median,
                "size": "\(input.labels.width)x\(input.labels.height)", "scale": scale,
                "flops": flops, "gflops_per_s": Double(flops) / median / 1e6, "peak_rss_kib": Bench.peakResidentKiB(),
                "weight_bytes_f32": 4 * ModelFile.expectedTensors(for: config).reduce(0) { $0 + $1.shape.reduce(1, *) },
                "generator_weight_bytes_f32": 4 * ModelCost(config: config).generator.parameters,
            ]
            if stages {
                summary["stage_ms"] = stageOrder.map {
                    ["stage": $0, "median_ms": Bench.median(stageTimes[$0]!)] as [String: Any]
                }
            }
            Bench.emit(summary)
        }

        /// `input` with its maps nearest-resized to 1/`factor` of their size; the style code stays.
        static func reduced(_ input: GeneratorInput, by factor: Int, config: ModelConfig, path: String) throws
            -> GeneratorInput
        {
            let (fullWidth, fullHeight) = (input.labels.width, input.labels.height)
            guard factor >= 1, factor & (factor - 1) == 0, fullWidth % factor == 0, fullHeight % factor == 0 else {
                throw ValidationError(
                    "--scale \(factor): the scale must be a power of two that divides both sides of the input (\(fullWidth)x\(fullHeight))"
                )
            }
            for (name, map) in [("in.edges", input.edges), ("in.dist", input.distances)] {
                if let map, map.shape.count != 3 || map.shape[1] != fullHeight || map.shape[2] != fullWidth {
                    throw FileProblem(
                        file: path, problem: "\(name) is \(map.shape); in.labels needs [C, \(fullHeight), \(fullWidth)]"
                    )
                }
            }
            let (width, height) = (fullWidth / factor, fullHeight / factor)
            if let problem = config.sizeProblem(width: width, height: height) {
                throw FileProblem(file: path, problem: "--scale \(factor): \(problem)")
            }
            return GeneratorInput(
                labels: NearestResize.resize(input.labels, width: width, height: height),
                edges: input.edges.map { NearestResize.resize($0, width: width, height: height) },
                distances: input.distances.map { NearestResize.resize($0, width: width, height: height) },
                style: input.style)
        }
    }

    /// `bench sgemm`: the BLAS ceiling of this machine at the chosen thread count: one large product on OpenBLAS's own
    /// threads (the engine splits its products itself; this is the library's large-shape figure).
    struct SgemmTiming: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sgemm",
            abstract:
                "Time one large single-precision matrix product C[M, N] = A[M, K] B[K, N] (the practical ceiling of a convolution)."
        )

        @OptionGroup var common: Common
        @Option(name: .customShort("m"), help: "Rows of A and C.") var m = 512
        @Option(name: .customShort("n"), help: "Columns of B and C.") var n = 4096
        @Option(name: .customShort("k"), help: "Columns of A, rows of B.") var k = 4608

        /// The most the three matrices may hold together: 4 GiB of floats (the default product needs 92 MB).
        static let largestElements = 1 << 30

        func validate() throws {
            guard m >= 1, n >= 1, k >= 1 else {
                throw ValidationError("-m \(m) -n \(n) -k \(k): each size must be at least 1.")
            }
            // In floating point: the element counts of hostile sizes overflow Int.
            let elements = Double(m) * Double(k) + Double(k) * Double(n) + Double(m) * Double(n)
            guard elements <= Double(Self.largestElements) else {
                throw ValidationError(
                    "-m \(m) -n \(n) -k \(k): A, B and C need \(String(format: "%.3g", elements * 4 / 1e9)) GB; "
                        + "bench sgemm times products whose matrices hold at most \(Self.largestElements) floats (4 GiB) together."
                )
            }
        }

        func run() throws {
            let threads = common.configureThreads(split: .openBLAS)
            var random = SplitMix64(seed: 1)
            let a = (0 ..< m * k).map { _ in Float(random.nextUniform()) - 0.5 }
            let b = (0 ..< k * n).map { _ in Float(random.nextUniform()) - 0.5 }
            var c = [Float](repeating: 0, count: m * n)
            let clock = ContinuousClock()
            var times: [Double] = []
            for index in 0 ... common.repetitions {
                let start = clock.now
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(k), b, Int32(n), 0, &c, Int32(n))
                if index > 0 { times.append(Bench.milliseconds(clock.now - start)) }
            }
            let median = Bench.median(times)
            Bench.emit([
                "m": m, "n": n, "k": k, "threads": threads, "blas_kernels": BLASKernels.current, "median_ms": median,
                "gflops_per_s": 2 * Double(m * n * k) / median / 1e6,
            ])
        }
    }

    /// `bench norms`: the same layout with every block CLADE and with every block SPADE, random weights.
    struct NormTiming: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "norms",
            abstract: "Time a model's layout with CLADE and with SPADE normalisation (random weights), alternately.",
            discussion: """
                The CLADE variant keeps the model's conditioning (edges, ICPE); the SPADE variant is the same layout \
                with SPADE blocks (no ICPE, which lives in CLADE's class affine). Prints the medians, their ratio and \
                the ratio of the FLOPs counted as in `clade-paint info`.
                """)

        @OptionGroup var modelOptions: ModelOptions
        @OptionGroup var common: Common

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The input (safetensors with in.labels, in.edges, in.dist, in.z).", valueName: "io.safetensors"))
        var input: String

        func run() throws {
            let threads = common.configureThreads()
            let config = try modelOptions.loadModel().model.config
            var clade = config
            clade.architecture = .clade
            clade.blockNorms = Array(repeating: .clade, count: config.blockNames.count)
            var spade = clade
            spade.architecture = .spade
            spade.blockNorms = Array(repeating: .spade, count: config.blockNames.count)
            spade.useICPE = false
            let variants = try [clade, spade].map { variant in
                (
                    config: variant, generator: Generator(model: try ModelFile.random(config: variant, seed: 7)),
                    input: try Bench.generatorInput(path: input, config: variant)
                )
            }
            let clock = ContinuousClock()
            var times: [[Double]] = [[], []]
            for round in 0 ... common.repetitions {
                for (index, variant) in variants.enumerated() {
                    let start = clock.now
                    _ = try variant.generator(variant.input)
                    if round > 0 { times[index].append(Bench.milliseconds(clock.now - start)) }
                }
            }
            let medians = times.map(Bench.median)
            let flops = variants.map { ModelCost(config: $0.config).generator.flops }
            Bench.emit([
                "threads": threads, "repetitions": common.repetitions,
                "clade_ms": medians[0], "spade_ms": medians[1], "clade_flops": flops[0], "spade_flops": flops[1],
                "time_ratio": medians[0] / medians[1], "flop_ratio": Double(flops[0]) / Double(flops[1]),
            ])
        }
    }
}
