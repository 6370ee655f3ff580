import Foundation

/// Gives the terminal back when the process crashes (a failed precondition, a fault): a signal handler puts
/// the terminal modes saved at the start back (`tcsetattr`, safe in a signal handler), switches mouse
/// reports and the alternate screen off and shows the cursor (one `write`), then hands the signal to the handler
/// that was there before (Swift's backtracer, or the default), so the crash report lands on a usable terminal, and
/// the process ends without waiting for a key.
enum TerminalRescue {
    /// Written once in `install()` before any handler can run, then only read by the handlers.
    /// The C library's `struct termios` (60 bytes on x86-64 glibc) in a buffer of its own: Swift stores a global
    /// `termios` of this module in 57 bytes, so tcgetattr wrote past it (AddressSanitizer: global-buffer-overflow).
    nonisolated(unsafe) private static let savedModes = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 16)
        .bindMemory(to: termios.self, capacity: 1)
    nonisolated(unsafe) private static var previous: [Int32: sigaction] = [:]
    nonisolated(unsafe) private static var reset: [UInt8] = []
    static let signals = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

    /// Saves the terminal's modes as they are now (call before ncurses changes them) and installs the handlers.
    static func install() {
        guard previous.isEmpty, tcgetattr(STDIN_FILENO, savedModes) == 0 else { return }
        reset = Array((CursesTerminal.mouseOff + "\u{1B}[0m\u{1B}[?1049l\u{1B}[?25h\r\n").utf8)
        var table: [Int32: sigaction] = [:]
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in TerminalRescue.rescue(number) }
            sigemptyset(&action.sa_mask)
            var old = sigaction()
            if sigaction(signal, &action, &old) == 0 { table[signal] = old }
        }
        previous = table
    }

    private static func rescue(_ number: Int32) {
        _ = reset.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        tcsetattr(STDIN_FILENO, TCSANOW, savedModes)
        // Swift's backtracer waits 30 s for a key ("Press space to interact") while standard input is a terminal;
        // the report is printed all the same, and the terminal is given back at once.
        let null = open("/dev/null", O_RDONLY)
        if null >= 0 { dup2(null, STDIN_FILENO) }
        if var old = previous[number] {
            sigaction(number, &old, nil)
        } else {
            signal(number, SIG_DFL)
        }
        // A fault repeats when the handler returns; a raised signal (abort) is raised again.
        raise(number)
    }
}
