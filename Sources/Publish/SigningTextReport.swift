/// The signing lines of the text report: one per artifact and destination.
enum SigningTextReport {
    static func lines(_ signing: SigningResult) -> [String] {
        var lines = ["signed    \(signing.identity)@\(signing.digest) with \(signing.keyKind == "awskms" ? "KMS key" : "key") \(signing.key)"]
        let outcome = { (outcome: SigningResult.Artifact.Outcome) -> String in
            switch outcome {
            case .added: return "written"
            case .alreadyThere: return "already there"
            case .untagged: return "stored untagged"
            }
        }
        for destination in signing.destinations {
            let signature = destination.signature
            lines.append("signature \(signature.tag)  \(signature.manifest)  \(outcome(signature.outcome))  in \(destination.name)")
            for attestation in destination.attestations {
                lines.append("attest    \(attestation.tag)  \(attestation.manifest)  \(outcome(attestation.outcome))  (\(attestation.predicateType ?? ""))")
            }
            for referrer in destination.referrers {
                let how: String
                switch referrer.discovery {
                case .referrersAPI: how = "listed by the referrers API"
                case .tagSchema: how = "in the referrers index \(referrer.index.map(\.description) ?? "")"
                case .untagged: how = "stored untagged"
                }
                lines.append("referrer  \(referrer.artifactType)  \(referrer.manifest)  \(how)")
            }
        }
        for note in signing.notes { lines.append("warning   \(note)") }
        return lines
    }
}
