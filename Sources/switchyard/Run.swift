import SwitchyardCore

/// Runs the proxy until it is told to stop; returns the process exit status.
/// Stub until the runtime lands (the lead replaces this file).
func runProxy(config: Config, configPath: String) -> Int32 {
    print("proxy not implemented yet")
    return 1
}
