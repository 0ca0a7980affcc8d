import SwitchyardCore

/// Every micro benchmark, in table order. Each calls the public core API exactly as the server does
/// (across the module boundary), with its state set up once outside the loop.
enum CoreBenchmarks {
    static let all: [BenchCase] = [
        BenchCase(name: "parse.request") { n in
            BenchFixtures.request.withUnsafeBytes { bytes in
                var parser = RequestHeadParser()
                var head = RequestHead()
                var acc = 0
                for _ in 0..<n {
                    if case .complete(let consumed) = parser.parse(bytes, into: &head) { acc &+= consumed }
                }
                return acc
            }
        },
        BenchCase(name: "parse.response") { n in
            BenchFixtures.response.withUnsafeBytes { bytes in
                var parser = ResponseHeadParser()
                var head = ResponseHead()
                var acc = 0
                for _ in 0..<n {
                    if case .complete(let consumed) = parser.parse(bytes, requestMethod: .post, into: &head) {
                        acc &+= consumed
                    }
                }
                return acc
            }
        },
        BenchCase(name: "media.isJSON") { n in
            // Two values, alternated, so the (pure) call cannot be hoisted out of the loop.
            withBytes("application/json") { a in
                withBytes("Application/JSON; charset=utf-8") { b in
                    var acc = 0
                    for k in 0..<n where MediaType.isJSON(k & 1 == 0 ? a : b) { acc &+= 1 }
                    return acc
                }
            }
        },
        jsonCase("json.small", BenchFixtures.smallJSON),
        jsonCase("json.100k", BenchFixtures.largeJSON),
        selectorCase("select.round_robin", .roundRobin),
        selectorCase("select.random", .random),
        selectorCase("select.priority", .priority),
        selectorCase("select.least_requests", .leastRequests),
        BenchCase(name: "window.record") { n in
            var window = SlidingWindow(window: .seconds(10), buckets: 10)
            var t: UInt64 = 1_000_000_000
            for k in 0..<n {
                t &+= 1_000   // 1 µs per call: a bucket holds 1M calls, the ring turns over
                window.record(k % 10 == 0 ? .failure(.status5xx) : .success, latencyNanoseconds: 400_000,
                              slow: false, at: Instant(nanoseconds: t))
            }
            return window.counts(at: Instant(nanoseconds: t)).requests
        },
        BenchCase(name: "breaker.record") { n in
            // One failure in ten: below every trip threshold, so the breaker stays closed.
            var breaker = CircuitBreaker(config: CircuitBreakerConfig())
            var t: UInt64 = 1_000_000_000
            var acc = 0
            for k in 0..<n {
                t &+= 1_000
                if breaker.record(k % 10 == 0 ? .failure(.status5xx) : .success, latencyNanoseconds: 400_000,
                                  isProbe: false, at: Instant(nanoseconds: t)) != nil { acc &+= 1 }
            }
            return acc &+ breaker.trips
        },
        BenchCase(name: "write.upstream_request") { n in
            BenchFixtures.request.withUnsafeBytes { bytes in
                var parser = RequestHeadParser()
                var head = RequestHead()
                _ = parser.parse(bytes, into: &head)
                var out = ByteBuffer(capacity: 4096)
                var acc = 0
                withBytes("127.0.0.1:9001") { upstreamHost in
                    withBytes("127.0.0.1") { client in
                        withBytes("5f0e3a9c1b2d4e6f-0000001") { id in
                            for _ in 0..<n {
                                out.clear()
                                UpstreamRequestWriter.write(head: head, from: bytes, basePath: UnsafeRawBufferPointer(start: nil, count: 0),
                                                            upstreamHost: upstreamHost, clientAddress: client, requestID: id,
                                                            bodyLength: 132, into: &out)
                                acc &+= out.readableCount
                            }
                        }
                    }
                }
                return acc
            }
        },
        BenchCase(name: "write.client_response") { n in
            BenchFixtures.response.withUnsafeBytes { bytes in
                var parser = ResponseHeadParser()
                var head = ResponseHead()
                _ = parser.parse(bytes, requestMethod: .post, into: &head)
                var out = ByteBuffer(capacity: 4096)
                var acc = 0
                withBytes("5f0e3a9c1b2d4e6f-0000001") { id in
                    for _ in 0..<n {
                        out.clear()
                        ClientResponseWriter.write(head: head, from: bytes, requestID: id, clientVersion: .http11,
                                                   requestMethod: .post, keepAlive: true, into: &out)
                        acc &+= out.readableCount
                    }
                }
                return acc
            }
        },
        BenchCase(name: "buffer.small_writes") { n in
            // The writers' pattern: short static strings, a byte, a decimal, a copied range.
            var out = ByteBuffer(capacity: 4096)
            var acc = 0
            withBytes("application/json") { value in
                for k in 0..<n {
                    out.clear()
                    out.write("HTTP/1.1 ")
                    out.write(decimal: 200 + (k & 7))
                    out.write(byte: 0x20)
                    out.write("OK\r\n")
                    out.write("Content-Type: ")
                    out.write(value)
                    out.write("\r\n")
                    out.write("Content-Length: ")
                    out.write(decimal: 132)
                    out.write("\r\n\r\n")
                    acc &+= out.readableCount
                }
            }
            return acc
        },
    ]

    static func jsonCase(_ name: String, _ document: [UInt8]) -> BenchCase {
        BenchCase(name: name) { n in
            document.withUnsafeBytes { bytes in
                var validator = JSONValidator()
                var acc = 0
                for _ in 0..<n where validator.validate(bytes).isValid { acc &+= 1 }
                return acc
            }
        }
    }

    static func selectorCase(_ name: String, _ kind: BalancerKind) -> BenchCase {
        BenchCase(name: name) { n in
            var selector = AnyInstanceSelector(kind: kind, instances: BenchFixtures.instances)
            let eligible = EligibleSet(all: BenchFixtures.instances.count)
            let tried = TriedInstances()
            var rng = BenchRandom(seed: 42)
            var acc = 0
            for _ in 0..<n {
                acc &+= selector.select(from: eligible, excluding: tried, inFlight: { $0 & 1 }, using: &rng) ?? 0
            }
            return acc
        }
    }

    /// Calls `body` with the UTF-8 bytes of `s`.
    static func withBytes<R>(_ s: StaticString, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        body(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
}
