import CCurl
import SwitchyardCore

/// The multi handles of one checker's `http` checks, each shared by at most `handlesPerMulti`
/// easy handles.
///
/// Why several: libcurl 7.88 walks its whole connection cache in every
/// `curl_multi_remove_handle` (to close connect-only connections; our transfers have none), so
/// with one multi handle and 500 kept-alive connections, removing each finished check cost a
/// walk over about a thousand entries: 13% of the checker's thread in the 1,000-instance
/// benchmark (docs/BENCHMARKS.md). With at most 32 connections per cache the walk is short, and a
/// multi handle costs only its cache and one timer. An easy handle stays with the multi that
/// adopted it (curl closes its sockets through that multi), so it is leased once and released
/// when the handle is freed.
///
/// Loop-confined, as `CurlMulti`.
final class CurlMultiPool {
    static let handlesPerMulti = 32

    let loop: EventLoop
    /// Called for each finished transfer of any multi (see `CurlMulti.onDone`).
    var onDone: (UnsafeMutableRawPointer, CURLcode) -> Void = { _, _ in }
    private var multis: [CurlMulti] = []
    /// Easy handles adopted by each multi (same order as `multis`).
    private var leased: [Int] = []
    private var isClosed = false

    init(loop: EventLoop) {
        self.loop = loop
    }

    deinit { close() }

    /// A multi handle with room for one more easy handle (a new one when all are full).
    func lease() throws -> CurlMulti {
        precondition(!isClosed, "CurlMultiPool used after close")
        let i: Int
        if let free = leased.firstIndex(where: { $0 < Self.handlesPerMulti }) {
            i = free
        } else {
            let m = try CurlMulti(loop: loop)
            m.onDone = { [unowned self] easy, code in onDone(easy, code) }
            multis.append(m)
            leased.append(0)
            i = multis.count - 1
        }
        leased[i] += 1
        // One idle connection per easy handle (each checks its own instance).
        multis[i].setMaxConnections(leased[i])
        return multis[i]
    }

    /// Gives back a lease of `multi` (its easy handle was freed).
    func release(_ multi: CurlMulti) {
        guard let i = multis.firstIndex(where: { $0 === multi }) else { return }
        leased[i] -= 1
        multi.setMaxConnections(leased[i])
    }

    /// Multi handles made so far (for tests).
    var multiCount: Int { multis.count }

    /// Sockets registered with the loop, and how many are parked, over all multis (for tests).
    var socketCounts: (registered: Int, parked: Int) {
        multis.reduce((0, 0)) { sum, m in
            let c = m.socketCounts
            return (sum.0 + c.registered, sum.1 + c.parked)
        }
    }

    /// Closes every multi handle. Free the easy handles first.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        for m in multis { m.close() }
    }
}

@available(*, unavailable)
extension CurlMultiPool: Sendable {}
