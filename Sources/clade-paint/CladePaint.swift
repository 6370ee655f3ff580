import ArgumentParser
import CLADE
import Foundation

/// The `clade-paint` command: subcommands `paint` (the default), `render` and `info`.
@main
struct CladePaint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clade-paint",
        abstract: "Paint a semantic layout and let a CLADE generator turn it into a picture.",
        version: version,
        subcommands: [Paint.self, Render.self, Info.self, Bench.self],
        defaultSubcommand: Paint.self)

    /// What `clade-paint --version` prints.
    static let version = "0.1.0"

    /// Parses and runs like ArgumentParser's own `main`, but reports a problem with a file in one line,
    /// `clade-paint: error: <file>: <problem>`, with exit status 1.
    static func main() {
        BLASRelaunch.ifGenericKernels()
        HeapReuse.configure()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let problem as FileProblem {
            FileHandle.standardError.write(Data((problem.message + "\n").utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
