/// The scopes a Bearer token is asked for: every scope the registry's challenges named so
/// far, one per resource, the actions of each merged (`repository:team/app:pull` and then
/// `repository:team/app:push,pull` make `repository:team/app:pull,push`).
///
/// A scope is `type:name:actions`; the name may hold colons itself (`host:5000/app`), so the
/// type ends at the first colon and the actions start after the last. Distribution lists a
/// challenge's actions in no fixed order; these are sorted, so the same needs always ask
/// for the same scope. A scope of another shape is kept as it came.
public struct TokenScopes: Sendable, Equatable {
    /// One resource (`type:name`) and its actions; nil actions: a scope of another shape.
    private struct Entry: Sendable, Equatable {
        var resource: String
        var actions: Set<String>?
    }

    /// In the order the resources were first asked for (a challenge names few).
    private var entries: [Entry] = []

    public init() {}

    /// Adds `scope`'s resource and actions; returns whether it asked for anything new.
    @discardableResult
    public mutating func add(_ scope: String) -> Bool {
        var asked = Entry(resource: scope, actions: nil)
        if let typeEnd = scope.firstIndex(of: ":"), let actionsStart = scope.lastIndex(of: ":"), typeEnd < actionsStart {
            asked = Entry(resource: String(scope[..<actionsStart]),
                          actions: Set(scope[scope.index(after: actionsStart)...].split(separator: ",").map(String.init)))
        }
        guard let index = entries.firstIndex(where: { $0.resource == asked.resource }) else {
            entries.append(asked)
            return true
        }
        guard let known = entries[index].actions, let actions = asked.actions, !actions.isSubset(of: known) else { return false }
        entries[index].actions = known.union(actions)
        return true
    }

    /// The scopes in the order their resources were first asked for, as the token service
    /// takes them (one `scope` parameter each).
    public var values: [String] {
        entries.map { entry in entry.actions.map { entry.resource + ":" + $0.sorted().joined(separator: ",") } ?? entry.resource }
    }
}
