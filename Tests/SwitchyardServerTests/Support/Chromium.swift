import Foundation
import Glibc

/// Headless Chromium (Debian's `chromium`, which `make test` installs when missing) for the
/// dashboard's browser tests: loads a page, lets its script run, dumps the DOM and takes screenshots.
enum Chromium {
    /// `$SWITCHYARD_CHROMIUM`, else the first of `chromium`, `chromium-browser` on `PATH` or in /usr/bin.
    static let path: String? = {
        let env = ProcessInfo.processInfo.environment
        if let p = env["SWITCHYARD_CHROMIUM"], FileManager.default.isExecutableFile(atPath: p) { return p }
        let dirs = (env["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin"]
        for name in ["chromium", "chromium-browser"] {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) { return dir + "/" + name }
        }
        return nil
    }()

    static var isAvailable: Bool { path != nil }

    /// Runs the browser headless on `url` with `arguments` (`--dump-dom`, `--screenshot=PATH`,
    /// `--window-size=W,H`) and returns what it printed on stdout (the DOM for `--dump-dom`).
    ///
    /// The page must let the network go idle (the dashboard's `?updates=N` closes its stream after N
    /// events): `--virtual-time-budget` then runs its timers for `budget` ms of virtual time and
    /// the browser dumps and exits. Killed, and an error thrown, after `timeout` seconds.
    static func run(_ url: String, _ arguments: [String], budget: Int = 2000, timeout: Double = 25) throws -> String {
        guard let path else { throw TestError("chromium is not installed") }
        let dir = TestPaths.tempDir()
        let out = dir.appendingPathComponent("stdout.html"), err = dir.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                       "--disable-extensions", "--enable-logging=stderr",
                       // Without it a screenshot under virtual time sometimes never comes (about one run in two).
                       "--run-all-compositor-stages-before-draw", "--user-data-dir=" + dir.appendingPathComponent("profile").path,
                       "--virtual-time-budget=\(budget)"] + arguments + [url]
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let end = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < end { usleep(20_000) }
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            let log = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            let console = log.split(separator: "\n").filter { $0.contains("CONSOLE") }.joined(separator: "\n")
            throw TestError("chromium did not finish within \(timeout) s: \(url)\n\(console)")
        }
        return (try? String(contentsOf: out, encoding: .utf8)) ?? ""
    }

    /// The attributes of every `<tag ...>` start tag in `html`, in document order (enough for the
    /// attributes the dashboard writes: double-quoted values without quotes inside).
    static func elements(_ tag: String, in html: String) -> [[String: String]] {
        var found: [[String: String]] = []
        var rest = html[...]
        while let start = rest.range(of: "<" + tag + " ") {
            guard let close = rest[start.upperBound...].firstIndex(of: ">") else { break }
            var attributes: [String: String] = [:]
            var text = rest[start.upperBound..<close]
            while let eq = text.range(of: "=\"") {
                let name = text[..<eq.lowerBound].split(separator: " ").last.map(String.init) ?? ""
                guard let endQuote = text[eq.upperBound...].firstIndex(of: "\"") else { break }
                attributes[name] = String(text[eq.upperBound..<endQuote])
                text = text[text.index(after: endQuote)...]
            }
            found.append(attributes)
            rest = rest[close...]
        }
        return found
    }

    /// True when `path` is a PNG file of at least `minimumBytes`.
    static func isPNG(_ path: String, minimumBytes: Int = 10_000) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), data.count >= minimumBytes else { return false }
        return Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    }

    /// Copies `files` into `$SWITCHYARD_DASHBOARD_SCREENSHOTS` when it is set (how docs/dashboard.png is made).
    static func keep(_ files: [String]) {
        guard let dir = ProcessInfo.processInfo.environment["SWITCHYARD_DASHBOARD_SCREENSHOTS"] else { return }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for f in files {
            let target = dir + "/" + (f as NSString).lastPathComponent
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.copyItem(atPath: f, toPath: target)
        }
    }
}
