@testable import AWS
import Foundation
import Testing
import TestSupport

/// The AWS SDKs' shared profile parser cases (smithy-rs `profile-parser-tests.json`, in
/// `Tests/Vectors/profile-parser` with its source and licence).
@Suite struct ProfileParserVectorTests {
    struct Case: Decodable, Sendable, CustomStringConvertible {
        struct Input: Decodable, Sendable { var configFile: String?; var credentialsFile: String? }
        struct Output: Decodable, Sendable {
            struct Config: Decodable, Sendable { var profiles: [String: [String: String]] }
            var errorContaining: String?
            var config: Config?
        }
        var name: String
        var input: Input
        var output: Output
        var description: String { name }
    }

    static let cases: [Case] = {
        struct File: Decodable { var tests: [Case] }
        let path = Paths.repositoryRoot + "/Tests/Vectors/profile-parser/profile-parser-tests.json"
        guard let data = FileManager.default.contents(atPath: path),
              let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.tests
    }()

    @Test func allCasesAreRead() {
        #expect(Self.cases.count == 65)
    }

    @Test(arguments: cases)
    func parsesAsTheSDKsDo(_ vector: Case) throws {
        let config: SharedConfig
        do {
            config = try SharedConfigTests.load(config: vector.input.configFile, credentials: vector.input.credentialsFile)
        } catch {
            #expect(vector.output.errorContaining != nil, "\(vector.name): \(error)")
            return
        }
        #expect(vector.output.errorContaining == nil, "\(vector.name): parsed, but the SDKs refuse it")
        let expected = try #require(vector.output.config?.profiles).mapValues(Self.flatteningSubProperties)
        #expect(config.profiles == expected, "\(vector.name)")
    }

    /// `"s3": "\nname = value"` (upstream's form of a sub-property block) as ours:
    /// `"s3": ""` and `"s3.name": "value"`.
    static func flatteningSubProperties(_ profile: [String: String]) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in profile {
            guard value.hasPrefix("\n") else {
                result[key] = value
                continue
            }
            result[key] = ""
            for line in value.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                let name = line[..<equals].trimmingCharacters(in: .whitespaces)
                result["\(key).\(name)"] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return result
    }
}
