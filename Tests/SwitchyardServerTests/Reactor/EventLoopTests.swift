import Glibc
import Synchronization
import Testing
import SwitchyardCore
@testable import SwitchyardServer

@Suite("EventLoop", .serialized, .timeLimit(.minutes(1)))
struct EventLoopTests {
    @Test("a pipe handler gets readable events and reads the data")
    func readable() throws {
        let loop = try EventLoop(index: 0)
        let (r, w) = makePipe()
        defer { Posix.close(r); Posix.close(w) }
        var received = ""
        let h = ClosureHandler(fd: r)
        h.onEvent = { h, events in
            #expect(events.contains(.readable))
            received += readAvailable(h.fd) ?? ""
            loop.deregister(h)
            loop.handle.stop()
        }
        #expect(loop.register(h, interest: .readable))
        writeAll(w, "ping")
        #expect(loop.runBounded())
        #expect(received == "ping")
        #expect(h.eventCount == 1)
        #expect(!h.isRegistered)
    }

    @Test("timers fire in deadline order; re-armed and cancelled timers do not fire stale",
          arguments: [false, true])
    func timerOrder(timerFd: Bool) throws {
        let loop = try EventLoop(index: 0, forceTimerFd: timerFd)
        #expect(loop.usesTimerFd == timerFd)   // this machine's kernel has epoll_pwait2
        let start = loop.now
        var fired: [(String, Instant)] = []
        func timer(_ name: String) -> ClosureHandler {
            let h = ClosureHandler(fd: -1)
            h.onTimer = { _, now in fired.append((name, now)) }
            return h
        }
        let a = timer("a"), b = timer("b"), c = timer("c"), cancelled = timer("cancelled")
        let later = timer("later"), earlier = timer("earlier")
        loop.wakeUp(a, at: start + .milliseconds(30))
        loop.wakeUp(b, at: start + .milliseconds(10))
        loop.wakeUp(c, at: start + .milliseconds(20))
        loop.wakeUp(cancelled, at: start + .milliseconds(5))
        loop.cancelWakeUp(cancelled)
        loop.wakeUp(later, at: start + .milliseconds(15))
        loop.wakeUp(later, at: start + .milliseconds(40))    // moved later: no stale fire at 15
        loop.wakeUp(earlier, at: start + .milliseconds(50))
        loop.wakeUp(earlier, at: start + .milliseconds(25))  // moved earlier: no stale fire at 50
        let stopper = ClosureHandler(fd: -1)
        stopper.onTimer = { _, _ in loop.handle.stop() }
        loop.wakeUp(stopper, at: start + .milliseconds(70))
        #expect(loop.runBounded())
        #expect(fired.map(\.0) == ["b", "c", "earlier", "a", "later"])
        #expect(fired.first { $0.0 == "later" }.map { $0.1 >= start + .milliseconds(40) } == true)
        for (name, at) in fired {
            let due: Int64 = ["a": 30, "b": 10, "c": 20, "earlier": 25, "later": 40][name]!
            #expect(at >= start + .milliseconds(due))
        }
        #expect(a.deadline == nil && a.timerCount == 1 && cancelled.timerCount == 0)
    }

    @Test("a timer may re-arm itself from timerFired", arguments: [false, true])
    func rearmFromCallback(timerFd: Bool) throws {
        let loop = try EventLoop(index: 0, forceTimerFd: timerFd)
        let h = ClosureHandler(fd: -1)
        h.onTimer = { h, now in
            if h.timerCount < 3 { loop.wakeUp(h, at: now + .milliseconds(2)) } else { loop.handle.stop() }
        }
        loop.wakeUp(h, at: loop.now + .milliseconds(1))
        #expect(loop.runBounded())
        #expect(h.timerCount == 3)
    }

    @Test("many re-armed and cancelled timers keep the heap bounded")
    func heapCompaction() throws {
        let loop = try EventLoop(index: 0)
        let handlers = (0..<100).map { _ in ClosureHandler(fd: -1) }
        let base = loop.now + .seconds(10)
        for round in 0..<100 {
            for (i, h) in handlers.enumerated() {
                // Alternate moving earlier (a push) and cancelling (an invalidation).
                if round % 2 == 0 { loop.wakeUp(h, at: base + .milliseconds(Int64(1000 - round * 5 - i))) }
                else { loop.cancelWakeUp(h) }
            }
        }
        // 100 valid at most, plus fewer than ~1030 invalid entries before a compaction.
        #expect(loop.timerEntryCount <= 1200)
        var heap = TimerHeap()
        for round in 0..<50 {
            for h in handlers { heap.schedule(h, at: base + .milliseconds(Int64(1000 - round))) }
        }
        #expect(heap.entries.count <= 1200)
        let late = ClosureHandler(fd: -1)
        heap.schedule(late, at: .zero + .nanoseconds(5))
        #expect(heap.popExpired(now: .zero + .nanoseconds(4)) == nil)
        #expect(heap.popExpired(now: .zero + .nanoseconds(5)) === late)
        heap.releaseAll()
    }

    @Test("the wait's deadline skips cancelled, superseded and postponed entries")
    func nextDeadlineSkipsStale() {
        var heap = TimerHeap()
        let a = ClosureHandler(fd: -1), b = ClosureHandler(fd: -1), c = ClosureHandler(fd: -1)
        let t = { (ns: UInt64) in Instant.zero + .nanoseconds(Int64(ns)) }
        heap.schedule(a, at: t(10))
        heap.schedule(b, at: t(20))
        heap.schedule(c, at: t(30))
        #expect(heap.nextDeadline() == 10)
        heap.cancel(a)
        #expect(heap.nextDeadline() == 20)
        heap.schedule(b, at: t(40))                 // postponed: its entry at 20 stays queued
        #expect(heap.nextDeadline() == 30)
        heap.schedule(c, at: t(5))                  // moved earlier: a new entry, the old one invalid
        #expect(heap.nextDeadline() == 5)
        #expect(heap.popExpired(now: t(100)) === c)
        #expect(heap.popExpired(now: t(100)) === b)
        #expect(heap.popExpired(now: t(100)) == nil)
        #expect(heap.entries.isEmpty)
    }

    @Test("the timer heap releases its handlers: when popped, when a cancelled entry is dropped, at releaseAll")
    func heapReleasesHandlers() {
        var heap = TimerHeap()
        weak var popped: ClosureHandler?
        weak var cancelled: ClosureHandler?
        weak var left: ClosureHandler?
        do {
            let a = ClosureHandler(fd: -1), b = ClosureHandler(fd: -1), c = ClosureHandler(fd: -1)
            popped = a; cancelled = b; left = c
            heap.schedule(a, at: .zero + .nanoseconds(1))
            heap.schedule(b, at: .zero + .nanoseconds(2))
            heap.cancel(b)
            heap.schedule(c, at: .zero + .seconds(5))
        }
        #expect(heap.popExpired(now: .zero + .nanoseconds(10)) != nil)
        #expect(heap.popExpired(now: .zero + .nanoseconds(10)) == nil)   // drops b's invalid entry
        #expect(popped == nil)
        #expect(cancelled == nil)
        #expect(left != nil)
        heap.releaseAll()
        #expect(left == nil)
        #expect(heap.entries.isEmpty)
    }

    @Test("execute from another thread runs on the loop's thread")
    func executeFromAnotherThread() throws {
        let loop = try EventLoop(index: 0)
        let loopThread = pthread_self()
        let ranOn = Mutex<[pthread_t]>([])
        let handle = loop.handle
        let thread = TestThread {
            for _ in 0..<3 { handle.execute { ranOn.withLock { $0.append(pthread_self()) } } }
            handle.execute { handle.stop() }
        }
        #expect(loop.runBounded())
        thread.join()
        let threads = ranOn.withLock { $0 }
        #expect(threads.count == 3)
        #expect(threads.allSatisfy { pthread_equal($0, loopThread) != 0 })
    }

    @Test("turnEnded runs once per request after the turn's events")
    func turnEnd() throws {
        let loop = try EventLoop(index: 0)
        let (r, w) = makePipe()
        defer { Posix.close(r); Posix.close(w) }
        var log: [String] = []
        let h = ClosureHandler(fd: r)
        h.onEvent = { h, _ in
            _ = readAvailable(h.fd)
            log.append("event")
            loop.callAtTurnEnd(h)
            loop.callAtTurnEnd(h)
        }
        h.onTurnEnd = { h in log.append("end"); loop.deregister(h); loop.handle.stop() }
        loop.register(h, interest: .readable)
        writeAll(w, "x")
        #expect(loop.runBounded())
        #expect(log == ["event", "end"])
    }

    @Test("an event for a handler closed earlier in the same batch is dropped, even when its fd is reused",
          arguments: [false, true])
    func staleEventGuard(closing: Bool) throws {
        let loop = try EventLoop(index: 0)
        let (r1, w1) = makePipe()
        let (r2, w2) = makePipe()
        let one = ClosureHandler(fd: r1)
        let two = ClosureHandler(fd: r2)
        var replacement: ClosureHandler?
        var reusedFd: Int32 = -1
        var replacementWrite: Int32 = -1
        // Whichever runs first closes the other and registers a new handler on the freed fd number.
        func killOther(_ me: ClosureHandler, _ other: ClosureHandler) {
            loop.deregister(other, closing: closing)   // dup2 below closes it
            // Reuse the fd number: dup2 closes the old pipe end and puts a fresh, empty one there
            // (atomic, so a test running on another thread cannot take the number in between).
            let (r, w) = makePipe()
            #expect(dup2(r, other.fd) == other.fd)
            Posix.close(r)
            reusedFd = other.fd
            replacementWrite = w
            let c = ClosureHandler(fd: other.fd)
            replacement = c
            loop.register(c, interest: .readable)
            _ = readAvailable(me.fd)
            loop.deregister(me)
            Posix.close(me.fd)
            let stopper = ClosureHandler(fd: -1)
            stopper.onTimer = { _, _ in loop.handle.stop() }
            loop.wakeUp(stopper, at: loop.now + .milliseconds(50))
        }
        one.onEvent = { me, _ in killOther(me, two) }
        two.onEvent = { me, _ in killOther(me, one) }
        loop.register(one, interest: .readable)
        loop.register(two, interest: .readable)
        writeAll(w1, "1")
        writeAll(w2, "2")
        #expect(loop.runBounded())
        #expect(one.eventCount + two.eventCount == 1)
        #expect(replacement?.fd == reusedFd)
        #expect(replacement?.eventCount == 0)
        if let c = replacement { loop.deregister(c); Posix.close(c.fd) }
        Posix.close(w1); Posix.close(w2); Posix.close(replacementWrite)
    }

    @Test("deregister(closing:) leaves the removal to close: the fd number registers again and gets events")
    func deregisterClosing() throws {
        let loop = try EventLoop(index: 0)
        let (r, w) = makePipe()
        let old = ClosureHandler(fd: r)
        #expect(loop.register(old, interest: .readable))
        writeAll(w, "stale")
        loop.deregister(old, closing: true)
        // A fresh pipe on the same number: dup2 closes the old read end (dropping its registration).
        let (r2, w2) = makePipe()
        #expect(dup2(r2, r) == r)
        Posix.close(r2)
        let new = ClosureHandler(fd: r)
        var received = ""
        new.onEvent = { h, _ in received += readAvailable(h.fd) ?? ""; loop.handle.stop() }
        #expect(loop.register(new, interest: .readable))
        writeAll(w2, "fresh")
        #expect(loop.runBounded())
        #expect(received == "fresh")
        #expect(old.eventCount == 0)
        loop.deregister(new)
        Posix.close(r); Posix.close(w); Posix.close(w2)
    }

    @Test("the loop releases a deregistered handler at the end of the turn")
    func ownership() throws {
        let loop = try EventLoop(index: 0)
        let (r, w) = makePipe()
        defer { Posix.close(w) }
        weak var weakHandler: ClosureHandler?
        do {
            let h = ClosureHandler(fd: r)
            h.onEvent = { h, _ in loop.deregister(h); Posix.close(h.fd); loop.handle.stop() }
            loop.register(h, interest: .readable)
            weakHandler = h
        }
        #expect(weakHandler != nil) // only the loop owns it now
        writeAll(w, "x")
        #expect(loop.runBounded())
        #expect(weakHandler == nil)
    }
}

/// A plain pthread running a closure, for cross-thread tests.
final class TestThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { raw in
            let me = Unmanaged<TestThread>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            return nil
        }, context)
        precondition(rc == 0)
    }

    func join() { pthread_join(thread, nil) }
}
