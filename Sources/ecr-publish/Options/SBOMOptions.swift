import ArgumentParser
import Foundation
import Publish
import SBOM

extension SBOMFormat: ExpressibleByArgument {}

/// The SBOM that `publish` writes next to the image.
struct SBOMOptions: ParsableArguments {
    @Flag(name: .long, help: "Write no SBOM.")
    var noSbom = false

    @Option(name: .long, help: ArgumentHelp(
        "SBOM format (repeatable): spdx-json (DIR/sbom.spdx.json, the default) or cyclonedx-json (DIR/sbom.cdx.json).",
        valueName: "format"))
    var sbomFormat: [SBOMFormat] = []

    @Option(name: .long, help: ArgumentHelp(
        "Who supplies the image, for the SBOM's root package (NTIA): 'Organization: NAME (email)' or 'Person: NAME'. Default: the image's org.opencontainers.image.vendor label, else its author.",
        valueName: "supplier"))
    var sbomSupplier: String?

    func step() throws -> SBOMStep? {
        guard !noSbom else { return nil }
        return try Self.step(formats: sbomFormat, supplier: sbomSupplier)
    }

    static func step(formats: [SBOMFormat], supplier: String?) throws -> SBOMStep {
        var step = SBOMStep()
        if !formats.isEmpty {
            step.formats = formats.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        }
        if let supplier {
            step.supplier = try parseSupplier(supplier)
        }
        return step
    }

    /// `Organization: Acme (ops@acme.example)`, `Person: Jane Doe`.
    static func parseSupplier(_ text: String) throws -> Supplier {
        for kind in [Supplier.Kind.organization, .person] where text.hasPrefix(kind.rawValue + ":") {
            var rest = String(text.dropFirst(kind.rawValue.count + 1)).trimmingCharacters(in: .whitespaces)
            var email: String?
            if rest.hasSuffix(")"), let open = rest.lastIndex(of: "(") {
                email = String(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)])
                rest = String(rest[..<open]).trimmingCharacters(in: .whitespaces)
            }
            if !rest.isEmpty { return Supplier(kind: kind, name: rest, email: email) }
        }
        throw PublishError.invalidOption("--sbom-supplier takes 'Organization: NAME (email)' or 'Person: NAME (email)', not '\(text)'")
    }
}
