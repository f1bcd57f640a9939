import CCurl
import Foundation
import StreamIO
#if canImport(Glibc)
import Glibc
#endif

/// The state of one libcurl transfer, reached from libcurl's C callbacks through their
/// user-data pointer.
final class CurlTransfer {
    private let maxBody: Int
    private(set) var status = 0
    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    private(set) var bodyOverflowed = false
    private(set) var failure: (any Error)?
    private var upload: UploadReader?
    private let sink: (any ResponseBodySink)?

    init(maxBody: Int, body: HTTPBody, sink: (any ResponseBodySink)?) throws {
        self.maxBody = maxBody
        self.upload = try UploadReader(body)
        self.sink = sink
        try sink?.reset()
    }

    // Called by libcurl for each header line, including status lines of interim responses.
    func receiveHeader(_ line: UnsafeRawBufferPointer) {
        // Work on scalars: in a Swift String "\r\n" is one character, not two.
        var scalars = String(decoding: line, as: UTF8.self).unicodeScalars
        while let last = scalars.last, last == "\n" || last == "\r" { scalars.removeLast() }
        let text = String(scalars)
        if text.hasPrefix("HTTP/") {
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = HTTPHeaders()
        } else if let colon = text.firstIndex(of: ":") {
            let name = String(text[..<colon])
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            headers.add(name, value)
        }
    }

    // Called by libcurl with body bytes; returning less than given aborts the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        // Only a success body streams; error bodies are read for their messages.
        if let sink, (200...299).contains(status) {
            do {
                try sink.write(bytes)
                return bytes.count
            } catch {
                failure = error
                return 0
            }
        }
        guard body.count + bytes.count <= maxBody else {
            bodyOverflowed = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    // Called by libcurl for request body bytes.
    func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let upload else { return 0 }
        do {
            return try upload.read(into: buffer)
        } catch {
            failure = error
            return ccurl_read_abort()
        }
    }

    func close() { upload?.close() }
}

/// Reads a request body for libcurl: bytes, a file range (pread) or a stream.
private final class UploadReader {
    private enum Source {
        case bytes([UInt8])
        case file(descriptor: Int32, end: Int64)
        case stream(any ByteSource)
    }

    private var source: Source
    private var offset: Int64 = 0

    init?(_ body: HTTPBody) throws {
        switch body {
        case .empty:
            return nil
        case .bytes(let bytes):
            source = .bytes(bytes)
        case .file(let path, let start, let length):
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw HTTPError.bodySource("\(path): \(String(cString: strerror(errno)))")
            }
            source = .file(descriptor: descriptor, end: start + length)
            offset = start
        case .stream(_, let make):
            source = .stream(try make())
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        switch source {
        case .bytes(let bytes):
            let count = min(buffer.count, bytes.count - Int(offset))
            guard count > 0 else { return 0 }
            bytes.withUnsafeBytes { all in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[Int(offset)..<Int(offset) + count]))
            }
            offset += Int64(count)
            return count
        case .file(let descriptor, let end):
            let want = Int(min(Int64(buffer.count), end - offset))
            guard want > 0 else { return 0 }
            while true {
                let count = pread(descriptor, buffer.baseAddress, want, off_t(offset))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    throw HTTPError.bodySource(count == 0 ? "the file ended early" : String(cString: strerror(errno)))
                }
                offset += Int64(count)
                return count
            }
        case .stream(let stream):
            return try stream.read(into: buffer)
        }
    }

    func close() {
        if case .file(let descriptor, _) = source { Glibc.close(descriptor) }
    }
}

// The C callbacks: they find the transfer through the user-data pointer.
nonisolated(unsafe) let curlHeaderCallback: ccurl_data_callback = { buffer, size, count, userdata in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
    return size * count
}

nonisolated(unsafe) let curlWriteCallback: ccurl_data_callback = { buffer, size, count, userdata in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

nonisolated(unsafe) let curlReadCallback: ccurl_data_callback = { buffer, size, count, userdata in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
    return transfer.sendBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
}
