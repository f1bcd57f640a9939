/// A `WWW-Authenticate` challenge (RFC 7235): its scheme and parameters, as a registry
/// sends it: `Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/app:pull,push"`.
public struct AuthChallenge: Sendable, Equatable {
    /// Lowercased: `basic`, `bearer`.
    public var scheme: String
    /// Parameter names lowercased, values unquoted.
    public var parameters: [String: String]

    /// The first challenge of a header value; nil when it has no scheme.
    public init?(_ header: String) {
        var rest = Substring(header.prefix(8192)).drop { $0 == " " }
        let scheme = rest.prefix { $0 != " " && $0 != "," }
        guard !scheme.isEmpty, !scheme.contains("=") else { return nil }
        self.scheme = scheme.lowercased()
        rest = rest.dropFirst(scheme.count)
        var parameters: [String: String] = [:]
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            // Another challenge begins (`…, Basic realm=…`): stop at this one.
            if name.contains(" ") { break }
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
            } else {
                let token = rest.prefix { $0 != "," }
                value = token.trimmingCharacters(in: .whitespaces)
                rest = rest.dropFirst(token.count)
            }
            if parameters[name] == nil { parameters[name] = value }
        }
        self.parameters = parameters
    }

    /// The scopes a Bearer challenge asks for (`scope` may hold several, space-separated).
    public var scopes: [String] {
        (parameters["scope"] ?? "").split(separator: " ").map(String.init)
    }
}

import Foundation
