import SwitchyardCore

/// libFuzzer target: `BatchRequest.parse` on arbitrary bytes, then an accepted batch through
/// `BatchExchange` and `BatchResponseWriter`.
///
/// Checks: parsing twice gives the same answer (deterministic); a refusal's offset lies within the
/// input; an accepted batch is valid JSON within the limits (size, 1 ... maxParts parts, unique ids,
/// token methods, paths starting with `/`, positive timeouts), and every part's body range lies
/// inside the input and is itself one JSON text; the exchange, with every other part answered
/// with the body bytes of the batch and the rest timed out, answers once and its written answer
/// is valid JSON. Small limits (8 parts, 2 KiB, depth 16) so that every limit is reached.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBatchRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let limits = BatchRequest.Limits(maxParts: 8, maxBody: 2048, maxDepth: 16)
    let first = BatchRequest.parse(bytes, limits: limits)
    let second = BatchRequest.parse(bytes, limits: limits)
    precondition(first == second, "parse is not deterministic")

    let request: BatchRequest
    switch first {
    case .failure(let error):
        precondition(error.offset >= 0 && error.offset <= size, "refusal offset out of range: \(error)")
        precondition(!error.message.isEmpty, "refusal without a message")
        return 0
    case .success(let r):
        request = r
    }
    var validator = JSONValidator(maxDepth: 16)
    precondition(validator.validate(bytes).isValid, "accepted a batch that is not JSON")
    precondition(size <= limits.maxBody, "accepted a batch over maxBody")
    precondition((1...limits.maxParts).contains(request.parts.count), "part count out of range")
    var ids = Set<String>()
    for part in request.parts {
        if let id = part.id { precondition(ids.insert(id).inserted, "duplicate id accepted") }
        precondition(!part.method.isEmpty && part.path.hasPrefix("/"), "bad method or path accepted")
        if let t = part.timeout { precondition(t > .zero, "non-positive part timeout") }
        for h in part.headers {
            precondition(!h.value.utf8.contains(0x0A) && !h.value.utf8.contains(0x0D), "CR or LF in a header value")
        }
        if let body = part.body {
            precondition(body.start >= 0 && body.count > 0 && body.end <= size, "body range outside the input")
            precondition(validator.validate(body.bytes(in: bytes)).isValid, "a body range is not one JSON value")
        }
    }
    if let t = request.timeout { precondition(t > .zero, "non-positive batch timeout") }

    let policy = BatchPolicy(BatchConfig(maxParts: 8, maxBody: 2048, maxTimeout: .seconds(1),
                                         allowURLs: ["https://api.example.com/v1", "http://10.0.0.5:8080"]))
    var exchange = BatchExchange()
    var responded = 0
    var actions = exchange.start(request, policy: policy, knowsService: { $0.utf8.count % 2 == 0 }, at: .zero)
    var now = Instant(nanoseconds: 1_000_000)
    for (i, part) in request.parts.enumerated() where i % 2 == 0 {
        let body = part.body.map { Array($0.bytes(in: bytes)) } ?? Array(bytes.prefix(16))
        actions += exchange.partAnswered(i, BatchPartAnswer(status: 200, headers: part.headers, body: body,
                                                            instance: "i"), at: now)
        now = now.advanced(byNanoseconds: 1_000_000)
    }
    actions += exchange.timerFired(at: Instant(nanoseconds: 2_000_000_000))
    for action in actions { if case .respond = action { responded += 1 } }
    precondition(responded == 1, "the batch answered \(responded) times")
    precondition(exchange.results.allSatisfy { $0 != nil }, "a part without a result after the answer")
    var out = ByteBuffer()
    BatchResponseWriter.write(exchange.results, into: &out)
    let valid = out.withReadableBytes { JSONValidator(maxDepth: 64).validating($0) }
    precondition(valid, "the written answer is not JSON")
    return 0
}

extension JSONValidator {
    fileprivate func validating(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var copy = self
        return copy.validate(bytes).isValid
    }
}
