import SwitchyardCore

/// Placeholder until the runtime lands.
public enum ServerInfo {
    public static let version = "0.1.0"
}
