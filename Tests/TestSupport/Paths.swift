import Foundation

/// Locations tests need: the repository, its fixtures, the built executable.
public enum Paths {
    /// The repository root (found from this file's location).
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `fixtures/images/NAME`.
    public static func fixtureImage(_ name: String) -> String {
        repositoryRoot + "/fixtures/images/" + name
    }

    /// The `ecr-publish` executable built next to the test bundle.
    public static let executable: String = {
        var candidates: [String] = []
        if let main = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(main.appendingPathComponent("ecr-publish").path)
        }
        let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        candidates.append(argument0.appendingPathComponent("ecr-publish").path)
        candidates.append(argument0.deletingLastPathComponent().appendingPathComponent("ecr-publish").path)
        candidates.append(repositoryRoot + "/.build/debug/ecr-publish")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()
}
