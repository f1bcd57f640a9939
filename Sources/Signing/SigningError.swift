/// Why signing or verification failed. Messages say what to do; they never carry key
/// material.
public enum SigningError: Error, Equatable, CustomStringConvertible {
    /// The key reference or key file cannot be used.
    case key(String)
    /// Verification found no valid signature or attestation; the reason says which check failed.
    case verificationFailed(String)
    /// An existing signature, attestation or referrers index cannot be read or extended.
    case artifact(String)

    public var description: String {
        switch self {
        case .key(let detail): return "signing key: \(detail)"
        case .verificationFailed(let reason): return "verification failed: \(reason)"
        case .artifact(let detail): return "signature artifacts: \(detail)"
        }
    }
}
