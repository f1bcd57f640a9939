import AWS
import Crypto
import Record
import GitOps
import HTTP
import ImageArchive
import Publish
import Registry
import Signing

/// The process exit statuses, documented in README.md. Scripts rely on them: change them
/// only with a note in the changelog.
enum ExitStatus: Int32 {
    case success = 0
    /// An unexpected internal error (a bug: please report it).
    case internalError = 1
    /// Invalid flags, configuration or environment.
    case usage = 2
    /// The image tarball is unreadable, corrupt, inconsistent or unsafe.
    case badInput = 3
    /// AWS or registry credentials are missing or refused.
    case authentication = 4
    /// The registry or an AWS API failed after retries.
    case network = 5
    /// A policy refused the operation (immutable tag, failed verification).
    case policy = 6
    /// The image was pushed but a later step (record, GitOps) failed; see the outbox.
    case partial = 7
    /// Local output could not be written (disk full, permissions).
    case localIO = 8

    /// The status for an error of ours, or nil for any other error.
    init?(error: any Error) {
        switch error {
        case is ArchiveError: self = .badInput
        case is OutputError: self = .localIO
        case let error as PublishError:
            switch error {
            case .invalidOption, .notAvailable, .repositoryMissing: self = .usage
            case .partial: self = .partial
            }
        case let error as AWSServiceError:
            self = error.isAuthenticationFailure ? .authentication : .network
        case is CredentialError: self = .authentication
        case is AWSConfigurationError, is ConfigError: self = .usage
        case is CryptoError, is KeyCommandError: self = .usage
        case let error as SigningError:
            switch error {
            case .key: self = .usage
            case .verificationFailed: self = .policy
            case .artifact: self = .network
            }
        case is RecordReplayIncomplete: self = .partial
        case let error as RecordError:
            switch error {
            case .conflict, .undelivered: self = .partial
            case .outbox: self = .localIO
            }
        case is HTTPError, is StreamedUploadBroken: self = .network
        case let error as RegistryError:
            switch error {
            case .unauthorized, .credentials: self = .authentication
            case .tagImmutable: self = .policy
            case .unexpectedAnswer, .digestMismatch, .invalidLocation: self = .network
            }
        case let error as GitOpsError:
            switch error {
            case .authentication: self = .authentication
            case .git, .pushRejected: self = .network
            default: self = .usage
            }
        default:
            return nil
        }
    }

    static func message(for error: any Error) -> String {
        String(describing: error)
    }
}
