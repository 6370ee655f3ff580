/// How the preview panel shows the picture: as an image in one of the terminal graphics protocols, or as
/// half-block characters (every terminal).
public enum PreviewMode: String, CaseIterable, Sendable {
    case kitty, sixel, iterm2, blocks
}
