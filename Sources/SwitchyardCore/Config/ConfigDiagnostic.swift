/// One problem found in a config file, pointing at the file, line, column and key path.
///
/// Rendered `file:line:col: path: message` (the form compilers use, so editors can jump to it).
/// A diagnostic that concerns the whole file (line 0, e.g. an unreadable file) renders `file: message`.
public struct ConfigDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem has no position.
    public var line: Int
    /// 1-based; 0 when the problem has no position.
    public var column: Int
    /// The key path, e.g. `services[0].instances[1].url`; `(root)` for the document, `(yaml)` for syntax.
    public var path: String
    public var message: String

    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public init(file: String, mark: Mark, path: ConfigPath, message: String) {
        self.init(file: file, line: mark.line, column: mark.column, path: path.description, message: message)
    }

    public var description: String {
        if line == 0 { return "\(file): \(message)" }
        return "\(file):\(line):\(column): \(path): \(message)"
    }
}
