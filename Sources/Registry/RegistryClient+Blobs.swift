import Foundation
import HTTP
import OCI

extension RegistryClient {
    /// Whether `repository` holds the blob (`HEAD /v2/<name>/blobs/<digest>`).
    public func blobExists(_ digest: Digest, in repository: String) async throws -> Bool {
        let operation = "check blob \(digest) in \(repository)"
        let response = try await send(HTTPRequest(method: "HEAD", url: url("/v2/\(repository)/blobs/\(digest)")), operation: operation)
        switch response.status {
        case 200...299: return true
        case 404: return false
        default: throw failure(response, operation: operation)
        }
    }

    /// Uploads a blob: one PUT when it is small, PATCH parts of ``chunkSize`` then a PUT
    /// when large. A session that breaks is abandoned for a new one (after checking the
    /// blob did not arrive after all), up to ``uploadSessions`` in all.
    public func uploadBlob(_ descriptor: Descriptor, content: BlobContent, to repository: String) async throws {
        var session = 1
        while true {
            do {
                try await uploadInOneSession(descriptor, content: content, to: repository)
                return
            } catch let error where session < uploadSessions && Self.isWorthANewSession(error) {
                if try await blobExists(descriptor.digest, in: repository) { return }
                session += 1
            }
        }
    }

    static func isWorthANewSession(_ error: any Error) -> Bool {
        switch error {
        case let error as HTTPError: return error.isTransient
        case RegistryError.unexpectedAnswer(_, _, let status, _, _): return status >= 500 || status == 404 || status == 416
        default: return false
        }
    }

    private func uploadInOneSession(_ descriptor: Descriptor, content: BlobContent, to repository: String) async throws {
        var location = try await startUpload(to: repository)
        if descriptor.size > chunkSize, case .file(let path) = content {
            var offset: Int64 = 0
            while offset < descriptor.size {
                let length = min(chunkSize, descriptor.size - offset)
                location = try await uploadPart(path: path, offset: offset, length: length, at: location, in: repository)
                // Our own count, not the answer's Range (ECR's can stop advancing).
                offset += length
                partSent?(descriptor.digest, offset)
            }
            try await finishUpload(descriptor, at: location, body: .empty, in: repository)
        } else {
            let body: HTTPBody
            switch content {
            case .bytes(let bytes): body = .bytes(bytes)
            case .file(let path): body = .file(path: path, offset: 0, length: descriptor.size)
            }
            try await finishUpload(descriptor, at: location, body: body, in: repository)
        }
    }

    /// Opens an upload session (`POST /v2/<name>/blobs/uploads/`) and returns its location.
    public func startUpload(to repository: String) async throws -> URL {
        let operation = "start an upload to \(repository)"
        var start = HTTPRequest(method: "POST", url: url("/v2/\(repository)/blobs/uploads/"))
        start.headers.set("Content-Length", "0")
        let started = try await send(start, operation: operation)
        guard started.status == 202 else { throw failure(started, operation: operation) }
        return try resolve(location: started.headers["Location"], operation: operation)
    }

    /// Sends `length` bytes of the file at `path`, from `offset`, as the next part of the
    /// session at `location` (`PATCH`); returns the location for the part after it. Every
    /// part but the last must be at least 5 MiB for ECR (``chunkSize`` is).
    public func uploadPart(path: String, offset: Int64, length: Int64, at location: URL, in repository: String) async throws -> URL {
        let operation = "upload a blob part to \(repository)"
        var patch = HTTPRequest(method: "PATCH", url: location, body: .file(path: path, offset: offset, length: length))
        patch.headers.set("Content-Type", "application/octet-stream")
        patch.headers.set("Content-Range", "\(offset)-\(offset + length - 1)")
        patch.headers.set("Content-Length", String(length))
        let answer = try await send(patch, operation: operation)
        // distribution answers 202, ECR 201.
        guard answer.status == 202 || answer.status == 201 else { throw failure(answer, operation: operation) }
        if let next = answer.headers["Location"] { return try resolve(location: next, operation: operation) }
        return location
    }

    /// Abandons an upload session (best effort: registries expire them anyway).
    public func cancelUpload(at location: URL) async {
        _ = try? await send(HTTPRequest(method: "DELETE", url: location), operation: "cancel an upload")
    }

    /// The closing `PUT <location>?digest=…`, with the whole blob or nothing.
    public func finishUpload(_ descriptor: Descriptor, at location: URL, body: HTTPBody, in repository: String) async throws {
        let operation = "upload blob \(descriptor.digest) to \(repository)"
        let text = location.absoluteString
        let url = URL(string: text + (text.contains("?") ? "&" : "?") + "digest=\(descriptor.digest)")!
        var put = HTTPRequest(method: "PUT", url: url, body: body)
        put.headers.set("Content-Type", "application/octet-stream")
        put.headers.set("Content-Length", String(body.length ?? 0))
        let answer = try await send(put, operation: operation)
        guard answer.status == 201 || answer.status == 204 else {
            let (code, message) = RegistryErrorBody.summary(of: answer.body)
            if code == "DIGEST_INVALID" || code == "SIZE_INVALID" {
                throw RegistryError.digestMismatch(registry: host, digest: descriptor.digest.description, detail: message)
            }
            throw failure(answer, operation: operation)
        }
        if let reported = answer.headers["Docker-Content-Digest"], reported != descriptor.digest.description {
            throw RegistryError.digestMismatch(registry: host, digest: descriptor.digest.description, detail: "it reports \(reported)")
        }
    }
}

extension RegistryClient {
    /// Asks the registry to link a blob of `source` into `repository` without uploading it
    /// (`POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<source>`). True when it did
    /// (201); false when it answered with an upload session instead (202: mounting is off,
    /// as by default on ECR, or the source lacks the blob), which is cancelled.
    public func mountBlob(_ digest: Digest, from source: String, into repository: String) async throws -> Bool {
        let operation = "mount blob \(digest) from \(source) into \(repository)"
        let query = "mount=\(digest)&from=\(source.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? source)"
        var post = HTTPRequest(method: "POST", url: url("/v2/\(repository)/blobs/uploads/?\(query)"))
        post.headers.set("Content-Length", "0")
        let answer = try await send(post, operation: operation)
        switch answer.status {
        case 201:
            return true
        case 202:
            // A fresh session nobody will use: cancel it (best effort; it expires anyway).
            if let location = try? resolve(location: answer.headers["Location"], operation: operation) {
                await cancelUpload(at: location)
            }
            return false
        default:
            throw failure(answer, operation: operation)
        }
    }
}
