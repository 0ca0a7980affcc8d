import Synchronization
import SwitchyardCore

/// The most recent state transitions (breakers, health, reloads) for `/dump`, newest last.
final class TransitionJournal: Sendable {
    static let capacity = 256
    private let records = Mutex<[TransitionRecord]>([])

    func append(_ record: TransitionRecord) {
        records.withLock { r in
            if r.count >= Self.capacity { r.removeFirst(r.count - Self.capacity + 1) }
            r.append(record)
        }
    }

    func recent() -> [TransitionRecord] { records.withLock { $0 } }
}
