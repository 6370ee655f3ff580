/// tmux's passthrough envelope, `ESC P tmux; ... ESC \` with every ESC inside doubled: tmux (with
/// `set -g allow-passthrough on`) hands the inner sequence to the terminal it runs in unchanged.
public enum TmuxPassthrough {
    public static func wrap(_ sequence: [UInt8]) -> [UInt8] {
        var wrapped: [UInt8] = Array("\u{1B}Ptmux;".utf8)
        wrapped.reserveCapacity(sequence.count + 16)
        for byte in sequence {
            if byte == 0x1B { wrapped.append(0x1B) }
            wrapped.append(byte)
        }
        return wrapped + [0x1B, 0x5C]
    }
}
