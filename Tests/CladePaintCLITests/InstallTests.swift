import Foundation
import ImageFiles
import TestSupport
import Testing

/// `scripts/install.sh` (what `make install PREFIX=...` and `make uninstall` run) with the built binary: the installed
/// binary finds the bundled model and palettes in `<prefix>/share/clade-paint` from any folder.
@Suite struct InstallTests {
    /// Runs `scripts/install.sh arguments`; its exit status.
    func installScript(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [TestFixtures.checkout.appendingPathComponent("scripts/install.sh").path] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func anInstalledBinaryFindsItsModelAndPalettesFromAnotherFolder() throws {
        let scratch = try Scratch()
        let binary = try #require(CLI.binary)
        let prefix = scratch.url("prefix")
        #expect(try installScript(["install", prefix.path, binary.path]) == 0)

        let share = prefix.appendingPathComponent("share/clade-paint")
        let installed = prefix.appendingPathComponent("bin/clade-paint")
        for file in ["Models/landscape.safetensors", "Palettes/landscape.gpl", "Palettes/cityscapes.gpl"] {
            #expect(FileManager.default.fileExists(atPath: share.appendingPathComponent(file).path), "\(file)")
        }
        for (file, mark) in [
            ("bash-completion/completions/clade-paint", "_clade-paint"),
            ("zsh/site-functions/_clade-paint", "#compdef clade-paint"),
            ("fish/vendor_completions.d/clade-paint.fish", "complete -c 'clade-paint'"),
        ] {
            let text = try String(
                contentsOf: prefix.appendingPathComponent("share").appendingPathComponent(file), encoding: .utf8)
            #expect(text.contains(mark) && text.contains("render") && text.contains("session"), "\(file)")
        }

        // From a folder with nothing of clade-paint's in it: the version, and the bundled model without --model.
        let elsewhere = scratch.url("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: false)
        let version = try CLI.run(["--version"], in: elsewhere, binary: installed)
        #expect(
            version.status == 0
                && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).first?.isNumber == true)
        let info = try CLI.run(["info"], in: elsewhere, binary: installed)
        #expect(info.status == 0, "\(info.stderr)")
        #expect(
            info.stdout.contains(share.appendingPathComponent("Models/landscape.safetensors").path), "\(info.stdout)")

        // A render there draws with the installed model and its palette from share/clade-paint (the small fixture model
        // stands in for the bundled one, so the debug build renders in a moment).
        try FileManager.default.removeItem(at: share.appendingPathComponent("Models/landscape.safetensors"))
        try FileManager.default.copyItem(
            at: scratch.url(scratch.modelFile), to: share.appendingPathComponent("Models/landscape.safetensors"))
        try FileManager.default.copyItem(
            at: scratch.url("Palettes/fixture.gpl"), to: share.appendingPathComponent("Palettes/fixture.gpl"))
        try LabelMapFile.write(
            try scratch.labelMap("in.grid_labels", io: scratch.io()), palette: Scratch.palette,
            to: elsewhere.appendingPathComponent("grid.png"))
        let render = try CLI.run(
            ["render", "grid.png", "--style", "4", "-o", "out.png"], in: elsewhere, binary: installed)
        #expect(render.status == 0, "\(render.stderr)")
        #expect(try PNGImage.read(elsewhere.appendingPathComponent("out.png")).width == 64)

        // And the painter there, in a terminal: it starts on the installed model, paints and saves.
        if TmuxPane.tmux != nil {
            let pane = try TmuxPane(
                width: 160, height: 40,
                command: "cd '\(elsewhere.path)' && env -u NO_COLOR TERM=xterm-256color '\(installed.path)' "
                    + "--state-dir state --out out --threads 1")
            // The finer canvas (4x4 pixels per cell): 160x40 has room for it.
            try pane.waitForScreen("the first picture") { $0.contains("done in ") && $0.contains("Canvas 16x16") }
            try pane.press("w")
            try pane.waitForScreen("the save") {
                $0.contains("saved \(elsewhere.appendingPathComponent("out/painting-001.png").path)")
            }
            try pane.press("q")
        }

        #expect(try installScript(["uninstall", prefix.path]) == 0)
        #expect(
            !FileManager.default.fileExists(atPath: installed.path)
                && !FileManager.default.fileExists(atPath: share.path))
        #expect(
            !FileManager.default.fileExists(
                atPath: prefix.appendingPathComponent("share/zsh/site-functions/_clade-paint").path))
    }
}
