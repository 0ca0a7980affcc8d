/// What the command line asks for. Parsed by hand: a handful of flags do not need a framework.
enum Command: Equatable {
    /// `switchyard [--config PATH]`: run the proxy.
    case run(configPath: String)
    /// `switchyard check [--config PATH]`: validate and exit.
    case check(configPath: String)
    case help
    case version
}

/// A command line that cannot be understood; printed with the usage line, exit status 2.
struct UsageError: Error, Equatable {
    var message: String
}

enum Options {
    static let defaultConfigPath = "config.yaml"

    /// Parses the arguments after the program name.
    ///
    /// Accepts `--config PATH`, `--config=PATH` and `-c PATH` anywhere; `check` as the first
    /// non-flag argument; `--help`/`-h` and `--version`/`-V` win over everything else.
    static func parse(_ arguments: [String]) -> Result<Command, UsageError> {
        var configPath: String?
        var isCheck = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            switch argument {
            case "--help", "-h":
                return .success(.help)
            case "--version", "-V":
                return .success(.version)
            case "--config", "-c":
                guard index < arguments.count else { return .failure(UsageError(message: "\(argument) needs a PATH")) }
                guard configPath == nil else { return .failure(UsageError(message: "--config given twice")) }
                configPath = arguments[index]
                index += 1
            case "check" where !isCheck:
                isCheck = true
            default:
                if argument.hasPrefix("--config=") {
                    guard configPath == nil else { return .failure(UsageError(message: "--config given twice")) }
                    configPath = String(argument.dropFirst("--config=".count))
                    if configPath!.isEmpty { return .failure(UsageError(message: "--config needs a PATH")) }
                } else if argument.hasPrefix("-") {
                    return .failure(UsageError(message: "unknown option `\(argument)`"))
                } else {
                    return .failure(UsageError(message: "unexpected argument `\(argument)`"))
                }
            }
        }
        let path = configPath ?? defaultConfigPath
        return .success(isCheck ? .check(configPath: path) : .run(configPath: path))
    }

    static let usage = "usage: switchyard [check] [--config PATH] | --help | --version"

    static let help = """
        switchyard: a reverse-proxy load balancer for HTTP/1.1 services.

        \(usage)

        Commands:
          (none)              Run the proxy with the config file (default ./\(defaultConfigPath)).
          check               Validate the config file, print every error with file:line:column
                              and key path, and exit: 0 if valid (prints a summary), 1 if not.

        Options:
          -c, --config PATH   The YAML config file to load (default ./\(defaultConfigPath)).
          -h, --help          Show this help and exit.
          -V, --version       Print the version and exit.

        Signals (while running):
          SIGHUP              Reload the config file; an invalid file is logged and the old
                              config keeps serving.
          SIGTERM, SIGINT     Drain: stop accepting, finish in-flight requests (up to
                              timeouts.drain), then exit 0.
          SIGUSR1             Reopen the access log file (after log rotation).

        Exit status: 0 success, 1 invalid config or runtime failure, 2 usage error.
        See docs/CONFIG.md for every config key.
        """
}
