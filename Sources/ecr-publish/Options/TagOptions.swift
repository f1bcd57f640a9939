import ArgumentParser
import Foundation
import Publish

extension TagPolicy.ConflictAction: ExpressibleByArgument {}

/// Which tags the image gets (README: tag scheme).
struct TagOptions: ParsableArguments {
    enum Scheme: String, ExpressibleByArgument, CaseIterable {
        /// The team's scheme from the build context.
        case team
        /// Only --tag and --tag-template.
        case none
    }

    @Option(name: .long, help: "A literal tag (repeatable). The first one names the image in the OCI layout.")
    var tag: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "team: the primary {sha8}-{timestamp}, {branch}-{sha8}, {branch}-latest, v{version}, {major}.{minor}, {major}, latest, pr-{number} from the CI context (GitHub Actions, Jenkins, GitLab CI, else git); none: only --tag and --tag-template. Default: none for publish, team for tags.",
        valueName: "scheme"))
    var tagScheme: Scheme?

    @Option(name: .long, help: ArgumentHelp(
        "A tag from placeholders (repeatable): {sha} {sha8} {branch} {tag} {version} {major} {minor} {patch} {timestamp} {run} {pr}.",
        valueName: "template"))
    var tagTemplate: [String] = []

    @Option(name: .long, help: ArgumentHelp("A rolling tag naming the environment, e.g. staging or prod.", valueName: "name"))
    var envTag: String?

    @Option(name: .long, help: ArgumentHelp(
        "When a tag the repository will not move (immutable) already names another image: fail (exit 6, before any tag is written) or skip it. Rolling tags are always skipped with a warning.",
        valueName: "fail|skip"))
    var onTagConflict: TagPolicy.ConflictAction = .fail

    @Flag(name: .long, help: "Move latest, {major} and {major}.{minor} even when a higher version already has them.")
    var forceRollingTags = false

    /// The tags for this process's build context (read only when the scheme needs it), and
    /// that context.
    func tags(defaultScheme: Scheme) throws -> (tags: [TagScheme.Tag], context: BuildContext) {
        let scheme = try scheme(defaultScheme: defaultScheme)
        let needsContext = scheme.defaults || !scheme.templates.isEmpty
        let context = needsContext ? BuildContext.detect() : BuildContext(source: .none)
        return (scheme.tags(for: context), context)
    }

    /// Fills the tag stage (reading the build context when the scheme needs it).
    func apply(to stage: inout TagStage) throws {
        let (tags, context) = try tags(defaultScheme: .none)
        stage.names = tags.map(\.name)
        stage.rolling = Set(tags.filter { $0.kind == .rolling }.map(\.name))
        stage.releaseVersion = context.gitTag
        stage.policy.onConflict = onTagConflict
        stage.policy.forceRollingTags = forceRollingTags
    }

    func scheme(defaultScheme: Scheme) throws -> TagScheme {
        for literal in tag where !TagName.isValid(literal) {
            throw PublishError.invalidOption("'\(literal)' is not a valid tag: up to 128 characters of letters, digits, _ . -, not starting with . or -")
        }
        if let envTag, !TagName.isValid(envTag) {
            throw PublishError.invalidOption("--env-tag '\(envTag)' is not a valid tag")
        }
        for template in tagTemplate where template.isEmpty || template.filter({ $0 == "{" }).count != template.filter({ $0 == "}" }).count {
            throw PublishError.invalidOption("--tag-template '\(template)' has unbalanced braces")
        }
        var scheme = TagScheme()
        scheme.defaults = (tagScheme ?? defaultScheme) == .team
        scheme.templates = tagTemplate
        scheme.literals = tag
        scheme.environmentTag = envTag
        return scheme
    }
}
