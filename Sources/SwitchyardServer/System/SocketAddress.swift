import CLinuxShims
import Glibc
import SwitchyardCore

/// An IPv4 or IPv6 socket address (a `sockaddr_storage` and its length).
///
/// A value type, cheap to copy (136 bytes). Built by `resolve(host:port:)` at configuration time
/// and by `Socket.accept` for each client.
public struct SocketAddress: CustomStringConvertible, @unchecked Sendable {
    // @unchecked: sockaddr_storage is plain bytes, imported without a Sendable conformance.
    @usableFromInline var storage: sockaddr_storage
    /// The length of the address inside `storage`.
    public let length: socklen_t

    /// Wraps raw kernel output (`accept`, `getsockname`).
    public init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    /// `AF_INET` or `AF_INET6`.
    public var family: Int32 { Int32(storage.ss_family) }

    /// The port in host byte order.
    public var port: UInt16 {
        get {
            var s = storage
            return withUnsafePointer(to: &s) { p in
                p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
        }
        set {
            // sin_port and sin6_port share the same offset.
            withUnsafeMutablePointer(to: &storage) { p in
                p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = newValue.bigEndian }
            }
        }
    }

    /// Lends the address as a `sockaddr` pointer and length for `bind`/`connect`.
    @inlinable
    public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        var s = storage
        return try withUnsafePointer(to: &s) { p in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    /// Resolves a numeric IPv4 (`10.0.0.1`), numeric IPv6 (`::1`, `[::1]`) or a host name
    /// (`getaddrinfo`, first stream address) to an address with `port`.
    /// Blocking for names: call at configuration time, never on the loop's hot path.
    public static func resolve(host: String, port: UInt16) throws -> SocketAddress {
        var h = host
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        var st = sockaddr_storage()
        var v4 = in_addr()
        if inet_pton(AF_INET, h, &v4) == 1 {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_addr = v4
            sin.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &st) { dst in withUnsafeBytes(of: &sin) { dst.copyMemory(from: $0) } }
            return SocketAddress(storage: st, length: socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, h, &v6) == 1 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_addr = v6
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &st) { dst in withUnsafeBytes(of: &sin6) { dst.copyMemory(from: $0) } }
            return SocketAddress(storage: st, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = SY_SOCK_STREAM
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(h, nil, &hints, &result)
        guard rc == 0, let first = result else {
            throw SystemError(call: "getaddrinfo(\(host))", errno: rc,
                              message: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(result) }
        var ai: UnsafeMutablePointer<addrinfo>? = first
        // Prefer IPv4 when a name has both: upstreams are most often reached over IPv4.
        var chosen = first
        while let a = ai {
            if a.pointee.ai_family == AF_INET { chosen = a; break }
            ai = a.pointee.ai_next
        }
        let len = Int(chosen.pointee.ai_addrlen)
        withUnsafeMutableBytes(of: &st) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: chosen.pointee.ai_addr, count: min(len, dst.count)))
        }
        var address = SocketAddress(storage: st, length: socklen_t(len))
        address.port = port
        return address
    }

    /// Appends the numeric host (`10.0.0.7`, `::1`, no brackets, no port), for `X-Forwarded-For`
    /// and access logs. Does not allocate.
    public func writeNumericHost(into buffer: inout ByteBuffer) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN) + 1) { out in
            let n = numericHost(into: out)
            buffer.write(UnsafeRawBufferPointer(start: out.baseAddress, count: n))
        }
    }

    /// The numeric host as a `String` (for logs and tests, not the hot path).
    public var numericHost: String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN) + 1) { out in
            let n = numericHost(into: out)
            return String(decoding: UnsafeRawBufferPointer(start: out.baseAddress, count: n), as: UTF8.self)
        }
    }

    /// `1.2.3.4:80` or `[::1]:80`.
    public var description: String {
        family == AF_INET6 ? "[\(numericHost)]:\(port)" : "\(numericHost):\(port)"
    }

    /// Writes the NUL-terminated numeric host into `out`; returns its length without the NUL.
    private func numericHost(into out: UnsafeMutableBufferPointer<CChar>) -> Int {
        var s = storage
        let ok: Bool = withUnsafePointer(to: &s) { p in
            let raw = UnsafeRawPointer(p)
            if family == AF_INET {
                let a = raw.assumingMemoryBound(to: sockaddr_in.self)
                return withUnsafePointer(to: a.pointee.sin_addr) {
                    inet_ntop(AF_INET, $0, out.baseAddress, socklen_t(out.count)) != nil
                }
            } else if family == AF_INET6 {
                let a = raw.assumingMemoryBound(to: sockaddr_in6.self)
                return withUnsafePointer(to: a.pointee.sin6_addr) {
                    inet_ntop(AF_INET6, $0, out.baseAddress, socklen_t(out.count)) != nil
                }
            }
            return false
        }
        guard ok else { out[0] = 0; return 0 }
        return strlen(out.baseAddress!)
    }
}
