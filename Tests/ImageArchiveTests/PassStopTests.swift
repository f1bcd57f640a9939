import Compression
import Foundation
import ImageArchive
import StreamIO
import Testing
import TestSupport

/// ``ArchiveReadOptions/stop``: another part of the run failed, so the pass ends at its next
/// read with `CancellationError` instead of reading the rest of the tarball.
@Suite struct PassStopTests {
    @Test func aStoppedPassEndsAtItsNextReadWithCancellation() throws {
        let signal = StopSignal()
        let reports = LayerReadProgressTests.Recorder()
        var options = ArchiveReadOptions()
        options.stop = signal
        // Stopped as soon as the first layer starts: no layer is finished.
        options.progress = { progress in
            reports.record(progress)
            signal.stop()
        }
        let reading = try ArchiveReading()
        let pool = try CompressionPool(threads: 2, level: 6)
        defer { pool.shutdown() }
        #expect(throws: CancellationError.self) {
            _ = try ImageArchiveReader.read(path: Paths.fixtureImage("sample-docker-classic.tar"), options: options, spool: reading.spool, pool: pool)
        }
        #expect(reports.all.allSatisfy { $0.stored == nil }, "\(reports.all)")
    }

    @Test func anUnstoppedSignalChangesNothing() throws {
        var options = ArchiveReadOptions()
        options.stop = StopSignal()
        let reading = try ArchiveReading()
        let pool = try CompressionPool(threads: 2, level: 6)
        defer { pool.shutdown() }
        let loaded = try ImageArchiveReader.read(path: Paths.fixtureImage("sample-docker-classic.tar"), options: options, spool: reading.spool, pool: pool)
        let plain = try ArchiveReading().read(Paths.fixtureImage("sample-docker-classic.tar"))
        #expect(loaded.artifact.descriptor == plain.artifact.descriptor)
    }
}
