import AWS
import Foundation
import Testing
import TestSupport

/// Issue #19's acceptance: every configuration of `DifferentialCase.all` resolved by the
/// tool (the library, and `ecr-publish whoami --json` where a call is made) and by boto3
/// (`Tests/Servers/boto3_resolve.py`),
/// both against one moto_server with signature checks, the loopback ECS and IMDSv2
/// servers, compared on the identity that signed (STS GetCallerIdentity), the region and
/// the ECR and STS endpoint hosts. Every secret either side signed with goes to the ledger.
@Suite(.serialized) struct DifferentialTests {
    /// The servers and IAM users every case shares.
    final class World: Sendable {
        let moto: MotoServer
        let keys: [String: (id: String, secret: String)]
        let container: ServerProcess
        let instance: ServerProcess
        static let users = ["prod", "dev", "ecs", "ec2"]
        /// The roles the table assumes (see `DifferentialCase.role`).
        static let roles = ["deploy", "a", "b", "self", "oidc", "oidc-profile"]

        init() throws {
            moto = try MotoServer()
            let created = try Tool.check(
                "python3", [TestServers.script("boto3_resolve.py"), "users", "--endpoint", moto.endpoint,
                            "--access-key-id", moto.accessKeyID, "--secret-access-key", moto.secretAccessKey,
                            "--roles", Self.roles.joined(separator: ",")] + Self.users,
                environment: AWSTestEnvironment.clean(), replacingEnvironment: true)
            struct Key: Decodable { var AccessKeyId: String; var SecretAccessKey: String }
            var keys = try JSONDecoder().decode([String: Key].self, from: created.stdoutData)
                .mapValues { (id: $0.AccessKeyId, secret: $0.SecretAccessKey) }
            keys["ci"] = (moto.accessKeyID, moto.secretAccessKey)
            for key in keys.values { SecretLedger.record(key.secret) }
            self.keys = keys
            guard let ecs = keys["ecs"], let ec2 = keys["ec2"] else { throw ToolError.missing("the ecs and ec2 users") }
            container = try TestServers.start("ecs_credentials_server.py", [
                "--access-key-id", ecs.id, "--secret-access-key", ecs.secret, "--session-token", "",
                "--authorization", "Bearer ecs-token", "--path", "/v2/credentials/task",
            ])
            instance = try TestServers.start("imds_server.py", [
                "--access-key-id", ec2.id, "--secret-access-key", ec2.secret, "--session-token", "",
            ])
        }

        func fill(_ text: String, home: String) -> String {
            var text = text
            for (user, key) in keys {
                text = text.replacingOccurrences(of: "{K:\(user)}", with: key.id).replacingOccurrences(of: "{S:\(user)}", with: key.secret)
            }
            return text.replacingOccurrences(of: "{home}", with: home).replacingOccurrences(of: "{moto}", with: moto.endpoint)
                .replacingOccurrences(of: "{ecs}", with: container.baseURL + "/v2/credentials/task")
                .replacingOccurrences(of: "{imds}", with: instance.baseURL)
        }
    }

    static let world = Result(catching: { try World() })

    /// A case made concrete: its home directory written, its environment filled in.
    struct Prepared {
        var scenario: DifferentialCase
        var home: TemporaryDirectory
        var environment: [String: String]
    }

    static func prepare(_ scenario: DifferentialCase, world: World) throws -> Prepared {
        let home = try TemporaryDirectory()
        var environment = AWSTestEnvironment.clean(home: home.path)
        environment["AWS_REGION"] = world.moto.region
        environment["AWS_DEFAULT_REGION"] = world.moto.region
        environment["AWS_ENDPOINT_URL"] = world.moto.endpoint
        for (name, value) in scenario.environment {
            environment[name] = value.isEmpty ? nil : world.fill(value, home: home.path)
        }
        var files = ["token": "eyJhbGciOiJSUzI1NiJ9.differential.token", "ecs-token": "Bearer ecs-token"]
        if let config = scenario.config { files[".aws/config"] = config }
        if let credentials = scenario.credentials { files[".aws/credentials"] = credentials }
        for (name, text) in files.merging(scenario.scripts, uniquingKeysWith: { $1 }) {
            let path = home.file(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try world.fill(text, home: home.path).write(toFile: path, atomically: true, encoding: .utf8)
            if scenario.scripts[name] != nil { try Tool.check("chmod", ["+x", path]) }
        }
        return Prepared(scenario: scenario, home: home, environment: environment)
    }

    static func hostAndPort(_ url: URL) -> String? {
        url.host.map { host in url.port.map { "\(host):\($0)" } ?? host }
    }

    static func toolOutcome(_ prepared: Prepared, world: World) async -> DifferentialOutcome {
        var outcome = DifferentialOutcome(failed: false)
        do {
            let context = try AWSContext(profile: prepared.scenario.profile, environment: AWSEnvironment(variables: prepared.environment))
            outcome.region = context.region
            outcome.ecrHost = hostAndPort(try context.endpoint(.ecr))
            outcome.stsHost = hostAndPort(try context.endpoint(.sts))
            if prepared.scenario.call {
                if prepared.scenario.unsignedCalls > 0 { try world.moto.allowNextUnsignedRequest() }
                let credentials = try await context.credentials.credentials()
                SecretLedger.record(credentials.secretAccessKey)
                SecretLedger.record(credentials.sessionToken ?? "")
                outcome.identity = DifferentialOutcome.normalized(try await context.sts().getCallerIdentity().arn)
            }
        } catch {
            outcome.failed = true
            outcome.detail = String(describing: error)
        }
        return outcome
    }

    /// `ecr-publish whoami --json` for a case: the command line resolves as the library does,
    /// and prints no secret of the table.
    static func whoamiOutcome(_ prepared: Prepared, world: World) throws -> DifferentialOutcome {
        if prepared.scenario.unsignedCalls > 0 { try world.moto.allowNextUnsignedRequest() }
        let arguments = ["whoami", "--json"] + (prepared.scenario.profile.map { ["--profile", $0] } ?? [])
        let result = try Tool.run(Paths.executable, arguments, environment: prepared.environment, replacingEnvironment: true)
        SecretScan.check(result, against: world.keys.values.map(\.secret))
        guard result.status == 0,
              let object = try? JSONSerialization.jsonObject(with: result.stdoutData) as? [String: String] else {
            return DifferentialOutcome(failed: true, detail: "exit status \(result.status)")
        }
        return DifferentialOutcome(region: object["region"], identity: object["arn"].map(DifferentialOutcome.normalized), failed: false)
    }

    static func boto3Outcomes(_ prepared: [Prepared], world: World) throws -> [DifferentialOutcome] {
        struct Input: Encodable {
            var name: String, environment: [String: String], profile: String?, call: Bool, unsignedCalls: Int, moto: String
        }
        struct Output: Decodable {
            var name: String, region: String?, ecrHost: String?, stsHost: String?, arn: String?, error: String?
        }
        let directory = try TemporaryDirectory()
        let input = prepared.map {
            Input(name: $0.scenario.name, environment: $0.environment, profile: $0.scenario.profile, call: $0.scenario.call,
                  unsignedCalls: $0.scenario.unsignedCalls, moto: world.moto.endpoint)
        }
        try JSONEncoder().encode(input).write(to: URL(fileURLWithPath: directory.file("cases.json")))
        let ledger = ProcessInfo.processInfo.environment["ECR_PUBLISH_SECRET_LEDGER"].map { [$0] } ?? []
        let result = try Tool.check("python3", [TestServers.script("boto3_resolve.py"), "resolve", directory.file("cases.json")] + ledger,
                                    environment: AWSTestEnvironment.clean(), replacingEnvironment: true)
        let outputs = try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Output.self, from: Data($0.utf8)) }
        guard outputs.map(\.name) == prepared.map(\.scenario.name) else { throw ToolError.failed("boto3_resolve.py", status: 0, output: "cases out of order") }
        return outputs.map {
            DifferentialOutcome(region: $0.region, ecrHost: $0.ecrHost, stsHost: $0.stsHost,
                                identity: $0.arn.map(DifferentialOutcome.normalized), failed: $0.error != nil, detail: $0.error)
        }
    }

    @Test func toolResolvesAsBoto3DoesExceptWhereTheTableSaysWhy() async throws {
        let world = try Self.world.get()
        let cases = DifferentialCase.all
        #expect(cases.count >= 60)
        #expect(Set(cases.map(\.name)).count == cases.count, "case names are unique")
        let prepared = try cases.map { try Self.prepare($0, world: world) }
        let boto3 = try Self.boto3Outcomes(prepared, world: world)
        var report: [String] = []
        for (index, item) in prepared.enumerated() {
            let tool = await Self.toolOutcome(item, world: world)
            if item.scenario.call {
                let whoami = try Self.whoamiOutcome(item, world: world)
                #expect(whoami.failed == tool.failed && whoami.identity == tool.identity && (whoami.failed || whoami.region == tool.region),
                        "\(item.scenario.name): whoami gives \(whoami), the library \(tool)")
            }
            let agrees = tool.agrees(with: boto3[index])
            if let reason = item.scenario.difference {
                #expect(!agrees, "\(item.scenario.name): marked as differing (\(reason)) but both give \(tool)")
                report.append("differs  \(item.scenario.name): tool \(tool); boto3 \(boto3[index]) — \(reason)")
            } else {
                #expect(agrees, "\(item.scenario.name): tool \(tool); boto3 \(boto3[index])")
                let boto3Error = tool.failed ? "; boto3 \(boto3[index])" : ""
                report.append("\(agrees ? "agrees" : "DIFFERS") \(item.scenario.name): \(tool)\(boto3Error)")
            }
        }
        print("differential test, \(cases.count) configurations:\n" + report.joined(separator: "\n"))
    }
}
