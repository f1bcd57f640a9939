import ArgumentParser
import Foundation

extension ECRPublish {
    struct ConfigCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "The settings publish runs with: where each comes from, and the config file's schema.",
            subcommands: [Show.self, Schema.self]
        )
    }
}

extension ECRPublish.ConfigCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print publish's effective settings and where each came from (flag, environment, file:line, default).",
            discussion: """
                Takes the arguments publish would (ecr-publish config show --tag v1 …). Reads \
                --config FILE, else ECR_PUBLISH_CONFIG, else .ecr-publish.yml in the working \
                directory. Secrets are masked.
                """
        )

        @Flag(name: .long, help: "Print the settings as JSON.")
        var json = false

        @Flag(name: .long, help: "Also list the settings that have no value.")
        var all = false

        @Argument(parsing: .allUnrecognized, help: "publish's arguments.")
        var arguments: [String] = []

        func run() throws {
            let effective = try ConfigResolution.resolve(arguments)
            let shown = effective.settings.filter { all || !$0.values.isEmpty }
            if json {
                let entries = shown.map { setting -> [String: Any] in
                    ["setting": setting.option.path, "flag": "--" + setting.option.name, "variable": setting.option.environmentVariable,
                     "values": setting.values.map { Self.masked($0, setting.option) }, "source": setting.source.description]
                }
                let object: [String: Any] = ["configFile": effective.configFile ?? NSNull(), "settings": entries]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("config file  \(effective.configFile ?? "none")")
            let width = shown.map(\.option.path.count).max() ?? 0
            for setting in shown {
                let value = setting.values.map { Self.masked($0, setting.option) }.joined(separator: ", ")
                print(setting.option.path.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value + "  (\(setting.source))")
            }
        }

        /// `***` for a secret option's value, and for the password of a URL's user part.
        static func masked(_ value: String, _ option: ConfigOption) -> String {
            if option.isSecret { return "***" }
            guard var components = URLComponents(string: value), components.password != nil else { return value }
            components.password = "***"
            return components.string ?? "***"
        }
    }

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON Schema of .ecr-publish.yml (schemas/ecr-publish-config.schema.json).")

        func run() throws {
            print(try ConfigSchema.render(ConfigResolution.catalog()), terminator: "")
        }
    }
}
