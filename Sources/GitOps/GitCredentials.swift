import Foundation

/// HTTPS token authentication through `GIT_ASKPASS`: git asks a small script, which answers
/// from an environment variable of the git process only. The token is never in the URL,
/// `.git/config`, the reflog or any output.
struct GitCredentials {
    /// The environment to add to git commands, and the secrets to redact.
    let environment: [String: String]
    let secrets: [String]

    /// - Parameters:
    ///   - token: the token, or nil for none (SSH keys and public repositories need none).
    ///   - username: HTTPS user name (GitHub accepts any with a token).
    ///   - directory: where the askpass script is written (a private temporary directory).
    init(token: String?, username: String, directory: String) throws {
        guard let token, !token.isEmpty else {
            environment = [:]
            secrets = []
            return
        }
        let script = directory + "/askpass.sh"
        let text = """
            #!/bin/sh
            case "$1" in
              Username*) printf '%s\\n' "$ECR_PUBLISH_GIT_USERNAME" ;;
              *) printf '%s\\n' "$ECR_PUBLISH_GIT_PASSWORD" ;;
            esac

            """
        guard FileManager.default.createFile(atPath: script, contents: Data(text.utf8), attributes: [.posixPermissions: 0o700]) else {
            throw GitOpsError.invalidOption("cannot write the git askpass helper in \(directory)")
        }
        environment = [
            "GIT_ASKPASS": script,
            "ECR_PUBLISH_GIT_USERNAME": username,
            "ECR_PUBLISH_GIT_PASSWORD": token,
        ]
        secrets = [token]
    }

    /// Refuses repository URLs that carry a password or token.
    static func checkURL(_ url: String) throws {
        guard let components = URLComponents(string: url), components.scheme != nil else { return }
        if components.password != nil { throw GitOpsError.credentialInURL }
        if let user = components.user, user.count > 20 { throw GitOpsError.credentialInURL }
    }
}
