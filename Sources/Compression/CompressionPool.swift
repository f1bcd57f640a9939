import Foundation

/// A fixed set of threads that compress blocks, each with its own compressor.
///
/// Blocking work stays off Swift's cooperative pool. One pool serves every layer of a run;
/// call ``shutdown()`` when done.
public final class CompressionPool: @unchecked Sendable {
    typealias Job = @Sendable (GzipMemberCompressor) -> Void

    /// Number of worker threads.
    public let threadCount: Int
    /// The compression level every worker uses.
    public let level: Int

    private let condition = NSCondition()
    /// Queued jobs; a taken slot is cleared at once so its block is freed.
    private var jobs: [Job?] = []
    private var head = 0
    private var stopping = false
    private var running = 0

    /// Starts `threads` workers (at most ``usefulThreads``) compressing at `level` (0-12,
    /// libdeflate's scale; 1-9 match gzip).
    public init(threads: Int, level: Int) throws {
        guard (0...12).contains(level) else { throw CompressionError.invalidLevel(level) }
        // More threads than twice the cores only cost memory (each holds a compressor).
        self.threadCount = min(max(1, threads), Self.usefulThreads)
        self.level = level
        for index in 0..<threadCount {
            let compressor = try GzipMemberCompressor(level: level)
            let box = CompressorBox(compressor)
            let thread = Thread { [self] in self.work(box) }
            thread.name = "gzip-\(index)"
            running += 1
            thread.start()
        }
    }

    /// The most threads worth starting on this machine.
    public static var usefulThreads: Int { min(32, max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)) }

    func submit(_ job: @escaping Job) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Stops the workers once queued jobs are done.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func work(_ box: CompressorBox) {
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            if head == jobs.count {
                running -= 1
                condition.unlock()
                return
            }
            let job = jobs[head]
            jobs[head] = nil
            head += 1
            if head > 64 {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job?(box.compressor)
        }
    }
}

/// Hands a thread its own compressor (used by that thread only).
private final class CompressorBox: @unchecked Sendable {
    let compressor: GzipMemberCompressor
    init(_ compressor: GzipMemberCompressor) { self.compressor = compressor }
}
