import Foundation

/// Runs blocking work (file I/O, compression, libcurl, key derivation) on a thread of its
/// own, so it never occupies Swift's cooperative pool.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.stackSize = 8 << 20
            thread.name = "ecr-publish-io"
            thread.start()
        }
    }
}
