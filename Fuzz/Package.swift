// swift-tools-version:6.0
// libFuzzer targets for the files clade-paint reads. A package of its own because every target here is built with
// `-sanitize=fuzzer,address`: each target's main hands its input callback to libFuzzer's driver
// (LLVMFuzzerRunDriver). scripts/fuzz.sh builds and runs them.
import PackageDescription

// A path dependency's identity is its folder's name, which differs between checkouts (main, worktrees).
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "clade-paint"

let fuzzTargets = ["FuzzSafeTensors", "FuzzPalette", "FuzzLabelMap", "FuzzSessionRecord", "FuzzAutosave"]

let package = Package(
    name: "clade-paint-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CFuzzDriver",
                .product(name: "CLADE", package: root),
                .product(name: "ImageFiles", package: root),
                .product(name: "Painter", package: root),
            ]),
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name,
                dependencies: [
                    "FuzzSupport",
                    .product(name: "CLADE", package: root),
                    .product(name: "ImageFiles", package: root),
                    .product(name: "Painter", package: root),
                ])
        }
)
