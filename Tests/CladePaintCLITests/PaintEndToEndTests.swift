import Foundation
import ImageFiles
import Testing

/// One tmux server of its own (a private socket) with one pane running a command: keys go in with `send-keys`, the
/// screen comes back with `capture-pane`. tmux gives the painter the terminal a test run does not have.
final class TmuxPane {
    /// tmux from the PATH, if installed.
    static let tmux: String? = {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    let socket = "clade-paint-e2e-\(UUID().uuidString.prefix(8))"
    let target = "paint"

    /// Starts `command` (a shell command line) in a `width x height` pane; the pane stays after the command ends, so
    /// its last screen and exit status can be read.
    init(width: Int, height: Int, command: String) throws {
        try tmux([
            "-f", "/dev/null", "new-session", "-d", "-s", target, "-x", String(width), "-y", String(height), command,
            ";", "set-option", "-t", target, "remain-on-exit", "on",
        ])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: outURL) }
        let status = try Self.spawn(try #require(Self.tmux), ["-L", socket] + arguments, output: outURL.path)
        #expect(status == 0, "tmux \(arguments.joined(separator: " ")) exited with \(status)")
        return (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    }

    /// Runs `path arguments` with standard output into the file `output` and waits for it. Not `Process`: the
    /// server that `tmux new-session` leaves running inherits the descriptor by which Foundation learns that its
    /// child ended, and `waitUntilExit` would wait for the server too.
    static func spawn(_ path: String, _ arguments: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // The test runner's threads block signals; tmux and the painter inherit the mask unless it is reset, and
        // would then never see SIGWINCH or SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let started = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard started == 0 else { throw POSIXError(POSIXErrorCode(rawValue: started) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WEXITSTATUS: the exit code sits in bits 8-15 of a normal exit's status.
        return (status >> 8) & 0xFF
    }

    /// Presses keys by tmux's names (`Space`, `Left`, `Escape`, `K`, ...), one after another.
    func press(_ keys: String...) throws {
        for key in keys {
            try tmux(["send-keys", "-t", target, key])
            // A short pause, as a person's keys come one at a time (the painter polls every 40 ms).
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Sends `text` as it is, e.g. an SGR mouse report.
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", target, "-l", text])
        Thread.sleep(forTimeInterval: 0.05)
    }

    /// The pane's text; with `history`, also the lines scrolled off its top.
    func screen(history: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-J", "-t", target] + (history ? ["-S", "-100"] : []))
    }

    /// A tmux format of the pane, e.g. `#{pane_dead}`.
    func value(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", target, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the screen satisfies `condition` (at most `seconds`) and returns it; fails the test otherwise.
    @discardableResult
    func waitForScreen(
        _ what: String, seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: (String) -> Bool
    ) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var text = try screen()
        while !condition(text) {
            if Date() > deadline {
                Issue.record("waited \(seconds) s for \(what); the screen:\n\(text)", sourceLocation: sourceLocation)
                return text
            }
            Thread.sleep(forTimeInterval: 0.1)
            text = try screen()
        }
        return text
    }

    /// The process the pane's shell runs (its only child), from Linux's /proc.
    func programID() throws -> Int32? {
        let shell = try value("#{pane_pid}")
        let children = try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        return children?.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// `text` with runs of spaces and line ends as one space, to find a message however it wraps.
    static func flat(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    /// The terminal modes the program left on: alternate screen, button-event mouse tracking, SGR mouse encoding.
    func terminalModes() throws -> String { try value("#{alternate_on}#{mouse_button_flag}#{mouse_sgr_flag}") }
}

/// The painter as a person uses it: the built binary in a real terminal (tmux), driven by keys and mouse reports,
/// checked on the screen and in the files it writes. Uses a small fixture model (64x64 pictures, an 8x8 canvas unless a test gives another).
@Suite(
    .enabled(
        if: TmuxPane.tmux != nil,
        "tmux is not installed (scripts/setup.sh installs it): the painter's end-to-end tests need a terminal"))
struct PaintEndToEndTests {
    /// The fixture's six classes with key hints (the painter selects them with the capital letters).
    static let palette = """
        GIMP Palette
        Name: painted
        # key: a class_0
        # key: k class_4
        200 30 30\tclass_0
        30 200 30\tclass_1
        30 30 200\tclass_2
        220 220 40\tclass_3
        40 220 220\tclass_4
        220 40 220\tclass_5

        """

    /// A scratch folder with the fixture model, the palette and `out/`, `state/` folders.
    func scratch() throws -> Scratch {
        let scratch = try Scratch()
        try scratch.write(Self.palette, to: "painted.gpl")
        return scratch
    }

    /// The command line that starts the painter in `scratch`'s folder; its exit status goes to `exitFile` there
    /// (tmux's own record of it is not reliable when the test runner started the tmux server).
    /// - arguments: more options for the painter, as shell words.
    /// - colors: the terminal's colour settings.
    /// - grid: the canvas of a new painting (`--grid`), 8x8 where the tests count cells; nil lets the painter choose.
    func painter(
        _ scratch: Scratch, arguments: String = "", colors: String = "TERM=xterm-256color COLORTERM=",
        state: String = "state", out: String = "out", exitFile: String = "exit-status", grid: String? = "8x8"
    ) throws -> String {
        let binary = try #require(CLI.binary, "clade-paint binary not found next to the test bundle")
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        try? FileManager.default.removeItem(at: scratch.url(exitFile))
        // Without the hints of a kitty or iTerm2 the tests may run in, `--preview auto` finds half-blocks in tmux.
        // Masks, sessions and --grid bring their own canvas.
        let opensItsOwnGrid = ["--grid", "--mask", "--session"].contains { arguments.contains($0) }
        let arguments = opensItsOwnGrid ? arguments : grid.map { "--grid \($0) " + arguments } ?? arguments
        return
            "cd \(quoted(scratch.folder.path)) && env -u NO_COLOR -u KITTY_WINDOW_ID -u LC_TERMINAL \(colors) OPENBLAS_CORETYPE=\(quoted(CLI.kernels)) \(quoted(binary.path)) "
            + "--model \(scratch.modelFile) --palette painted.gpl --state-dir \(state) --out \(out) --threads 1 \(arguments); echo $? > \(exitFile)"
    }

    /// Waits for the painter started by `painter(_:)` to end and returns its exit status (nil: it did not end).
    func exitStatus(_ scratch: Scratch, exitFile: String = "exit-status", seconds: Double = 30) -> Int? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let text = try? String(contentsOf: scratch.url(exitFile), encoding: .utf8), text.hasSuffix("\n") {
                return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    /// The autosave files in `scratch`'s state folder.
    func autosaves(_ scratch: Scratch, state: String = "state") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: scratch.url(state).path)) ?? []).filter {
            $0.hasPrefix("autosave") && $0.hasSuffix(".json")
        }.sorted()
    }

    /// `style seed N` on the status line.
    func seed(on screen: String) -> UInt64? {
        screen.firstMatch(of: /style seed (\d+)/).flatMap { UInt64($0.1) }
    }

    @Test func paintFillUndoIcpeStyleMouseSaveAndQuit() throws {
        let scratch = try scratch()
        let pane = try TmuxPane(width: 160, height: 50, command: try painter(scratch))
        var screen = try pane.waitForScreen("the first picture") { $0.contains("done in ") }
        #expect(screen.contains("Canvas 8x8") && screen.contains("Picture 64x64") && screen.contains("Classes"))
        #expect(try pane.terminalModes() == "111")
        let firstSeed = try #require(seed(on: screen))

        // Paint class_4 (key K) one cell left of the centre (4, 4).
        try pane.press("K", "Left", "Space")
        screen = try pane.waitForScreen("the stroke") { $0.contains("class_4 │ ICPE on") && $0.contains("unsaved") }
        // Fill the rest with class_2 from the cell above (most of the canvas: a second press confirms), then undo the fill.
        try pane.press("3", "f", "Up", "Space")
        try pane.waitForScreen("the fill's warning") { $0.contains("fill would cover") }
        try pane.press("Space")
        try pane.waitForScreen("the fill") { $0.contains("fill │ class_2") }
        try pane.press("u")
        try pane.waitForScreen("the undo") { $0.contains("undone (1 more)") }
        try pane.press("i")
        try pane.waitForScreen("ICPE off") { $0.contains("│ ICPE off │") }
        try pane.press("s")
        screen = try pane.waitForScreen("a new style") { self.seed(on: $0).map { $0 != firstSeed } ?? false }
        let style = try #require(seed(on: screen))

        // The mouse (SGR 1006 reports): with the brush and class_1, press on cell (0, 0), drag to (1, 0), release.
        try pane.press("b", "2")
        try pane.type("\u{1B}[<0;2;2M")
        try pane.type("\u{1B}[<32;4;2M")
        try pane.type("\u{1B}[<0;4;2m")
        screen = try pane.waitForScreen("the picture of the last change") {
            $0.contains("brush 1 round │ class_1 │") && $0.contains("done in ")
        }
        #expect(seed(on: screen) == style)
        let milliseconds = try #require(screen.firstMatch(of: /done in (\d+) ms/).flatMap { Int($0.1) })
        #expect(milliseconds >= 0)

        try pane.press("w")
        try pane.waitForScreen("the save") {
            $0.contains("saved \(scratch.url("out/painting-001.png").path) (+ mask, instances, json)")
        }
        try pane.press("q")
        #expect(exitStatus(scratch) == 0)
        #expect(try pane.terminalModes() == "000")

        // The four files, and no autosave (nor its lock) left after a save and a clean quit.
        let out = scratch.url("out")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(
            names == ["painting-001.instances.png", "painting-001.json", "painting-001.mask.png", "painting-001.png"])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.url("state").path).filter {
                $0.hasPrefix("autosave")
            }.isEmpty)
        let record =
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("painting-001.json")))
            as? [String: Any]
        #expect(record?["icpe"] as? Bool == false)
        #expect((record?["style_seed"] as? NSNumber)?.uint64Value == style)
        #expect(record?["grid_width"] as? Int == 8 && record?["width"] as? Int == 64)

        // The mask holds the stroke (class_4 at (3, 4)) and the mouse's drag (class_1 at (0, 0) and (1, 0)).
        let palette = try Palette(contentsOf: scratch.url("painted.gpl"))
        let mask = try LabelMapFile.read(
            out.appendingPathComponent("painting-001.mask.png"), palette: palette, classCount: 6)
        var expected = [Int32](repeating: 0, count: 64)
        expected[4 * 8 + 3] = 4
        expected[0] = 1
        expected[1] = 1
        #expect(mask.classes == expected)

        // `clade-paint render` draws the same picture again from the JSON, bit for bit.
        let again = try scratch.run([
            "render", "--session", "out/painting-001.json", "--palette", "painted.gpl", "--threads", "1", "-o",
            "again.png",
        ])
        #expect(again.status == 0, "\(again.stderr)")
        let saved = try scratch.picture("out/painting-001.png")
        #expect(try scratch.picture("again.png") == saved)
    }

    @Test func aSignalRestoresTheTerminalAndTheNextStartOffersThePainting() throws {
        let scratch = try scratch()
        let pane = try TmuxPane(width: 120, height: 40, command: try painter(scratch))
        try pane.waitForScreen("the first picture") { $0.contains("done in ") }
        try pane.press("K", "Space")
        try pane.waitForScreen("the stroke") { $0.contains("unsaved") }
        let pid = try #require(try pane.programID())
        #expect(kill(pid, SIGTERM) == 0)
        #expect(exitStatus(scratch) == 128 + Int(SIGTERM))
        #expect(try pane.terminalModes() == "000")
        let after = try pane.screen(history: true)
        let autosave = try #require(autosaves(scratch).first)
        #expect(
            after.contains(
                "clade-paint: stopped by signal 15; the painting is autosaved in \(scratch.url("state/\(autosave)").path)"
            ), "\(after)")

        let again = try TmuxPane(width: 120, height: 40, command: try painter(scratch))
        try again.waitForScreen("the offer to restore") { $0.contains("An earlier run left an unsaved painting") }
        try again.press("y")
        try again.waitForScreen("the restored painting") {
            $0.contains("restored the painting") && $0.contains("class_4 │")
        }
        // The cursor's cell (the centre) is class_4 again.
        #expect(try again.screen().contains("(4,4) class_4"))
        try again.press("q")
        try again.waitForScreen("the question on quitting") { $0.contains("The painting has unsaved changes.") }
        try again.press("y")
        #expect(exitStatus(scratch) == 0)
        #expect(autosaves(scratch).isEmpty)
    }

    @Test func twoPaintersOnOneStateFolderKeepTheirPaintings() throws {
        let scratch = try scratch()
        let first = try TmuxPane(width: 120, height: 40, command: try painter(scratch, exitFile: "first-status"))
        try first.waitForScreen("the first picture") { $0.contains("done in ") }
        try first.press("K", "Space")
        try first.waitForScreen("the stroke") { $0.contains("unsaved") }
        let deadline = Date().addingTimeInterval(10)
        while autosaves(scratch).isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let firstAutosave = try #require(autosaves(scratch).first)

        // A second painter on the same state folder is not offered the first one's live painting, and quitting
        // leaves it alone.
        let second = try TmuxPane(width: 120, height: 40, command: try painter(scratch, exitFile: "second-status"))
        let screen = try second.waitForScreen("the second painter's picture") { $0.contains("done in ") }
        #expect(!screen.contains("An earlier run left"))
        try second.press("q")
        #expect(exitStatus(scratch, exitFile: "second-status") == 0)
        #expect(autosaves(scratch) == [firstAutosave])

        // The first painter is killed: its painting is offered. Declined and quit without painting, it stays;
        // the start after that offers it again and restores it.
        let pid = try #require(try first.programID())
        #expect(kill(pid, SIGKILL) == 0)
        let third = try TmuxPane(width: 120, height: 40, command: try painter(scratch, exitFile: "third-status"))
        try third.waitForScreen("the offer") { $0.contains("An earlier run left an unsaved painting") }
        try third.press("n", "q")
        #expect(exitStatus(scratch, exitFile: "third-status") == 0)
        #expect(autosaves(scratch) == [firstAutosave])
        let fourth = try TmuxPane(width: 120, height: 40, command: try painter(scratch, exitFile: "fourth-status"))
        try fourth.waitForScreen("the offer again") { $0.contains("An earlier run left an unsaved painting") }
        try fourth.press("y")
        try fourth.waitForScreen("the restored painting") {
            $0.contains("restored the painting") && $0.contains("(4,4) class_4")
        }
        try fourth.press("q", "y")
        #expect(exitStatus(scratch, exitFile: "fourth-status") == 0)
        #expect(autosaves(scratch).isEmpty)
    }

    @Test func foldersThatCannotBeWrittenAreNamedOnceAndPaintingGoesOn() throws {
        let scratch = try scratch()
        try scratch.write("", to: "blocker")
        // A huge number in a file name of a writable folder is not a save to count up from.
        try FileManager.default.createDirectory(at: scratch.url("out"), withIntermediateDirectories: true)
        try scratch.write("", to: "out/painting-99999999999999999999999.png")
        let pane = try TmuxPane(
            width: 250, height: 40, command: try painter(scratch, state: "blocker/state", out: "blocker/out"))
        var screen = try pane.waitForScreen("the first picture") { $0.contains("done in ") }
        let blocker = scratch.url("blocker").path
        #expect(
            screen.contains(
                "w cannot save: \(blocker)/out: no such folder; autosave off: cannot make the folder \(blocker)/state: Not a directory"
            ),
            "\(screen)")
        #expect(screen.contains("│ not autosaved"))
        try pane.press("K", "Space")
        screen = try pane.waitForScreen("the stroke's picture") { $0.contains("class_4 │") && $0.contains("done in ") }
        #expect(!screen.contains("render failed"))
        try pane.press("w")
        try pane.waitForScreen("the save's error") {
            $0.contains("not saved: cannot save into \(blocker)/out: no such folder")
        }
        try pane.press("q", "y")
        #expect(exitStatus(scratch) == 0)

        let writable = try TmuxPane(width: 120, height: 40, command: try painter(scratch))
        try writable.waitForScreen("the first picture") { $0.contains("done in ") }
        try writable.press("w")
        try writable.waitForScreen("the save") {
            $0.contains("saved \(scratch.url("out/painting-001.png").path) (+ mask, instances, json)")
        }
        try writable.press("q")
        #expect(exitStatus(scratch) == 0)
    }

    @Test func helpResizingAndATooSmallTerminal() throws {
        let scratch = try scratch()
        let pane = try TmuxPane(width: 100, height: 30, command: try painter(scratch))
        try pane.waitForScreen("the first picture") { $0.contains("done in ") }
        try pane.press("?")
        var screen = try pane.waitForScreen("the help") { $0.contains("Keys: any key closes") }
        for line in ["move the cursor", "ICPE on / off", "random style", "save picture, mask,", "A K "] {
            #expect(screen.contains(line), "help without '\(line)'")
        }
        try pane.press("Escape")
        try pane.waitForScreen("the help to close") { !$0.contains("Keys: any key closes") }

        try pane.tmux(["resize-window", "-t", pane.target, "-x", "24", "-y", "8"])
        try pane.waitForScreen("the too-small message") {
            TmuxPane.flat($0).contains("needs at least 27x13 for a 8x8 canvas")
        }
        // Keys do not paint blind.
        try pane.press("K", "Space", "f", "Space")
        try pane.tmux(["resize-window", "-t", pane.target, "-x", "60", "-y", "20"])
        screen = try pane.waitForScreen("the panels again") { $0.contains("Classes") }
        #expect(screen.contains("Canvas 8x8") && !screen.contains("needs at least"))
        let status = try #require(screen.split(separator: "\n").first { $0.contains("│ ICPE on │") })
        #expect(status.contains("brush 1 round │ class_0 │") && !status.contains("unsaved"), "\(screen)")
        try pane.press("q")
        #expect(exitStatus(scratch) == 0)
    }
}
