/// Text that may carry names from hostile inputs (tarball members, tags, registry answers)
/// made safe to print: control characters (C0 but newline and tab, DEL, C1) and the
/// bidirectional overrides become `?`, so a name cannot clear the screen, retitle the
/// window, hide what follows or reorder what a reader sees.
enum TerminalSafe {
    static func text(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var safe = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { safe.append(isUnsafe(scalar) ? "?" : scalar) }
        return String(safe)
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
