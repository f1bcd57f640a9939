/// CycloneDX 1.6 JSON, the fields this tool writes (bom-1.6.schema.json).
struct CycloneDXDocument: Encodable {
    var bomFormat = "CycloneDX"
    var specVersion = "1.6"
    var serialNumber: String
    var version = 1
    var metadata: Metadata
    var components: [Component]
    var dependencies: [Dependency]

    struct Metadata: Encodable {
        var timestamp: String
        var tools: Tools
        var component: Component
    }

    struct Tools: Encodable {
        var components: [Component]
    }

    struct Component: Encodable {
        var bomRef: String?
        var type: String
        var supplier: OrganizationalEntity?
        var name: String
        var version: String?
        var description: String?
        var licenses: [LicenseChoice]?
        var cpe: String?
        var purl: String?
        var externalReferences: [ExternalReference]?
        var properties: [Property]?

        enum CodingKeys: String, CodingKey {
            case bomRef = "bom-ref"
            case type, supplier, name, version, description, licenses, cpe, purl, externalReferences, properties
        }
    }

    struct OrganizationalEntity: Encodable {
        var name: String
        var contact: [Contact]?
    }

    struct Contact: Encodable {
        var name: String?
        var email: String?
    }

    /// `{"expression": "MIT OR Apache-2.0"}` or `{"license": {"name": "…"}}`.
    struct LicenseChoice: Encodable {
        var expression: String?
        var license: NamedLicense?
    }

    struct NamedLicense: Encodable {
        var name: String
    }

    struct ExternalReference: Encodable {
        var url: String
        var type: String
    }

    struct Property: Encodable {
        var name: String
        var value: String
    }

    struct Dependency: Encodable {
        var ref: String
        var dependsOn: [String]
    }
}
