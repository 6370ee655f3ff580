// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "clade-paint",
    products: [
        .library(name: "CLADE", targets: ["CLADE"]),
        .library(name: "ImageFiles", targets: ["ImageFiles"]),
        .executable(name: "clade-paint", targets: ["clade-paint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCurses", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
        // libpng behind small C functions that own the setjmp, so no longjmp crosses Swift frames.
        .target(name: "CPNG", linkerSettings: [.linkedLibrary("png")]),

        // Pure computation: tensors, layers, generator, encoder, conditioning maps, weights, cost.
        .target(name: "CLADE", dependencies: ["CBLAS"]),
        // Files people hand the tool: PNG images, label and instance maps, GIMP palettes.
        .target(name: "ImageFiles", dependencies: ["CLADE", "CPNG"]),
        // The command line: headless rendering and model information.
        .executableTarget(name: "clade-paint", dependencies: [
            "CLADE", "ImageFiles", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "CLADETests", dependencies: ["CLADE"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ImageFilesTests", dependencies: ["ImageFiles"]),
        // Runs the built clade-paint binary; depending on it makes `swift test` build it first.
        .testTarget(name: "CladePaintCLITests", dependencies: ["clade-paint", "CLADE", "ImageFiles"]),
    ]
)
