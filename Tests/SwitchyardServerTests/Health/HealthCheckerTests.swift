import Glibc
import Testing
import SwitchyardCore
@testable import SwitchyardServer

@Suite("HealthChecker", .serialized, .timeLimit(.minutes(1)))
struct HealthCheckerTests {
    @Test("an http check against a 200 answer is healthy on the first round, detail 'status 200'")
    func httpHealthy() throws {
        let server = try TestHTTPServer(status: 200)
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: server.port, fastCheck(.http))]))
        let r = try #require(out.rounds.first)
        #expect(r.result.ok)
        #expect(r.result.detail == "status 200")
        #expect(r.verdict == .healthy)
        #expect(r.transition?.from == .unknown && r.transition?.to == .healthy)
        #expect(r.result.latency > .zero && r.result.latency < .seconds(1))
        #expect(out.checker.state(for: r.target.label)?.verdict == .healthy)
        #expect(server.requests.load(ordering: .relaxed) == 1)
    }

    @Test("a kept-alive connection stays in epoll between rounds (parked), one connection for all rounds")
    func keptConnectionParked() throws {
        let server = try KeepAliveHTTPServer()
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        var parkedAfterRounds: [Int] = []
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: server.port, fastCheck(.http))],
            until: { rounds, _ in rounds.count == 5 },
            afterRound: { _, c in parkedAfterRounds.append(c.curl.socketCounts.parked) }))
        #expect(out.rounds.map(\.result.ok) == [true, true, true, true, true])
        // The transfer's socket is parked as soon as curl lets go of it, after every round.
        #expect(parkedAfterRounds == [1, 1, 1, 1, 1])
        #expect(out.checker.curl.socketCounts.registered == 1)
        #expect(server.connectionCount == 1)
    }

    @Test("40 http targets share 2 multi handles (32 each at most); each keeps its own parked connection")
    func multiHandlesSharded() throws {
        let server = try KeepAliveHTTPServer(listeners: 40)
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let targets = server.ports.enumerated().map { i, port in healthTarget(i, port: port, fastCheck(.http, interval: .milliseconds(20))) }
        let out = try #require(try runChecks(loop, targets: targets, until: { rounds, _ in rounds.count >= 120 }))
        #expect(out.rounds.allSatisfy { $0.result.ok })
        #expect(Set(out.rounds.map(\.target.id)).count == 40)
        #expect(out.checker.curl.multiCount == 2)
        #expect(out.checker.curl.socketCounts.registered == 40)
        #expect(server.connectionCount == 40)
    }

    @Test("an upstream closing the idle kept connection: the parked socket leaves epoll and the next round reconnects")
    func parkedConnectionClosedByPeer() throws {
        let server = try TestHTTPServer(status: 200)
        server.announcesClose.store(false, ordering: .relaxed)
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let config = fastCheck(.http, interval: .milliseconds(50))
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: server.port, config)],
            until: { rounds, _ in rounds.count == 4 }))
        // Every round passes on a fresh connection; no handler is left behind for a closed socket.
        #expect(out.rounds.map(\.result.ok) == [true, true, true, true])
        #expect(server.requests.load(ordering: .relaxed) == 4)
        #expect(out.checker.curl.socketCounts.registered <= 1)
    }

    @Test("503 takes an http target down after unhealthy_after rounds; 200 brings it back after healthy_after")
    func httpFallAndRise() throws {
        let server = try TestHTTPServer(status: 200)
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let config = fastCheck(.http, healthyAfter: 2, unhealthyAfter: 3)
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: server.port, config)],
            until: { rounds, _ in rounds.last?.transition?.to == .healthy && rounds.count > 1 },
            afterRound: { r, _ in
                if r.transition?.to == .healthy { server.status.store(503, ordering: .relaxed) }
                if r.transition?.to == .unhealthy { server.status.store(200, ordering: .relaxed) }
            }))
        let rounds = out.rounds
        // healthy (first), 3 x 503 (down on the third), 2 x 200 (up on the second).
        #expect(rounds.map(\.result.ok) == [true, false, false, false, true, true])
        #expect(rounds.map(\.verdict) == [.healthy, .healthy, .healthy, .unhealthy, .unhealthy, .healthy])
        #expect(rounds[1].result.detail == "status 503")
        #expect(rounds[3].transition?.reason.contains("status 503") == true)
        #expect(rounds.compactMap(\.transition).count == 3)
    }

    @Test("a failing round retries `retries` more times, retry_delay apart, and records once")
    func retriesInsideRound() throws {
        let server = try TestHTTPServer(status: 503)
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let config = fastCheck(.http, interval: .seconds(10), retries: 2, retryDelay: .milliseconds(30))
        let started = MonotonicClock.now()
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: server.port, config)]))
        #expect(out.rounds.count == 1)
        #expect(server.requests.load(ordering: .relaxed) == 3)
        #expect(out.rounds[0].result.at - started >= .milliseconds(60))
        #expect(out.rounds[0].verdict == .unhealthy)
        #expect(out.checker.state(for: out.rounds[0].target.label)?.recentResults.count == 1)
    }

    @Test("tcp and http checks of a closed port fail with 'connection refused'", arguments: [HealthCheckType.tcp, .http])
    func connectionRefused(type: HealthCheckType) throws {
        let (fd, port) = closedPort()
        defer { close(fd) }
        let loop = try EventLoop(index: 0)
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: port, fastCheck(type, retries: 1))]))
        let r = try #require(out.rounds.first)
        #expect(!r.result.ok)
        #expect(r.result.detail == "connection refused")
        #expect(r.verdict == .unhealthy)
    }

    @Test("a tcp check of a listening port passes with 'connected'")
    func tcpHealthy() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: server.port, fastCheck(.tcp))]))
        #expect(out.rounds.first?.result.ok == true)
        #expect(out.rounds.first?.result.detail == "connected")
        #expect(out.rounds.first?.verdict == .healthy)
    }

    @Test("a tcp check reuses its socket: passes while the port listens, 'connection refused' once it closes, passes when it is back")
    func tcpSocketReusedAcrossOutcomes() throws {
        let address = try SocketAddress.resolve(host: "127.0.0.1", port: 0)
        var listener = try Socket.makeListener(address, reusePort: false)
        let port = Socket.localPort(listener)
        defer { close(listener) }
        let loop = try EventLoop(index: 0)
        var sockets: [Int32?] = []
        var closingAfterThree = -1
        let config = fastCheck(.tcp, interval: .milliseconds(10), timeout: .milliseconds(500))
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: port, config)], limit: .seconds(8),
            until: { rounds, _ in rounds.count == 9 },
            afterRound: { r, c in
                sockets.append(c.tcpDescriptor(for: r.target.label))
                if r.result.ok && sockets.count == 3 {
                    // Counted while the port is still ours (a closed port could be taken by another test).
                    closingAfterThree = closingSocketCount(port: port)
                    close(listener)
                }
                if !r.result.ok && sockets.count == 6 {
                    listener = (try? Socket.makeListener(SocketAddress.resolve(host: "127.0.0.1", port: port), reusePort: false)) ?? -1
                }
            }))
        #expect(out.rounds.map(\.result.ok) == [true, true, true, false, false, false, true, true, true])
        #expect(out.rounds.map(\.result.detail) == ["connected", "connected", "connected", "connection refused",
            "connection refused", "connection refused", "connected", "connected", "connected"])
        // One socket for every round, success or failure.
        #expect(sockets.count == 9 && sockets[0] != nil && Set(sockets).count == 1)
        // A reset, not a FIN: the three connected rounds left no socket closing on this side.
        #expect(closingAfterThree == 0)
    }

    @Test("an http check of a server that never answers fails with 'timeout' after `timeout`")
    func httpTimeout() throws {
        let server = try TestHTTPServer()
        server.isSilent.store(true, ordering: .relaxed)
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let config = fastCheck(.http, timeout: .milliseconds(150))
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: server.port, config)]))
        let r = try #require(out.rounds.first)
        #expect(!r.result.ok)
        #expect(r.result.detail == "timeout")
        #expect(r.result.latency >= .milliseconds(140) && r.result.latency < .seconds(2))
    }

    @Test("a tcp connect that never completes fails with 'timeout' after `timeout`")
    func tcpTimeout() throws {
        // A listener with a full accept queue drops further SYNs, so the connect hangs.
        let fd = try Socket.makeListener(SocketAddress.resolve(host: "127.0.0.1", port: 0), reusePort: false, backlog: 0)
        defer { close(fd) }
        let port = Socket.localPort(fd)
        var fillers: [Int32] = []
        defer { fillers.forEach { _ = close($0) } }
        for _ in 0..<2 {
            if case .inProgress(let c) = Socket.connect(try SocketAddress.resolve(host: "127.0.0.1", port: port)) {
                fillers.append(c)
            } else if case .connected(let c) = Socket.connect(try SocketAddress.resolve(host: "127.0.0.1", port: port)) {
                fillers.append(c)
            }
            usleep(20_000)
        }
        let loop = try EventLoop(index: 0)
        let config = fastCheck(.tcp, timeout: .milliseconds(150))
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: port, config)]))
        let r = try #require(out.rounds.first)
        #expect(!r.result.ok)
        #expect(r.result.detail == "timeout")
        #expect(r.result.latency >= .milliseconds(140))
    }

    @Test("onFirstRoundComplete fires once, after every target's first round")
    func firstRound() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let (closedFd, closed) = closedPort()
        defer { close(closedFd) }
        let loop = try EventLoop(index: 0)
        let targets = [healthTarget(1, port: server.port, fastCheck(.http, interval: .seconds(5))),
                       healthTarget(2, port: server.port, fastCheck(.tcp, interval: .seconds(5))),
                       healthTarget(3, port: closed, fastCheck(.http, interval: .seconds(5), retries: 1))]
        var roundsAtFirst = -1
        var fired = 0
        var rounds = 0
        let checker = try HealthChecker(loop: loop, targets: targets) { _, _, _, _ in rounds += 1 }
        checker.onFirstRoundComplete = {
            fired += 1
            roundsAtFirst = rounds
            loop.handle.stop()
        }
        #expect(!checker.firstRoundComplete)
        checker.start()
        #expect(!checker.firstRoundComplete)
        #expect(loop.runBounded())
        #expect(fired == 1 && roundsAtFirst == 3 && checker.firstRoundComplete)
        var verdicts: [Int: HealthVerdict] = [:]
        checker.forEachState { t, s in verdicts[t.id] = s.verdict }
        #expect(verdicts == [1: .healthy, 2: .healthy, 3: .unhealthy])
        checker.stop()
    }

    @Test("without targets the first round is complete at start()")
    func firstRoundWithoutTargets() throws {
        let loop = try EventLoop(index: 0)
        let checker = try HealthChecker(loop: loop, targets: []) { _, _, _, _ in }
        var fired = 0
        checker.onFirstRoundComplete = { fired += 1 }
        #expect(fired == 0)
        checker.start()
        #expect(fired == 1 && checker.firstRoundComplete)
        checker.onFirstRoundComplete = { fired += 10 }   // already reported: not called again
        #expect(fired == 1)
    }

    @Test("history keeps only the last `history` results")
    func historyCapped() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let config = fastCheck(.tcp, interval: .milliseconds(5), history: 3)
        let out = try #require(try runChecks(loop, targets: [healthTarget(1, port: server.port, config)],
                                       until: { rounds, _ in rounds.count == 6 }))
        let state = try #require(out.checker.state(for: out.rounds[0].target.label))
        #expect(state.recentResults.count == 3)
        #expect(state.recentResults == out.rounds.suffix(3).map(\.result))
    }

    @Test("a reload turning a tcp check into an http check closes the tcp socket at the next round")
    func typeChangeDropsSocket() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let tcp = healthTarget(1, port: server.port, fastCheck(.tcp, interval: .milliseconds(20)))
        var http = tcp
        http.config = fastCheck(.http, interval: .milliseconds(20))
        var socketBefore: Int32?
        var socketAfter: Int32? = -1
        let out = try #require(try runChecks(loop, targets: [tcp], until: { rounds, _ in rounds.count == 4 },
            afterRound: { r, c in
                if c.targetCount == 1 && r.result.detail == "connected" && socketBefore == nil {
                    socketBefore = c.tcpDescriptor(for: r.target.label)
                    c.replaceTargets([http])
                } else if r.result.detail.hasPrefix("status") {
                    socketAfter = c.tcpDescriptor(for: r.target.label)
                }
            }))
        #expect(out.rounds.map(\.result.ok).allSatisfy { $0 })
        #expect(out.rounds.last?.result.detail == "status 200")
        #expect(socketBefore != nil && socketAfter == nil)
    }

    @Test("replaceTargets keeps the state of labels that stay and drops the others")
    func reloadKeepsState() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let loop = try EventLoop(index: 0)
        let kept = healthTarget(1, port: server.port, fastCheck(.tcp, interval: .seconds(5)))
        let dropped = healthTarget(2, port: server.port, fastCheck(.tcp, interval: .seconds(5)))
        let out = try #require(try runChecks(loop, targets: [kept, dropped], until: { rounds, _ in rounds.count == 2 }))
        let checker = out.checker
        var changed = kept
        changed.config = fastCheck(.http, interval: .seconds(5), history: 10)
        let added = healthTarget(3, port: server.port, fastCheck(.http, interval: .seconds(5)))
        checker.replaceTargets([changed, added])
        #expect(checker.targetCount == 2)
        #expect(checker.state(for: dropped.label) == nil)
        let state = try #require(checker.state(for: kept.label))
        #expect(state.verdict == .healthy && state.recentResults.count == 1 && state.history == 10)
        #expect(checker.state(for: added.label)?.verdict == .unknown)
    }
}
