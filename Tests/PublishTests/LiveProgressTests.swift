import Foundation
import Testing
import TestSupport

/// `publish` on a terminal: live lines per layer and upload, redrawn in place, erased at the
/// end so that the screen reads as a log of the same run does; anywhere else, not one escape
/// byte. The terminal is a real pseudo-terminal, and what it shows once the run has ended is
/// read by a VT100 emulator nobody here wrote (pyte), through Tests/Terminal/run_on_terminal.py.
@Suite(.serialized) struct LiveProgressTests {
    struct TerminalRun {
        var status: Int32
        /// Every byte the run wrote to the terminal.
        var raw: String
        /// What the terminal shows once the run has ended, line by line.
        var screen: [String]
    }

    /// Runs the executable with `arguments` on a pseudo-terminal wide enough that no line
    /// wraps and `rows` high, in `directory`, with `environment` (the test's own, else) and TERM=xterm.
    static func onTerminal(_ arguments: [String], in directory: String, environment: [String: String]? = nil, rows: Int = 40) throws -> TerminalRun {
        let files = try TemporaryDirectory("terminal")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var environment = environment ?? ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm"
        let result = try Tool.run(
            "python3", [Paths.repositoryRoot + "/Tests/Terminal/run_on_terminal.py", "--raw", files.file("raw"), "--screen", files.file("screen"),
                        "--columns", "400", "--rows", String(rows), "--", Paths.executable] + arguments,
            environment: environment, replacingEnvironment: true, directory: directory)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let raw = try String(contentsOfFile: files.file("raw"), encoding: .utf8)
        let screen = try String(contentsOfFile: files.file("screen"), encoding: .utf8)
        return TerminalRun(status: result.status, raw: raw, screen: screen.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
    }

    /// The same run as a log sees it: standard error and output in one stream, in `directory`.
    static func asLog(_ arguments: [String], in directory: String, environment: [String: String]? = nil) throws -> ToolResult {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try Tool.run("bash", ["-c", #""$0" "$@" 2>&1"#, Paths.executable] + arguments,
                            environment: environment, replacingEnvironment: environment != nil, directory: directory)
    }

    static func matches(_ text: String, _ pattern: String) throws -> Bool {
        try Regex(pattern).firstMatch(in: text) != nil
    }

    /// A line of the live block (`layer  <12 hex>  …`, `blob   <12 hex>  …`).
    static let blockLine = #"^(layer|blob) +[0-9a-f]{12}  "#

    @Test func aTerminalSeesEachLayerReadLiveThenTheLinesOfALog() throws {
        let directory = try TemporaryDirectory("live-local")
        let image = try PublishPushTests.bigNewLayerImage(directory, mebibytes: 12, seed: "live-local")
        let arguments = ["publish", image, "--repository", "test/app", "--no-push", "--output", "out"]
        let terminal = try Self.onTerminal(arguments, in: directory.file("tty"))
        #expect(terminal.status == 0, "\(terminal.raw)")
        // Frames drawn in place: each line cleared after a carriage return, the block climbed
        // back over and cleared before the next, a percentage of the layer read.
        #expect(terminal.raw.contains("\r\u{1b}[2Klayer  "), "\(terminal.raw)")
        #expect(try Self.matches(terminal.raw, "\u{1b}\\[[0-9]+A\r\u{1b}\\[J"), "\(terminal.raw)")
        #expect(try Self.matches(terminal.raw, "[0-9.]+ (B|kB|MB) / 12\\.[0-9] MB +[0-9]{1,3}%  compress"), "\(terminal.raw)")

        let log = try Self.asLog(arguments, in: directory.file("log"))
        #expect(log.status == 0, "\(log.stdout)")
        #expect(!log.stdoutData.contains(0x1b), "no escape byte in a log: \(log.stdout)")
        let logLines = log.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(terminal.screen == logLines, "the screen reads as the log")
        #expect(try !terminal.screen.contains { try Self.matches($0, Self.blockLine) })
        #expect(try Tool.run("skopeo", ["inspect", "oci:" + directory.file("tty/out/image")]).status == 0)

        // Asked for plain lines, a terminal gets what a log gets.
        let plain = try Self.onTerminal(arguments + ["--progress", "plain"], in: directory.file("plain"))
        #expect(plain.status == 0 && !plain.raw.utf8.contains(0x1b), "\(plain.raw)")
        #expect(plain.screen == logLines)
    }

    /// A docker save tarball whose one layer is a member named with escape sequences (a
    /// screen clear, a window title), which the reader accepts: names are only names.
    static let hostileNameImage = """
        import hashlib, io, json, sys, tarfile
        def add(tar, name, data):
            info = tarfile.TarInfo(name); info.size = len(data); info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as inner:
            add(inner, "etc/motd", b"hello\\n" * 1000)
        layer = layer.getvalue()
        name = "\\x1b[2J\\x1b]0;owned\\x07"
        config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                             "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
        with tarfile.open(sys.argv[1], mode="w", format=tarfile.PAX_FORMAT) as tar:
            add(tar, "config.json", config)
            add(tar, name, layer)
            add(tar, "manifest.json", json.dumps([{"Config": "config.json", "RepoTags": ["evil:1"], "Layers": [name]}]).encode())
        """

    @Test func aMemberNamedWithEscapeSequencesReachesTheTerminalAsQuestionMarks() throws {
        let directory = try TemporaryDirectory("live-hostile")
        let image = directory.file("evil.tar")
        try Tool.check("python3", ["-c", Self.hostileNameImage, image])
        let terminal = try Self.onTerminal(["publish", image, "--repository", "test/app", "--no-push", "--output", "out"], in: directory.path)
        #expect(terminal.status == 0, "\(terminal.raw)")
        #expect(terminal.raw.contains("layer  ?[2J?]0;owned?  "), "\(terminal.raw)")
        #expect(!terminal.raw.contains("\u{1b}[2J") && !terminal.raw.contains("\u{1b}]0;"), "\(terminal.raw)")
    }

    /// The same name in an error (the member is missing): the message reaches standard error,
    /// and a GitHub annotation, without its control characters.
    @Test func anErrorNamingAHostileMemberPrintsItWithoutControlCharacters() throws {
        let directory = try TemporaryDirectory("hostile-error")
        let image = directory.file("evil.tar")
        let script = Self.hostileNameImage.replacingOccurrences(of: "    add(tar, name, layer)\n", with: "")
        #expect(script != Self.hostileNameImage)
        try Tool.check("python3", ["-c", script, image])
        let result = try Tool.run(Paths.executable, ["publish", image, "--repository", "test/app", "--no-push", "--output", directory.file("out")],
                                  environment: ["GITHUB_ACTIONS": "true"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("?[2J?]0;owned?"), "\(result.stderr)")
        #expect(!result.stderr.utf8.contains(0x1b) && !result.stderr.utf8.contains(0x07), "\(result.stderr)")
    }

    @Test func moreLayersThanRowsKeepTheBlockWithinTheTerminal() throws {
        let world = try PublishPushTests.world.get()
        let directory = try TemporaryDirectory("live-many")
        var layers: [String] = []
        for index in 1...12 {
            let layer = directory.file("layer\(index)")
            try FileManager.default.createDirectory(atPath: layer, withIntermediateDirectories: true)
            try Tool.check("bash", ["-c", "head -c 300000 /dev/urandom > \(layer)/file"])
            layers += ["--layer", layer]
        }
        let image = directory.file("many.tar")
        try Tool.check("python3", [Paths.repositoryRoot + "/fixtures/make-fixtures.py", "image", "--layout", "docker-oci"] + layers
                       + ["--tag", "many:1", "--out", image])
        let home = try TemporaryDirectory("live-many-home")
        let terminal = try Self.onTerminal(
            ["publish", image, "--repository", "team/live-many", "--create-repository", "--registry-endpoint", world.registry.baseURL,
             "--ca-file", world.registry.caFile, "--tag", "1", "--cache-dir", directory.file("cache")],
            in: directory.path, environment: world.moto.environment(home: home.path), rows: 8)
        #expect(terminal.status == 0, "\(terminal.raw)")
        // Every frame fits in 8 rows less 2; the config's `uploaded` line comes after the pass,
        // with all 12 layers known: the settled ones make way.
        let frames = terminal.raw.split(separator: try Regex("\u{1b}\\[[0-9]+A\r\u{1b}\\[J"))
        #expect(frames.count > 1)
        for frame in frames {
            #expect(frame.components(separatedBy: "\r\u{1b}[2K").count - 1 <= 6, "\(frame)")
        }
        #expect(terminal.raw.contains("\r\u{1b}[2K… "), "\(terminal.raw)")
        #expect(try !terminal.screen.contains { try Self.matches($0, Self.blockLine) }, "the block is gone: \(terminal.screen)")
        #expect(terminal.screen.filter { $0.hasPrefix("uploaded  sha256:") }.count == 13, "12 layers and the config: \(terminal.screen)")
    }

    @Test func aPushOnATerminalShowsItsUploadsAndEndsWithTheLinesOfALog() throws {
        let world = try PublishPushTests.world.get()
        let directory = try TemporaryDirectory("live-push")
        let image = try PublishPushTests.bigNewLayerImage(directory, mebibytes: 20, seed: "live-push")
        let home = try TemporaryDirectory("live-push-home")
        func arguments(_ repository: String, _ name: String) -> [String] {
            ["publish", image, "--repository", repository, "--create-repository", "--registry-endpoint", world.registry.baseURL,
             "--ca-file", world.registry.caFile, "--tag", "1", "--cache-dir", directory.file("cache-" + name),
             "--result-file", directory.file(name + ".json")]
        }
        let environment = world.moto.environment(home: home.path)
        let terminal = try Self.onTerminal(arguments("team/live", "tty"), in: directory.file("tty"), environment: environment)
        #expect(terminal.status == 0, "\(terminal.raw)")
        for secret in [world.registry.password, Data("AWS:\(world.registry.password)".utf8).base64EncodedString(), world.moto.secretAccessKey] {
            #expect(!terminal.raw.contains(secret), "a secret on the terminal")
        }
        // The config goes up in one PUT; its `uploaded` line comes with a frame still showing its upload.
        #expect(try Self.matches(terminal.raw, "\r\u{1b}\\[2Kblob   [0-9a-f]{12}  uploading 0 B / [0-9]+ B 0%"), "\(terminal.raw)")
        #expect(try Self.matches(terminal.raw, "[0-9]{1,3}%  compress"), "\(terminal.raw)")
        #expect(try !terminal.screen.contains { try Self.matches($0, Self.blockLine) }, "the block is gone: \(terminal.screen)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.file("tty.json")))) as? [String: Any])
        let push = try #require(report["push"] as? [String: Any])
        let uploaded = terminal.screen.filter { $0.hasPrefix("uploaded  sha256:") }
        #expect(uploaded.count == push["blobsUploaded"] as? Int, "a line per blob: \(terminal.screen)")
        #expect(terminal.screen.contains { $0.hasPrefix("pushed    ") }, "then the report: \(terminal.screen)")

        // A log of the same push: the same lines but for the seconds each upload took, no escape byte.
        let log = try Self.asLog(arguments("team/live-log", "log"), in: directory.file("log"), environment: environment)
        #expect(log.status == 0, "\(log.stdout)")
        #expect(!log.stdoutData.contains(0x1b), "no escape byte in a log: \(log.stdout)")
        func shape(_ lines: [String]) -> [String] {
            lines.map { $0.replacingOccurrences(of: "team/live-log", with: "team/live").replacing(try! Regex("[0-9]+\\.[0-9] s"), with: "N s") }
                .filter { !$0.hasPrefix("pushed    ") && !$0.hasPrefix("repository ") }
        }
        let logLines = log.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        // Whether the big layer streamed while it was compressed is a matter of timing (a stream
        // that has sent no part when the blob is committed leaves it to the usual upload), so the
        // two runs may word that line either way; the blobs and their sizes are the same.
        let how = try Regex("(, streamed while compressed.*| in N s)$")
        func uploads(_ lines: [String]) -> [String] {
            shape(lines).filter { $0.hasPrefix("uploaded  ") }.map { $0.replacing(how, with: "") }.sorted()
        }
        for line in shape(terminal.screen + logLines) where line.hasPrefix("uploaded  ") {
            #expect(line.contains(how), "an upload line says how the blob went up: \(line)")
        }
        #expect(uploads(terminal.screen) == uploads(logLines))
    }
}
