import Glibc
import SwitchyardCore
import SwitchyardServer

/// Writes one line to standard error.
func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

/// Loads the config, printing every diagnostic to standard error on failure.
func loadConfig(_ path: String) -> Config? {
    switch ConfigLoader.load(path: path) {
    case .success(let config): return config
    case .failure(let failure):
        for diagnostic in failure.diagnostics { printError(diagnostic.description) }
        let n = failure.diagnostics.count
        printError("\(path): \(n) error\(n == 1 ? "" : "s")")
        return nil
    }
}

let status: Int32
switch Options.parse(Array(CommandLine.arguments.dropFirst())) {
case .failure(let error):
    printError("switchyard: \(error.message)")
    printError(Options.usage)
    printError("Try `switchyard --help`.")
    status = 2
case .success(.help):
    print(Options.help)
    status = 0
case .success(.version):
    print("switchyard \(ServerInfo.version)")
    status = 0
case .success(.check(let path)):
    if let config = loadConfig(path) {
        print(config.summary)
        status = 0
    } else {
        status = 1
    }
case .success(.run(let path)):
    if let config = loadConfig(path) {
        status = runProxy(config: config, configPath: path)
    } else {
        status = 1
    }
}
exit(status)
