/// The scopes a Bearer token is asked for: every scope the registry's challenges named so
/// far, one per resource, the actions of each merged (`repository:team/app:pull` and then
/// `repository:team/app:push,pull` make `repository:team/app:pull,push`).
///
/// A scope is `type:name:actions`; the name may hold colons itself (`host:5000/app`), so the
/// type ends at the first colon and the actions start after the last. Distribution lists a
/// challenge's actions in no fixed order; these are sorted, so the same needs always ask
/// for the same scope. A scope of another shape is kept as it came.
public struct TokenScopes: Sendable, Equatable {
    private var resources: [String] = []
    private var actions: [String: Set<String>] = [:]
    private var unshaped: Set<String> = []

    public init() {}

    /// Adds `scope`'s resource and actions; returns whether it asked for anything new.
    @discardableResult
    public mutating func add(_ scope: String) -> Bool {
        let resource: String, asked: Set<String>
        if let typeEnd = scope.firstIndex(of: ":"), let actionsStart = scope.lastIndex(of: ":"), typeEnd < actionsStart {
            resource = String(scope[..<actionsStart])
            asked = Set(scope[scope.index(after: actionsStart)...].split(separator: ",").map(String.init))
        } else {
            resource = scope
            asked = []
            unshaped.insert(scope)
        }
        guard let known = actions[resource] else {
            resources.append(resource)
            actions[resource] = asked
            return true
        }
        guard !asked.isSubset(of: known) else { return false }
        actions[resource] = known.union(asked)
        return true
    }

    /// The scopes in the order their resources were first asked for, as the token service
    /// takes them (one `scope` parameter each).
    public var values: [String] {
        resources.map { resource in
            unshaped.contains(resource) ? resource : resource + ":" + (actions[resource] ?? []).sorted().joined(separator: ",")
        }
    }
}
