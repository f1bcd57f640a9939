import Foundation

/// Which files of the clone to edit, and their new contents.
struct FileSelection {
    struct Changed {
        var path: String
        var bytes: [UInt8]
    }

    struct Plan {
        var changed: [Changed] = []
        var changes: [String] = []
        var warnings: [String] = []
    }

    let root: String
    let configuration: GitOpsConfiguration
    let pin: ImagePin

    func plan() throws -> Plan {
        let explicit = !configuration.files.isEmpty
        let candidates = explicit ? try configuration.files.map(checkedPath) : try scan()
        let editor = ManifestEditor(pin: pin, options: configuration.editOptions)
        var plan = Plan()
        var matchedAny = false
        var unmatched: [String] = []
        for path in candidates {
            let source: SourceText
            let bytes: [UInt8]
            do {
                bytes = try read(path)
                source = try SourceText(path: path, bytes: bytes)
            } catch let error as GitOpsError where !explicit {
                // A scanned file that is not YAML (a Helm template, another encoding) is not
                // one to edit: say so and go on. A named file must be readable.
                plan.warnings.append("skipped: \(error.summary)")
                continue
            }
            let edits = try editor.edits(for: source)
            plan.warnings += edits.warnings
            guard edits.matched else {
                unmatched.append(path)
                continue
            }
            matchedAny = true
            guard !edits.edits.isEmpty else { continue }
            let updated = TextEdit.apply(edits.edits, to: bytes)
            // The edit must leave valid YAML behind, equal to the original but for the pin.
            try ResultCheck(original: source, changes: edits.edits.flatMap(\.changes))
                .verify(SourceText(path: path, bytes: updated))
            plan.changed.append(Changed(path: path, bytes: updated))
            plan.changes += edits.edits.map(\.summary)
        }
        guard matchedAny else { throw GitOpsError.noMatch(files: explicit ? configuration.files : [], repository: pin.image.name) }
        if explicit {
            plan.warnings += unmatched.map { "\($0): no image of \(pin.image.name) found; left unchanged" }
        }
        return plan
    }

    /// A file's bytes, refused before reading when it is larger than a manifest may be.
    private func read(_ path: String) throws -> [UInt8] {
        let full = root + "/" + path
        let size = (try? FileManager.default.attributesOfItem(atPath: full)[.size] as? Int) ?? 0
        guard size <= SourceText.maximumSize else { throw SourceText.tooLarge(path: path, size: size) }
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: full)))
    }

    /// A path given by the user, checked to stay inside the clone.
    private func checkedPath(_ path: String) throws -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        guard !path.hasPrefix("/"), !parts.contains("..") , !parts.isEmpty else { throw GitOpsError.unsafePath(path) }
        let relative = parts.joined(separator: "/")
        let full = URL(fileURLWithPath: root + "/" + relative).resolvingSymlinksInPath().path
        let base = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        guard full.hasPrefix(base + "/") else { throw GitOpsError.unsafePath(path) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw GitOpsError.fileNotFound(relative)
        }
        return relative
    }

    /// YAML files under the directory that mention one of the repositories (or carry Flux markers).
    private func scan() throws -> [String] {
        let start = try configuration.directory.map { try checkedDirectory($0) } ?? ""
        var found: [String] = []
        let base = start.isEmpty ? root : root + "/" + start
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [] }
        let needles = (ImageMatch(pin: pin, replacing: configuration.editOptions.replacing).needles + ["$imagepolicy"]).map { Array($0.utf8) }
        while let relative = enumerator.nextObject() as? String {
            if relative == ".git" || relative.hasPrefix(".git/") { enumerator.skipDescendants(); continue }
            guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") || relative == "Kustomization"
                    || relative.hasSuffix("/Kustomization") else { continue }
            let path = start.isEmpty ? relative : start + "/" + relative
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + path)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            // Too large to read: the plan reports it.
            if (attributes?[.size] as? Int ?? 0) > SourceText.maximumSize { found.append(path); continue }
            guard let data = FileManager.default.contents(atPath: root + "/" + path) else { continue }
            let bytes = [UInt8](data)
            if needles.contains(where: { bytes.contains(subsequence: $0) }) { found.append(path) }
        }
        return found.sorted()
    }

    private func checkedDirectory(_ path: String) throws -> String {
        let parts = path.split(separator: "/").filter { $0 != "." }
        guard !path.hasPrefix("/"), !parts.contains("..") else { throw GitOpsError.unsafePath(path) }
        return parts.joined(separator: "/")
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        let first = needle[0]
        var index = 0
        while index <= count - needle.count {
            if self[index] == first && self[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
