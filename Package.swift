// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "clade-paint",
    products: [
        .library(name: "CLADE", targets: ["CLADE"]),
        .library(name: "ImageFiles", targets: ["ImageFiles"]),
        // For the fuzz targets in Fuzz/ (a package of its own, built with -sanitize=fuzzer).
        .library(name: "Painter", targets: ["Painter"]),
        .executable(name: "clade-paint", targets: ["clade-paint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCurses", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
        // libpng behind small C functions that own the setjmp, so no longjmp crosses Swift frames.
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png")]),
        // glibc's malloc tuning, which the Glibc module leaves out.
        .target(name: "CMalloc"),
        // Half-precision weights: exact packing, and a matrix-vector product that widens them (F16C where there is).
        .target(name: "CHalf"),

        // Pure computation: tensors, layers, generator, encoder, conditioning maps, weights, cost.
        .target(name: "CLADE", dependencies: ["CBLAS", "CHalf", "CMalloc"]),
        // Files people hand the tool: PNG images, label and instance maps, GIMP palettes.
        .target(name: "ImageFiles", dependencies: ["CLADE", "CPNG"]),
        // The painter's state and rules without a terminal: canvas, tools, history, documents, render queue.
        .target(name: "Painter", dependencies: ["CLADE", "ImageFiles"]),
        // The only code that calls ncurses: layout, drawing as cells, input decoding.
        .target(name: "PaintTUI", dependencies: ["Painter", "CCurses"]),
        // The command line: the painter (default), headless rendering and model information.
        .executableTarget(
            name: "clade-paint",
            dependencies: [
                "CLADE", "ImageFiles", "Painter", "PaintTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Stress and crash-safety drivers (scripts/stress.sh, scripts/crash.sh): PainterState + RenderController
        // under thousands of edits, and a painter that is killed at random moments.
        .executableTarget(
            name: "reliability-driver", dependencies: ["CLADE", "ImageFiles", "Painter", "PaintTUI", "TestSupport"]),

        // Test support: the checkout's fixtures (found once), the fixture models and palette, a named-pipe watcher.
        .target(name: "TestSupport", dependencies: ["CLADE", "ImageFiles"], path: "Tests/TestSupport"),
        // Test support: terminal image sequences (kitty, sixel, iTerm2, tmux passthrough) decoded back into pixels.
        .target(name: "TerminalImageDecoding", dependencies: ["ImageFiles"], path: "Tests/TerminalImageDecoding"),
        .testTarget(
            name: "CLADETests", dependencies: ["CLADE", "CHalf", "CMalloc", "TestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "ImageFilesTests", dependencies: ["ImageFiles"]),
        .testTarget(name: "PainterTests", dependencies: ["Painter", "TestSupport"]),
        .testTarget(name: "PaintTUITests", dependencies: ["PaintTUI", "TerminalImageDecoding", "TestSupport"]),
        // Runs the built clade-paint binary; depending on it makes `swift test` build it first.
        .testTarget(
            name: "CladePaintCLITests",
            dependencies: ["clade-paint", "CLADE", "ImageFiles", "TerminalImageDecoding", "TestSupport"]),
    ]
)
