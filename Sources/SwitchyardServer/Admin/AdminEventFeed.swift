import SwitchyardCore

/// The dashboard's `GET /events` streams (docs/ADMIN.md): the open streams, and a timer on the admin
/// loop that sends each of them one event per `AdminServer.eventInterval`.
///
/// An event is built once per tick (one snapshot, one `EventsDocument`) and appended to every
/// stream's output, so N dashboards cost one snapshot a second, not N. A stream whose client does
/// not read is dropped once `AdminServer.maxStreamBacklog` bytes wait for it; at most
/// `AdminServer.maxStreams` streams are open at once. The timer runs only while a stream is open.
///
/// Loop-confined (as every `EventHandler`); owned by `AdminServer`, which cancels the timer in `stop()`.
final class AdminEventFeed: EventHandler {
    private unowned let server: AdminServer
    private var streams: [ObjectIdentifier: AdminConnection] = [:]
    private var rates = LiveRates()

    init(server: AdminServer) {
        self.server = server
        super.init(fd: -1)
    }

    var count: Int { streams.count }
    var isFull: Bool { streams.count >= AdminServer.maxStreams }

    /// Appends the first event of a new stream (after the head the caller wrote) and counts `c` in.
    /// The first stream after a pause restarts the rates and the timer, so its second event, a tick
    /// later, has rates over that tick.
    func open(_ c: AdminConnection, into out: inout ByteBuffer) {
        let first = streams.isEmpty
        let snapshot = server.backend.snapshot()
        if first {
            rates.reset()
            rates.advance(to: snapshot)
            server.loop.wakeUp(self, at: server.loop.now + AdminServer.eventInterval)
        }
        streams[ObjectIdentifier(c)] = c
        ServerSentEvents.writeRetry(milliseconds: AdminServer.eventRetryMilliseconds, into: &out)
        writeEvent(snapshot, into: &out)
    }

    /// Forgets a stream whose connection closed; stops the timer with the last one.
    func remove(_ c: AdminConnection) {
        guard streams.removeValue(forKey: ObjectIdentifier(c)) != nil else { return }
        if streams.isEmpty { server.loop.cancelWakeUp(self) }
    }

    func stop() {
        server.loop.cancelWakeUp(self)
        streams.removeAll()
    }

    override func timerFired(now: Instant) {
        guard !streams.isEmpty else { return }
        let snapshot = server.backend.snapshot()
        rates.advance(to: snapshot)
        var event = ByteBuffer(capacity: 8 << 10)
        writeEvent(snapshot, into: &event)
        // Sending may close a connection, which calls `remove` and mutates `streams`.
        for c in Array(streams.values) {
            event.withReadableBytes { c.pushEvent($0) }
        }
        if !streams.isEmpty { server.loop.wakeUp(self, at: now + AdminServer.eventInterval) }
    }

    private func writeEvent(_ snapshot: ProxySnapshot, into out: inout ByteBuffer) {
        var json = ByteBuffer(capacity: 8 << 10)
        EventsDocument.write(snapshot, rates: rates, reactions: server.backend.reactionsJSON(), into: &json)
        json.withReadableBytes { ServerSentEvents.writeEvent(data: $0, into: &out) }
    }
}
