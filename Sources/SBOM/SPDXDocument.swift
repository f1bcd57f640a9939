/// SPDX 2.3 JSON, the fields this tool writes (spdx-spec v2.3, JSON schema).
struct SPDXDocument: Encodable {
    var spdxVersion = "SPDX-2.3"
    var dataLicense = "CC0-1.0"
    var SPDXID = "SPDXRef-DOCUMENT"
    var name: String
    var documentNamespace: String
    var creationInfo: CreationInfo
    var documentDescribes: [String]
    var packages: [Package]
    var relationships: [Relationship]
    var hasExtractedLicensingInfos: [ExtractedLicense]?

    struct CreationInfo: Encodable {
        var created: String
        var creators: [String]
    }

    struct Package: Encodable {
        var SPDXID: String
        var name: String
        var versionInfo: String
        var supplier: String
        var downloadLocation = "NOASSERTION"
        var filesAnalyzed = false
        var homepage: String?
        var sourceInfo: String?
        var licenseConcluded = "NOASSERTION"
        var licenseDeclared: String
        var copyrightText = "NOASSERTION"
        var externalRefs: [ExternalRef]
        var primaryPackagePurpose: String
        var comment: String?
    }

    struct ExternalRef: Encodable {
        var referenceCategory: String
        var referenceType: String
        var referenceLocator: String
    }

    struct Relationship: Encodable {
        var spdxElementId: String
        var relationshipType: String
        var relatedSpdxElement: String
    }

    struct ExtractedLicense: Encodable {
        var licenseId: String
        var extractedText: String
        var name: String
    }
}
