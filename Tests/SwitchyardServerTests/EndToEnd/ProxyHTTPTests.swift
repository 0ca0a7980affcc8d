import Foundation
import Glibc
import Testing

/// End-to-end: bodies, framing, pipelining and large responses through the proxy.
@Suite(.serialized) struct ProxyHTTPTests {
    @Test("a chunked request body reaches the upstream byte for byte; a chunked response comes back intact")
    func chunkedBodies() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]))
        let c = try proxy.connect()
        let doc = #"{"items":[1,2,3],"text":"h\u00e9llo \"w\""}"#
        let bytes = Array(doc.utf8)
        var wire = "POST /chunked HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        var i = 0
        while i < bytes.count {
            let n = min(7, bytes.count - i)
            wire += String(n, radix: 16) + ";ext=1\r\n" + String(decoding: bytes[i ..< i + n], as: UTF8.self) + "\r\n"
            i += n
        }
        wire += "0\r\nX-Trailer: t\r\n\r\n"
        try c.send(wire)
        let r = try c.readResponse()
        #expect(r.status == 200)
        #expect(r.json?["body"] as? String == doc)
        #expect(r.echoedHeaders["content-length"] == String(bytes.count))
        #expect(r.echoedHeaders["transfer-encoding"] == nil)

        let chunkedResponse = try c.request("POST", "/x", body: doc, headers: ["X-Echo-Chunked": "1", "X-Echo-Bytes": "5000"])
        #expect(chunkedResponse.status == 200)
        #expect(chunkedResponse.header("Transfer-Encoding") == "chunked")
        #expect(chunkedResponse.json?["body"] as? String == doc)
        #expect(chunkedResponse.body.count >= 5000)
    }

    @Test("a 4 MiB response is delivered intact")
    func largeResponse() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]))
        let c = try proxy.connect(timeout: 30)
        let size = 4 << 20
        let r = try c.request("POST", "/big", headers: ["X-Echo-Bytes": String(size)])
        #expect(r.status == 200)
        #expect(r.body.count >= size - 64 && r.body.count <= size + 64)
        let padding = r.json?["padding"] as? String ?? ""
        #expect(padding.count > size - 1024)
        let expected = padding.utf8.enumerated().allSatisfy { $0.element == UInt8(ascii: "a") + UInt8($0.offset % 26) }
        #expect(expected)
        // The connection is still usable afterwards.
        #expect(try c.request().status == 200)
    }

    @Test("pipelined requests are answered in order")
    func pipelining() throws {
        let a = try EchoUpstream(name: "a"), b = try EchoUpstream(name: "b")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url, b.url]))
        let c = try proxy.connect()
        var wire = ""
        for i in 0..<5 {
            let body = #"{"i":\#(i)}"#
            wire += "POST /p/\(i) HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        try c.send(wire)
        for i in 0..<5 {
            let r = try c.readResponse()
            #expect(r.status == 200)
            #expect(r.json?["path"] as? String == "/p/\(i)")
        }
    }

    @Test("Expect: 100-continue gets an interim answer before the body is sent")
    func expectContinue() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]))
        let c = try proxy.connect()
        try c.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        let interim = try c.readResponse(keepInterim: true)
        #expect(interim.status == 100)
        try c.send("{}")
        let r = try c.readResponse()
        #expect(r.status == 200)
        #expect(r.echoedHeaders["expect"] == nil)
    }

    @Test("HTTP/1.0 client without keep-alive gets its answer and a closed connection")
    func http10() throws {
        let a = try EchoUpstream(name: "a")
        let proxy = try ProxyUnderTest(services: serviceYAML(instances: [a.url]))
        let c = try proxy.connect()
        try c.send("POST / HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        let r = try c.readResponse()
        #expect(r.status == 200)
        #expect(c.isClosedByPeer())
    }
}
