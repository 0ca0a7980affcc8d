import CCurl
import SwitchyardCore

/// One-off libcurl transfers on an event loop, each with its own completion (reactions: webhooks
/// and mail on the control loop; batch parts to URLs on each worker's loop). One `CurlMulti` (no threads: curl's sockets and timer are loop handlers); an easy
/// handle is `adopt`ed once, may be started again from its completion (a retry), and is freed by
/// its owner after its last transfer.
///
/// Loop-confined.
final class CurlTransfers {
    let multi: CurlMulti
    private var completions: [UnsafeMutableRawPointer: (CURLcode) -> Void] = [:]

    init(loop: EventLoop) throws {
        multi = try CurlMulti(loop: loop)
        multi.onDone = { [unowned self] easy, code in
            if let done = completions.removeValue(forKey: easy) { done(code) }
        }
    }

    /// Starts `easy`; `done` runs on the loop when the transfer ended (never from inside this call).
    /// Returns curl's error text when the transfer could not start.
    func start(_ easy: UnsafeMutableRawPointer, done: @escaping (CURLcode) -> Void) -> String? {
        if let problem = multi.add(easy) { return problem }
        completions[easy] = done
        return nil
    }

    /// Abandons a transfer still running: no completion runs for it.
    func cancel(_ easy: UnsafeMutableRawPointer) {
        guard completions.removeValue(forKey: easy) != nil else { return }
        multi.remove(easy)
    }

    /// Transfers running now.
    var count: Int { completions.count }
}

@available(*, unavailable)
extension CurlTransfers: Sendable {}
