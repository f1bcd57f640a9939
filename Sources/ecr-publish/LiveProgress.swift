import ArgumentParser
import Foundation
import ImageArchive
import OCI
import Publish
#if canImport(Glibc)
import Glibc
#endif

/// How `publish` shows its progress on standard error (`--progress`).
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    /// Live lines when standard error is a terminal (and `TERM` is not `dumb`), else plain.
    case auto
    /// Live lines whatever standard error is.
    case tty
    /// One line per finished blob, as in a CI log.
    case plain
}

/// The live block a terminal shows while `publish` runs: a line per layer as the pass reads
/// it (bytes read of its size, what the pass does with it) and where its blob's upload is,
/// plus a line per other blob in flight. Redrawn at most ten times a second with ANSI cursor
/// movement: by the event that finds the last frame older than that (the first event draws at
/// once), else by a timer that catches up; the pass and the uploads otherwise only update the
/// state under a lock.
/// The plain lines (`uploaded …`, `exists …`, warnings) go above the block as they come and
/// the block is erased at the end, so the scrollback reads as a CI log does.
final class LiveProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var layers: [Row] = []
    private var rowOfPath: [String: Int] = [:]
    private var rowOfDigest: [Digest: Int] = [:]
    private var rowOfStream: [Int: Int] = [:]
    /// Blobs in flight that are no layer of the pass (configs, manifests' blobs, signatures).
    private var others: [(digest: Digest, upload: Upload)] = []
    private var drawn = 0
    private var changed = false
    private var lastFrame: ContinuousClock.Instant?
    private static let interval = Duration.milliseconds(100)
    private var ended = false
    private let output: Int32
    private let timer: any DispatchSourceTimer

    /// The live display `mode` asks for on standard error, or nil for plain lines.
    static func start(_ mode: ProgressMode, environment: [String: String] = ProcessInfo.processInfo.environment) -> LiveProgress? {
        switch mode {
        case .plain: return nil
        case .tty: return LiveProgress(output: STDERR_FILENO)
        case .auto:
            guard isatty(STDERR_FILENO) == 1, environment["TERM"].map({ !$0.isEmpty && $0 != "dumb" }) ?? false else { return nil }
            return LiveProgress(output: STDERR_FILENO)
        }
    }

    private init(output: Int32) {
        self.output = output
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "ecr-publish.progress"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(50), leeway: .milliseconds(10))
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
    }

    /// Takes one event of the run: a lock and a few assignments, and a frame when the last is
    /// older than a tenth of a second.
    func handle(_ event: PublishEvent) {
        lock.withLock {
            guard !ended else { return }
            apply(event)
            changed = true
            let now = ContinuousClock.now
            if lastFrame.map({ now - $0 >= Self.interval }) ?? true { draw(at: now) }
        }
    }

    /// Writes `line` above the block.
    func print(_ line: String) {
        lock.withLock {
            guard !ended else { return write(line + "\n") }
            write(erasure() + line + "\n" + block())
        }
    }

    /// Erases the block for good; what follows is plain output.
    func finish() {
        timer.cancel()
        lock.withLock {
            guard !ended else { return }
            ended = true
            write(erasure())
        }
    }

    private func redraw() {
        lock.withLock {
            let now = ContinuousClock.now
            guard changed, !ended, lastFrame.map({ now - $0 >= Self.interval }) ?? true else { return }
            draw(at: now)
        }
    }

    /// A new frame (the lock held).
    private func draw(at now: ContinuousClock.Instant) {
        changed = false
        lastFrame = now
        write(erasure() + block())
    }

    // MARK: State

    private struct Upload {
        var sent: Int64 = 0
        var size: Int64?
        var outcome: PublishEvent.BlobOutcome?
    }

    private struct Row {
        var label: String
        var read: LayerReadProgress
        var upload: Upload?
        var streaming = false

        var isSettled: Bool { upload?.outcome != nil }
    }

    private func apply(_ event: PublishEvent) {
        switch event {
        case .read(let progress):
            if let index = rowOfPath[progress.path] {
                layers[index].read = progress
            } else {
                rowOfPath[progress.path] = layers.count
                layers.append(Row(label: Self.label(progress.path), read: progress))
            }
            if let stored = progress.stored, let index = rowOfPath[progress.path] {
                rowOfDigest[stored] = index
                // An upload told before the pass finished the layer (a streamed one's last parts).
                if let position = others.firstIndex(where: { $0.digest == stored }) {
                    layers[index].upload = others.remove(at: position).upload
                }
            }
        case .sent(.stream(let number), let sent, let size):
            // A stream belongs to the layer the pass compresses now: the last one started.
            if rowOfStream[number] == nil, let last = layers.indices.last(where: { layers[$0].read.stored == nil }) {
                rowOfStream[number] = last
            }
            guard let index = rowOfStream[number] else { return }
            layers[index].streaming = true
            layers[index].upload = Upload(sent: sent, size: size)
        case .sent(.digest(let digest), let sent, let size):
            update(digest) { upload in
                upload.sent = sent
                if let size { upload.size = size }
            }
        case .done(let digest, let outcome):
            update(digest) { upload in
                upload.outcome = outcome
                if let size = upload.size { upload.sent = size }
            }
            others.removeAll { $0.digest == digest }
        }
    }

    private func update(_ digest: Digest, _ change: (inout Upload) -> Void) {
        if let index = rowOfDigest[digest] {
            var upload = layers[index].upload ?? Upload()
            change(&upload)
            layers[index].upload = upload
        } else if let position = others.firstIndex(where: { $0.digest == digest }) {
            change(&others[position].upload)
        } else {
            var upload = Upload()
            change(&upload)
            others.append((digest, upload))
        }
    }

    // MARK: Drawing

    /// Moves back over the block drawn last and clears it.
    private func erasure() -> String {
        guard drawn > 0 else { return "" }
        defer { drawn = 0 }
        return "\u{1b}[\(drawn)A\r\u{1b}[J"
    }

    /// The block, fitted to the terminal: finished layers make way for the ones in flight.
    private func block() -> String {
        let (width, height) = Self.terminalSize(output)
        var lines = layers.map(Self.line)
        lines += others.map { "blob   \(Self.shortHex($0.digest.description))  " + Self.uploadText($0.upload) }
        let room = max(3, height - 2)
        if lines.count > room {
            var settled = layers.indices.filter { layers[$0].isSettled }
            var hidden = 0
            var keep = Array(lines.indices)
            while keep.count > room - 1, let first = settled.first {
                keep.removeAll { $0 == first }
                settled.removeFirst()
                hidden += 1
            }
            if keep.count > room - 1 {
                hidden += keep.count - (room - 1)
                keep = Array(keep.suffix(room - 1))
            }
            lines = ["… \(hidden) more"] + keep.map { lines[$0] }
        }
        drawn = lines.count
        return lines.map { "\r\u{1b}[2K" + Self.fitted($0, width: width) + "\n" }.joined()
    }

    private static func line(_ row: Row) -> String {
        let read = row.read
        let percent = read.size > 0 ? Int(read.read * 100 / read.size) : 100
        var text = "layer  " + row.label.padding(toLength: 14, withPad: " ", startingAt: 0)
            + "  " + "\(bytes(read.read)) / \(bytes(read.size))".leftPadded(to: 21) + "  " + "\(percent)%".leftPadded(to: 4) + "  "
        if read.stored == nil {
            switch read.phase {
            case .compressing: text += "compressing"
            case .hashing: text += "hashing"
            case .reused: text += "reused"
            }
        } else {
            switch read.phase {
            case .compressing: text += "compressed"
            case .hashing: text += "hashed"
            case .reused: text += "reused"
            }
        }
        if let upload = row.upload {
            text += row.streaming && upload.outcome == nil && read.stored == nil ? ", streaming-upload " + bytes(upload.sent) : ", " + uploadText(upload)
        }
        return text
    }

    private static func uploadText(_ upload: Upload) -> String {
        switch upload.outcome {
        case .uploaded?: return "uploaded"
        case .streamed?: return "uploaded (streamed)"
        case .exists?: return "exists"
        case nil:
            guard let size = upload.size, size > 0 else { return "uploading " + bytes(upload.sent) }
            return "uploading \(bytes(upload.sent)) / \(bytes(size)) \(min(100, upload.sent * 100 / size))%"
        }
    }

    private static func bytes(_ count: Int64) -> String { TextReporter.formatBytes(count) }

    /// A member's short name: the first 12 hex digits of the digest it is named by
    /// (`blobs/sha256/<hex>`, `<hex>/layer.tar`), else its path's end. The tarball names its
    /// members: anything but printable ASCII (an escape sequence, a wide character) is a `?`.
    static func label(_ path: String) -> String {
        let hexDigits = Set("0123456789abcdef")
        for component in path.split(separator: "/") where component.count == 64 && component.allSatisfy(hexDigits.contains) {
            return String(component.prefix(12))
        }
        let printable = String(path.unicodeScalars.map { (0x20...0x7e).contains($0.value) ? Character($0) : "?" })
        return printable.count <= 14 ? printable : "…" + printable.suffix(13)
    }

    private static func shortHex(_ digest: String) -> String {
        String((digest.split(separator: ":").last ?? Substring(digest)).prefix(12))
    }

    /// `line` cut to the terminal's width (a wrapped line would throw the cursor movement off).
    private static func fitted(_ line: String, width: Int) -> String {
        line.count < width ? line : String(line.prefix(max(1, width - 1)))
    }

    private static func terminalSize(_ descriptor: Int32) -> (width: Int, height: Int) {
        var size = winsize()
        if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        return (80, 24)
    }

    private func write(_ text: String) {
        guard !text.isEmpty else { return }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(output, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: " ", count: length - count) + self
    }
}
