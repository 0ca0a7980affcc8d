import Foundation

/// Where the package and its built binaries are, for end-to-end tests.
enum TestPaths {
    /// The package root: three levels up from this file (Tests/SwitchyardServerTests/Support).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder holding `switchyard` and `switchyard-echo`: `$SWITCHYARD_BIN_DIR`, else `.build/debug`.
    static var binDir: URL {
        if let dir = ProcessInfo.processInfo.environment["SWITCHYARD_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        return packageRoot.appendingPathComponent(".build/debug")
    }

    static var switchyard: String { binDir.appendingPathComponent("switchyard").path }
    static var echo: String { binDir.appendingPathComponent("switchyard-echo").path }
    static var fixtures: URL { packageRoot.appendingPathComponent("Tests/Fixtures") }

    /// A fresh temporary directory for one test.
    static func tempDir() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swy-test-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
