/// Command-line options of the demo upstream.
struct EchoOptions {
    var host = "127.0.0.1"
    var port: UInt16 = 9001
    var name = "echo"
    /// Share of requests (0...1) answered 500 on purpose.
    var failRate = 0.0
    /// Added before every answer, in milliseconds.
    var delayMs = 0

    static let usage = """
        usage: switchyard-echo --listen HOST:PORT [--name NAME] [--fail-rate R] [--delay D]

        A demo upstream for Switchyard: answers every request with a JSON echo of what it received
        (its name, the method, path, headers and body, and which TCP connection carried it).

          --listen HOST:PORT  address to listen on (default 127.0.0.1:9001)
          --name NAME         name reported in every answer (default echo)
          --fail-rate R       answer this share of requests with 500 (0..1, default 0)
          --delay D           wait this long before answering (e.g. 5ms, 1s; default 0)
          --help              this text

        Per request, these request headers change the answer (tests use them):
          X-Echo-Status: N      answer with status N
          X-Echo-Delay-Ms: N    wait N ms first
          X-Echo-Bytes: N       answer a JSON document of about N bytes
          X-Echo-Chunked: 1     send the answer with chunked transfer encoding
          X-Echo-Close: 1       close the connection after the answer
          X-Echo-Garbage: 1     answer bytes that are not HTTP
          X-Echo-Hang: 1        never answer (the connection stays open)
          X-Echo-Cache-Control: V  send `Cache-Control: V` with the answer
        GET /health answers 200 {"status":"ok"}; POST /_echo/health with {"status":503} changes that.
        """

    static func parse(_ args: [String]) -> Result<EchoOptions, EchoUsageError> {
        var o = EchoOptions()
        var i = 0
        func value() -> String? { i += 1; return i < args.count ? args[i] : nil }
        while i < args.count {
            switch args[i] {
            case "--listen":
                guard let v = value(), let colon = v.lastIndex(of: ":"), let p = UInt16(v[v.index(after: colon)...]) else {
                    return .failure(EchoUsageError(message: "--listen needs HOST:PORT"))
                }
                o.host = String(v[..<colon])
                o.port = p
            case "--name":
                guard let v = value() else { return .failure(EchoUsageError(message: "--name needs a value")) }
                o.name = v
            case "--fail-rate":
                guard let v = value(), let r = Double(v), r >= 0, r <= 1 else { return .failure(EchoUsageError(message: "--fail-rate needs 0..1")) }
                o.failRate = r
            case "--delay":
                guard let v = value(), let ms = parseMilliseconds(v) else { return .failure(EchoUsageError(message: "--delay needs a duration like 5ms")) }
                o.delayMs = ms
            case "--help", "-h":
                return .failure(EchoUsageError(message: ""))
            default:
                return .failure(EchoUsageError(message: "unknown argument \(args[i])"))
            }
            i += 1
        }
        return .success(o)
    }

    static func parseMilliseconds(_ s: String) -> Int? {
        if s.hasSuffix("ms") { return Int(s.dropLast(2)) }
        if s.hasSuffix("s") { return Int(s.dropLast()).map { $0 * 1000 } }
        return Int(s)
    }
}

/// A command-line mistake; an empty message means `--help` was asked for.
struct EchoUsageError: Error {
    let message: String
}
