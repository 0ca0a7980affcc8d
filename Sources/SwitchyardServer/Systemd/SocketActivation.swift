import CLinuxShims
import Glibc

/// Listening sockets handed over by systemd (`sd_listen_fds(3)`), read from the environment by hand.
///
/// With a `.socket` unit, systemd binds the listeners itself and starts the service with them open
/// as fds 3, 4, ... and sets `LISTEN_PID` (the pid they are meant for), `LISTEN_FDS` (how many) and
/// optionally `LISTEN_FDNAMES` (colon-separated names, `FileDescriptorName=`). The runtime adopts
/// them instead of binding, matching each one to a configured listen address through `boundPort`.
///
/// The variables are read, never unset: a child process sees a `LISTEN_PID` that is not its own and
/// ignores them, and the adopted fds are made close-on-exec so no child inherits them.
public enum SocketActivation {
    /// The first passed fd (`SD_LISTEN_FDS_START`).
    public static let firstFD: Int32 = 3

    /// The passed listening fds, non-blocking and close-on-exec; empty when not socket-activated.
    ///
    /// Empty when `LISTEN_PID` is missing or is not `pid` (defaults to this process), or `LISTEN_FDS`
    /// is missing, zero or malformed. An fd that is not open is skipped.
    public static func listenFDs(environment: [String: String], pid: Int32 = getpid()) -> [Int32] {
        namedListenFDs(environment: environment, pid: pid).map(\.fd)
    }

    /// `listenFDs` with each fd's name from `LISTEN_FDNAMES`; names are nil when that variable is
    /// absent or does not hold exactly one name per fd.
    public static func namedListenFDs(environment: [String: String],
                                      pid: Int32 = getpid()) -> [(fd: Int32, name: String?)] {
        guard let passed = passedFDs(environment: environment, pid: pid) else { return [] }
        var adopted: [(fd: Int32, name: String?)] = []
        for entry in passed where prepare(entry.fd) { adopted.append(entry) }
        return adopted
    }

    /// The fds and names the environment describes, without touching the fds; nil when it describes
    /// none for `pid`. Pure parsing, separated so it can be tested without fds 3... being real.
    static func passedFDs(environment: [String: String], pid: Int32) -> [(fd: Int32, name: String?)]? {
        guard let owner = environment["LISTEN_PID"], let ownerPID = Int32(owner), ownerPID == pid,
              let countText = environment["LISTEN_FDS"], let count = Int32(countText),
              count > 0, count <= Int32.max - firstFD else { return nil }
        var names: [String?] = Array(repeating: nil, count: Int(count))
        if let joined = environment["LISTEN_FDNAMES"] {
            let parts = joined.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if parts.count == Int(count) { names = parts }
        }
        return (0..<count).map { (fd: firstFD + $0, name: names[Int($0)]) }
    }

    /// Makes `fd` non-blocking and close-on-exec; false if `fd` is not open.
    static func prepare(_ fd: Int32) -> Bool {
        let descriptorFlags = fcntl(fd, F_GETFD)
        guard descriptorFlags >= 0, fcntl(fd, F_SETFD, descriptorFlags | FD_CLOEXEC) == 0 else { return false }
        let statusFlags = fcntl(fd, F_GETFL)
        guard statusFlags >= 0, fcntl(fd, F_SETFL, statusFlags | O_NONBLOCK) == 0 else { return false }
        return true
    }

    /// True when `fd` is a listening stream socket (`SO_ACCEPTCONN`), the only kind the proxy adopts.
    public static func isListeningStream(_ fd: Int32) -> Bool {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &length) == 0,
              value == SY_SOCK_STREAM else { return false }
        length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &length) == 0 && value != 0
    }

    /// The address `fd` is bound to (`getsockname`): a numeric IPv4 or IPv6 host (IPv6 without
    /// brackets, e.g. `::`) and the port; nil for other families or when `fd` is not a socket.
    public static func boundPort(_ fd: Int32) -> (host: String, port: UInt16)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &storage) { raw in
                let v4 = raw.load(as: sockaddr_in.self)
                guard let host = numericHost(AF_INET, v4.sin_addr) else { return nil }
                return (host, UInt16(bigEndian: v4.sin_port))
            }
        case AF_INET6:
            return withUnsafeBytes(of: &storage) { raw in
                let v6 = raw.load(as: sockaddr_in6.self)
                guard let host = numericHost(AF_INET6, v6.sin6_addr) else { return nil }
                return (host, UInt16(bigEndian: v6.sin6_port))
            }
        default:
            return nil
        }
    }

    /// `inet_ntop` for one `in_addr` or `in6_addr` of `family`.
    private static func numericHost<Address>(_ family: Int32, _ address: Address) -> String? {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = withUnsafeBytes(of: address) { inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }
        guard written != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
