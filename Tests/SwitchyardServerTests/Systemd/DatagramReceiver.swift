import Glibc
@testable import SwitchyardServer

/// A stand-in for systemd's notify socket: an `AF_UNIX` `SOCK_DGRAM` socket bound to a filesystem
/// path or an abstract name (`@name`), read without blocking.
final class DatagramReceiver {
    let fd: Int32
    /// The `$NOTIFY_SOCKET` value that reaches this receiver.
    let notifySocket: String
    private let path: String?

    /// Binds to `notifySocket` (`/path` or `@name`), using the notifier's own address encoding.
    init(notifySocket: String) throws {
        guard let (bytes, length) = SystemdNotifier.socketAddress(notifySocket) else {
            throw TestError("bad address \(notifySocket)")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket failed") }
        let bound = bytes.withUnsafeBytes { bind(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), length) }
        guard bound == 0 else {
            close(fd)
            throw TestError("bind \(notifySocket) failed: errno \(errno)")
        }
        self.fd = fd
        self.notifySocket = notifySocket
        path = notifySocket.hasPrefix("/") ? notifySocket : nil
    }

    deinit {
        close(fd)
        if let path {
            unlink(path)
            rmdir(String(path[..<path.lastIndex(of: "/")!]))  // the per-test temporary directory
        }
    }

    /// The next queued datagram as text, nil when none is waiting (unix datagrams arrive at send time).
    func next() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        guard n >= 0 else { return nil }
        return String(decoding: buffer.prefix(n), as: UTF8.self)
    }

    /// Every queued datagram, in arrival order.
    func drain() -> [String] {
        var all: [String] = []
        while let d = next() { all.append(d) }
        return all
    }
}
