import SwitchyardCore
import SwitchyardServer

/// Runs the proxy until it is stopped; returns the exit status.
func runProxy(config: Config, configPath: String) -> Int32 {
    Runtime.run(config: config, configPath: configPath)
}
