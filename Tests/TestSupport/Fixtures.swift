import Foundation

/// Generated inputs: the hostile tarballs of `fixtures/make-fixtures.py hostile`, built once
/// per test process into a temporary directory.
public enum Fixtures {
    public struct HostileCase: Decodable, Sendable {
        public var file: String
        public var `case`: String
        public var expectation: String
    }

    /// Runs a generator script of the repository (`arguments` then the output directory) into a
    /// new temporary directory and decodes the list it writes there.
    static func generate<List: Decodable>(
        _ script: String, _ arguments: [String] = [], label: String, list: String
    ) -> Result<(TemporaryDirectory, List), any Error> {
        Result {
            let directory = try TemporaryDirectory(label)
            try Tool.check("python3", [Paths.repositoryRoot + "/" + script] + arguments + [directory.path])
            let data = try Data(contentsOf: URL(fileURLWithPath: directory.file(list)))
            return (directory, try JSONDecoder().decode(List.self, from: data))
        }
    }

    private static let hostile: Result<(TemporaryDirectory, [HostileCase]), any Error> = generate(
        "fixtures/make-fixtures.py", ["-q", "hostile"], label: "hostile", list: "cases.json")

    /// The directory holding the hostile cases and their list.
    public static func hostileCases() throws -> (directory: String, cases: [HostileCase]) {
        let (directory, cases) = try hostile.get()
        return (directory.path, cases)
    }

    /// A case of `fixtures/make-reader-cases.py`: a tarball as another tool writes it.
    public struct ReaderCase: Decodable, Sendable {
        public var file: String
        public var `case`: String
        public var expectation: String
        public var errorContains: [String]
        public var errorExcludes: [String]
        public var image: String?

        enum CodingKeys: String, CodingKey {
            case file, `case`, expectation, image
            case errorContains = "error_contains", errorExcludes = "error_excludes"
        }
    }

    private static let reader: Result<(TemporaryDirectory, [ReaderCase]), any Error> = generate(
        "fixtures/make-reader-cases.py", label: "reader-cases", list: "cases.json")

    /// The directory holding the reader cases and their list, built once per test process.
    public static func readerCases() throws -> (directory: String, cases: [ReaderCase]) {
        let (directory, cases) = try reader.get()
        return (directory.path, cases)
    }
}

/// The tar corpus of `Tests/Corpus/prepare.py` (Go's and libarchive's test archives) with
/// Go's archive/tar verdict on each, built once per test process.
public enum TarCorpus {
    public struct Entry: Decodable, Sendable {
        public var name: String
        /// The name's bytes, in hex: JSON cannot carry a name that is not UTF-8.
        public var nameHex: String
        public var type: String
        public var size: Int64
        public var mtime: Int64

        enum CodingKeys: String, CodingKey {
            case name, type, size, mtime
            case nameHex = "name_hex"
        }

        /// The name's bytes.
        public var nameBytes: [UInt8] {
            var bytes: [UInt8] = []
            var index = nameHex.startIndex
            while index < nameHex.endIndex {
                let next = nameHex.index(index, offsetBy: 2)
                bytes.append(UInt8(nameHex[index..<next], radix: 16)!)
                index = next
            }
            return bytes
        }
    }

    public struct Verdict: Decodable, Sendable {
        public var file: String
        public var accepted: Bool
        public var error: String?
        public var entries: [Entry]
    }

    private static let prepared: Result<(TemporaryDirectory, [Verdict]), any Error> = Fixtures.generate(
        "Tests/Corpus/prepare.py", label: "tar-corpus", list: "verdicts.json")

    /// The corpus directory (`tars/`, `images/`) and Go's verdicts.
    public static func load() throws -> (directory: String, verdicts: [Verdict]) {
        let (directory, verdicts) = try prepared.get()
        return (directory.path, verdicts)
    }
}

/// Content hashes of every file under a directory, for byte-for-byte comparisons.
public enum DirectorySnapshot {
    public static func files(_ root: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return result }
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory),
               !isDirectory.boolValue {
                result[relative] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))
            }
        }
        return result
    }
}
