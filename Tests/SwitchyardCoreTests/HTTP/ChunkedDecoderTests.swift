import Testing
@testable import SwitchyardCore

@Suite struct ChunkedDecoderTests {
    /// Decodes `text` fed in pieces of `step` bytes; returns the data, the bytes consumed in total and
    /// the final progress.
    static func decode(_ text: String, step: Int = .max, limits: HTTPLimits = HTTPLimits())
        -> (data: String, consumed: Int, last: ChunkedProgress) {
        let bytes = Array(text.utf8)
        var decoder = ChunkedDecoder(limits: limits)
        var out = ByteBuffer()
        var offset = 0
        var last = ChunkedProgress.needMore(consumed: 0)
        var pending = 0
        // The caller keeps unconsumed bytes and appends new ones: with this decoder it consumes all.
        while offset < bytes.count {
            pending = min(bytes.count, offset + max(1, min(step, bytes.count)))
            last = bytes.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[offset..<pending]), into: &out) }
            switch last {
            case let .needMore(consumed): offset += consumed
            case let .done(consumed): offset += consumed; return (HTTPTest.string(out), offset, last)
            case .error: return (HTTPTest.string(out), offset, last)
            }
        }
        return (HTTPTest.string(out), offset, last)
    }

    static let body = "5\r\nhello\r\n1;name=value;flag\r\n \r\nA ; ext=\"q\"\r\n0123456789\r\n0\r\nX-Trailer: t\r\nY: 2\r\n\r\n"

    @Test("data is copied out; extensions and trailers are dropped; any split gives the same result")
    func splits() {
        for step in [Int.max, 1, 2, 3, 7, 13] {
            let r = Self.decode(Self.body + "NEXT", step: step)
            #expect(r.data == "hello 0123456789")
            #expect(r.consumed == Self.body.utf8.count)
            if case .done = r.last {} else { Issue.record("step \(step): \(r.last)") }
        }
    }

    @Test("done reports only the bytes of the body when the next message follows")
    func pipelinedRest() {
        let bytes = Array(("3\r\nabc\r\n0\r\n\r\n" + "POST").utf8)
        var decoder = ChunkedDecoder()
        var out = ByteBuffer()
        let r = bytes.withUnsafeBytes { decoder.decode($0, into: &out) }
        #expect(r == .done(consumed: bytes.count - 4))
        #expect(decoder.isDone && decoder.bodyCount == 3)
    }

    @Test("upper- and lower-case hex, leading zeros, last chunk with extension")
    func hexForms() {
        let r = Self.decode("0000a\r\n0123456789\r\nF\r\n0123456789abcde\r\n000;x=1\r\n\r\n")
        #expect(r.data == "0123456789" + "0123456789abcde")
        if case .done = r.last {} else { Issue.record("\(r.last)") }
    }

    @Test("malformed chunked bodies are refused with 400", arguments: [
        "x\r\nabc\r\n0\r\n\r\n",
        "\r\n",
        ";ext\r\n",
        "-1\r\n",
        "0x3\r\nabc\r\n0\r\n\r\n",
        "3 \r\nabc\r\n0\r\n\r\n",
        "3\nabc\r\n0\r\n\r\n",
        "3\r\nabcd\r\n0\r\n\r\n",
        "3\r\nabc\n0\r\n\r\n",
        "3\r\nabc0\r\n\r\n",
        "3;a\u{01}\r\nabc\r\n0\r\n\r\n",
        "10000000000000000\r\n",
        "0\r\n\r\r",
        "0\r\nX: 1\n\r\n",
        "0\r\n folded\r\n\r\n",
        "0\r\nX: a\u{00}\r\n\r\n",
    ])
    func malformed(text: String) {
        let r = Self.decode(text)
        guard case let .error(e) = r.last else { Issue.record("accepted: \(r.last)"); return }
        #expect(e.error == .badRequest)
    }

    @Test("a chunk-size line or trailer line over maxChunkLine is refused")
    func longLines() {
        let limits = HTTPLimits(maxChunkLine: 16)
        let okExt = "3;" + String(repeating: "e", count: 12) + "\r\nabc\r\n0\r\n\r\n"
        if case .done = Self.decode(okExt, limits: limits).last {} else { Issue.record("16-byte line refused") }
        let longExt = "3;" + String(repeating: "e", count: 13) + "\r\nabc\r\n0\r\n\r\n"
        #expect(Self.decode(longExt, step: 1, limits: limits).last == .error(HTTPError(.badRequest, "chunk size line too long")))
        let longTrailer = "0\r\nX: " + String(repeating: "t", count: 20) + "\r\n\r\n"
        #expect(Self.decode(longTrailer, limits: limits).last == .error(HTTPError(.badRequest, "trailer section too large")))
    }

    @Test("a chunked body over maxBody is refused with 413 as soon as the size is known")
    func bodyLimit() {
        let limits = HTTPLimits(maxBody: 8)
        if case .done = Self.decode("4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n", limits: limits).last {} else {
            Issue.record("8 bytes refused")
        }
        let r = Self.decode("4\r\nabcd\r\n5\r\n", limits: limits)
        #expect(r.last == .error(HTTPError(.bodyTooLarge, "chunked body exceeds the body limit")))
        #expect(r.data == "abcd")
    }

    @Test("scan finds the end of the message without copying and without a body limit")
    func scan() {
        let text = "4\r\nabcd\r\n10\r\n0123456789abcdef\r\n0\r\n\r\nHTTP/1.1"
        let bytes = Array(text.utf8)
        for step in [1, 5, bytes.count] {
            var decoder = ChunkedDecoder(limits: HTTPLimits(maxBody: 4))
            var offset = 0
            var end: Int? = nil
            while offset < bytes.count && end == nil {
                let upper = min(bytes.count, offset + step)
                switch bytes.withUnsafeBytes({ decoder.scan(UnsafeRawBufferPointer(rebasing: $0[offset..<upper])) }) {
                case let .needMore(c): offset += c
                case let .done(c): end = offset + c
                case let .error(e): Issue.record("\(e)"); return
                }
            }
            #expect(end == bytes.count - 8)
            #expect(decoder.bodyCount == 20)
        }
    }

    @Test("after an error the decoder keeps failing; reset makes it reusable")
    func resetAfterError() {
        var decoder = ChunkedDecoder()
        let bad = Array("z\r\n".utf8)
        let good = Array("1\r\na\r\n0\r\n\r\n".utf8)
        #expect(bad.withUnsafeBytes { decoder.scan($0) } == .error(HTTPError(.badRequest, "invalid chunk size")))
        #expect(good.withUnsafeBytes { decoder.scan($0) } == .error(HTTPError(.badRequest, "invalid chunk size")))
        decoder.reset()
        #expect(good.withUnsafeBytes { decoder.scan($0) } == .done(consumed: good.count))
    }
}

@Suite struct ChunkedEncoderTests {
    @Test("chunks and the last chunk are written in the chunked format")
    func encode() {
        var out = ByteBuffer()
        let data = Array("hello world, this is long".utf8)
        data.withUnsafeBytes { ChunkedEncoder.write(chunk: $0, into: &out) }
        [UInt8]().withUnsafeBytes { ChunkedEncoder.write(chunk: $0, into: &out) }
        ChunkedEncoder.write(chunkOf: 2, into: &out)
        out.write("ok")
        ChunkedEncoder.writeChunkEnd(into: &out)
        ChunkedEncoder.writeLast(into: &out)
        let text = HTTPTest.string(out)
        #expect(text == "19\r\nhello world, this is long\r\n2\r\nok\r\n0\r\n\r\n")
        // Round trip through the decoder.
        #expect(ChunkedDecoderTests.decode(text).data == "hello world, this is longok")
    }
}
