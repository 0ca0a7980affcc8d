/// Where a value sits in the config tree, rendered as users write it: `services[1].instances[0].url`.
public struct ConfigPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    /// The document root; rendered `(root)`.
    public static let root = ConfigPath()

    /// This path followed by a mapping key.
    public func key(_ name: String) -> ConfigPath { ConfigPath(components + [.key(name)]) }

    /// This path followed by a list index (0-based, as in the rendered form).
    public func index(_ i: Int) -> ConfigPath { ConfigPath(components + [.index(i)]) }

    public var description: String {
        if components.isEmpty { return "(root)" }
        var out = ""
        for component in components {
            switch component {
            case .key(let name):
                if !out.isEmpty { out += "." }
                out += name
            case .index(let i):
                out += "[\(i)]"
            }
        }
        return out
    }
}
