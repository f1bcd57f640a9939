import ArgumentParser
import Foundation
import Publish

extension ECRPublish {
    struct Tags: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the tags the scheme gives for this build context (like docker/metadata-action).",
            discussion: """
                The context comes from GitHub Actions (GITHUB_SHA, GITHUB_REF, GITHUB_REF_NAME, \
                GITHUB_REF_TYPE, GITHUB_EVENT_NAME, GITHUB_HEAD_REF, GITHUB_RUN_NUMBER, the pull request of \
                GITHUB_EVENT_PATH), else Jenkins (GIT_COMMIT, BRANCH_NAME, TAG_NAME, CHANGE_ID, CHANGE_BRANCH, \
                GIT_BRANCH, BUILD_NUMBER), else GitLab CI (CI_COMMIT_SHA, CI_COMMIT_BRANCH, CI_COMMIT_TAG, \
                CI_MERGE_REQUEST_IID, CI_MERGE_REQUEST_SOURCE_BRANCH_NAME, CI_PIPELINE_IID), else the git \
                checkout of the current directory. The build time is \
                SOURCE_DATE_EPOCH when set, else now (UTC). One tag a line, the primary first.
                """)

        @OptionGroup(title: "Tag options")
        var tagOptions: TagOptions

        @Flag(name: .long, help: "Print the context and the tags as one JSON object.")
        var json = false

        func run() throws {
            let (tags, context) = try tagOptions.tags(defaultScheme: .team)
            if json {
                struct Output: Encodable {
                    var context: BuildContext
                    var tags: [TagScheme.Tag]
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                FileHandle.standardOutput.write(try encoder.encode(Output(context: context, tags: tags)) + Data("\n".utf8))
            } else {
                for tag in tags { print(tag.name) }
            }
        }
    }
}
