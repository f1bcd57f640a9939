import Crypto
import OCI

/// The SHA-256 hasher as this module uses it (one type name for all streams).
typealias SHA256Stream = SHA256Hasher
