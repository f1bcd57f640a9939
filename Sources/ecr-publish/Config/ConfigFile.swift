import Foundation
import Yams

/// `.ecr-publish.yml`: sections of settings, each key one option of the command.
///
/// ```yaml
/// repository:
///   create-repository: true
///   tag-mutability: IMMUTABLE_WITH_EXCLUSION
///   mutability-exclusion: ["*-latest"]
/// gitops:
///   repo: https://github.com/org/deploy.git
///   file: [apps/web/deployment.yaml]
/// ```
///
/// A flag takes `true` or `false`, an option a scalar, a repeatable option a scalar or a
/// list of scalars. Anything else (an unknown section or key, another type) is an
/// error naming the file and line. The file is hostile input: at most 256 KiB, two levels
/// deep, 2,000 values.
struct ConfigFile: Sendable {
    /// A setting as the file gives it.
    struct Entry: Sendable {
        var values: [String]
        var line: Int?
    }

    static let defaultName = ".ecr-publish.yml"
    static let maximumSize = 256 << 10
    static let maximumValues = 2_000

    var path: String
    /// By option name.
    var entries: [String: Entry]

    /// Reads the file at `opening`, naming it `path` in messages.
    static func load(path: String, opening: String, catalog: OptionCatalog) throws -> ConfigFile {
        guard let handle = FileHandle(forReadingAtPath: opening) else {
            throw ConfigError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: opening) ? "permission denied" : "no such file")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumSize + 1)) ?? Data()
        guard data.count <= maximumSize else {
            throw ConfigError.invalid(path: path, line: nil, message: "the file is over \(maximumSize >> 10) KiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError.invalid(path: path, line: nil, message: "the file is not UTF-8 text")
        }
        return try ConfigFile(path: path, text: text, catalog: catalog)
    }

    init(path: String, text: String, catalog: OptionCatalog) throws {
        self.path = path
        entries = [:]
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError.invalid(path: path, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        }
        guard let root else { return }  // empty file
        guard case .mapping(let sections) = root else {
            throw invalid(root, "the file must be a mapping of sections (\(catalog.sections.joined(separator: ", ")))")
        }
        var valueCount = 0
        var seenSections: Set<String> = []
        for (sectionNode, body) in sections {
            let section = try scalarKey(sectionNode)
            guard catalog.sections.contains(section) else {
                throw invalid(sectionNode, "unknown section '\(section)'; sections are \(catalog.sections.joined(separator: ", "))")
            }
            guard seenSections.insert(section).inserted else { throw invalid(sectionNode, "section '\(section)' appears twice") }
            if case .scalar(let scalar) = body, scalar.tag == Tag(.null) { continue }  // `gitops:` with nothing under it
            guard case .mapping(let settings) = body else {
                throw invalid(body, "section '\(section)' must be a mapping of settings")
            }
            for (keyNode, value) in settings {
                let key = try scalarKey(keyNode)
                guard let option = catalog.options.first(where: { $0.section == section && $0.key == key }) else {
                    throw invalid(keyNode, "unknown setting '\(key)' in section '\(section)'" + Self.suggestion(key, section: section, catalog: catalog))
                }
                guard entries[option.name] == nil else { throw invalid(keyNode, "'\(section).\(key)' appears twice") }
                let values = try self.values(value, for: option)
                valueCount += values.count
                guard valueCount <= Self.maximumValues else { throw invalid(value, "more than \(Self.maximumValues) values") }
                entries[option.name] = Entry(values: values, line: keyNode.mark?.line)
            }
        }
    }

    /// The setting's values as command-line strings: `true`/`false` for a flag.
    func values(_ node: Node, for option: ConfigOption) throws -> [String] {
        let what = "'\(option.path)'"
        switch (option.kind, node) {
        case (.flag, .scalar):
            guard let bool = node.bool else { throw invalid(node, "\(what) takes true or false") }
            return [bool ? "true" : "false"]
        case (.value, .scalar(let scalar)):
            guard scalar.tag != Tag(.null) else { throw invalid(node, "\(what) has no value") }
            return [scalar.string]
        case (.value, .sequence(let sequence)) where option.isRepeating:
            return try sequence.map { item in
                guard case .scalar(let scalar) = item, scalar.tag != Tag(.null) else {
                    throw invalid(item, "\(what) takes a list of single values")
                }
                return scalar.string
            }
        case (.value, .sequence):
            throw invalid(node, "\(what) takes one value, not a list")
        case (_, .alias):
            throw invalid(node, "anchors and aliases are not supported")
        default:
            throw invalid(node, "\(what) takes \(option.kind == .flag ? "true or false" : option.isRepeating ? "a value or a list of values" : "one value")")
        }
    }

    func scalarKey(_ node: Node) throws -> String {
        guard case .scalar(let scalar) = node else { throw invalid(node, "a key must be a plain name") }
        return scalar.string
    }

    func invalid(_ node: Node, _ message: String) -> ConfigError {
        ConfigError.invalid(path: path, line: node.mark?.line, message: message)
    }

    /// ` (did you mean 'repo'?)` for a long name written in full, or a key of another section.
    static func suggestion(_ key: String, section: String, catalog: OptionCatalog) -> String {
        if let option = catalog.options.first(where: { $0.name == key || $0.key == key }) {
            return " (did you mean '\(option.section).\(option.key)'?)"
        }
        return ""
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    /// The parser's problem, without the quoted source text Yams appends.
    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        case .duplicatedKeysInMapping(let duplicates, _): return "a key appears twice: " + duplicates.joined(separator: ", ")
        default: return "unreadable"
        }
    }
}
