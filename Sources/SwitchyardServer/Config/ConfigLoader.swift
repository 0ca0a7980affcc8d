import Glibc
import SwitchyardCore

/// Reads, parses and validates a config file: the one entry point for startup, reload and `check`.
public enum ConfigLoader {
    /// Files larger than this are refused (a config is kilobytes; this guards against a wrong path).
    public static let maxFileSize = 16 << 20

    /// Loads the file at `path`. An unreadable file is one diagnostic naming the file and the OS error.
    public static func load(path: String) -> Result<Config, ConfigLoadFailure> {
        switch readFile(path) {
        case .success(let bytes): return load(bytes: bytes, file: path)
        case .failure(let message):
            return .failure(ConfigLoadFailure(diagnostics: [
                ConfigDiagnostic(file: path, line: 0, column: 0, path: "", message: message.text),
            ]))
        }
    }

    /// Parses `bytes` as the YAML of `file` (the name shown in diagnostics) and decodes it.
    public static func load(bytes: [UInt8], file: String) -> Result<Config, ConfigLoadFailure> {
        YAMLReader.read(bytes, file: file).flatMap { ConfigDecoder.decode($0, file: file, programProblem: programProblem) }
    }

    /// Why an `exec` reaction's program cannot be run: an absolute path must name an executable
    /// file; a bare name must be one in a directory of this process's `PATH` (as `posix_spawnp`
    /// will look it up). Nil when it can be run.
    static func programProblem(_ program: String) -> String? {
        if program.hasPrefix("/") {
            return isExecutableFile(program) ? nil : "`\(program)` is not an executable file (\(errorText(errno)))"
        }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where isExecutableFile("\(dir)/\(program)") { return nil }
        return "no executable `\(program)` in PATH (\(path)); write its absolute path"
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        guard st.st_mode & S_IFMT == S_IFREG else {
            errno = EISDIR
            return false
        }
        return access(path, X_OK) == 0
    }

    struct ReadError: Error { var text: String }

    /// The whole file, or why it could not be read.
    static func readFile(_ path: String) -> Result<[UInt8], ReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ReadError(text: "cannot open config file: \(errorText(errno))")) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(ReadError(text: "cannot read config file: \(errorText(errno))"))
            }
            if n == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > maxFileSize {
                return .failure(ReadError(text: "config file is larger than \(maxFileSize >> 20) MiB"))
            }
        }
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
