/// The part of ArgumentParser's `--experimental-dump-help` description (serialization
/// version 0, its `ToolInfoV0`) that the config file needs: each argument's names, kind,
/// group title, repetition and default. ArgumentParser ships the full types as a target,
/// not a product, so the few fields are decoded here.
struct ToolDescription: Decodable {
    struct Command: Decodable {
        var commandName: String
        var arguments: [Argument]?
    }

    struct Argument: Decodable {
        enum Kind: String, Decodable {
            case positional, option, flag
        }

        struct Name: Decodable {
            enum Kind: String, Decodable {
                case long, short, longWithSingleDash
            }

            var kind: Kind
            var name: String
        }

        var kind: Kind
        var names: [Name]?
        var shouldDisplay: Bool?
        var sectionTitle: String?
        var isOptional: Bool?
        var isRepeating: Bool?
        var defaultValue: String?
        var allValues: [String]?
    }

    var serializationVersion: Int
    var command: Command
}
