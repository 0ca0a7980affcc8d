import Glibc

// switchyard-echo: the demo upstream (see EchoOptions.usage).
switch EchoOptions.parse(Array(CommandLine.arguments.dropFirst())) {
case .success(let options):
    exit(EchoServer(options: options).run())
case .failure(let error):
    let message = error.message
    if message.isEmpty {
        print(EchoOptions.usage)
        exit(0)
    }
    printError("switchyard-echo: \(message)\n\n\(EchoOptions.usage)")
    exit(2)
}
