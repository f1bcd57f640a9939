import Foundation

/// The JSON Schema (draft 2020-12) of the config file, made from the same option catalog
/// the file is read with: `ecr-publish config schema` prints it, and
/// `schemas/ecr-publish-config.schema.json` is its output (a test keeps the two equal).
enum ConfigSchema {
    static func document(_ catalog: OptionCatalog) -> [String: Any] {
        var sections: [String: Any] = [:]
        for section in catalog.sections {
            var properties: [String: Any] = [:]
            for option in catalog.options where option.section == section {
                properties[option.key] = property(option)
            }
            sections[section] = ["type": ["object", "null"], "additionalProperties": false, "properties": properties] as [String: Any]
        }
        return [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://github.com/ecr-publish/ecr-publish/schemas/ecr-publish-config.schema.json",
            "title": "ecr-publish configuration (.ecr-publish.yml)",
            "description": "Settings of `ecr-publish publish`, by option group; each key is the long flag without its group's prefix. Flags and ECR_PUBLISH_* variables override the file.",
            "type": "object",
            "additionalProperties": false,
            "properties": sections,
        ]
    }

    static func property(_ option: ConfigOption) -> [String: Any] {
        var single: [String: Any]
        switch option.kind {
        case .flag:
            single = ["type": "boolean"]
        case .value:
            single = ["type": ["string", "number"]]
            if let allowed = option.allowedValues, !allowed.isEmpty { single = ["enum": allowed] }
        }
        var schema: [String: Any] = option.isRepeating && option.kind == .value
            ? ["oneOf": [single, ["type": "array", "items": single]]]
            : single
        schema["description"] = "--\(option.name)" + (option.inversion.map { " / --\($0)" } ?? "") + "; environment \(option.environmentVariable)"
        if let value = option.defaultValue, option.kind == .value { schema["default"] = value }
        return schema
    }

    static func render(_ catalog: OptionCatalog) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: document(catalog), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
