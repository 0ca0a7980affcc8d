import Glibc

/// Thin wrappers over `read`, `write`, `writev` and `close` for non-blocking descriptors.
///
/// They retry `EINTR`, map `EAGAIN` to `.wouldBlock` and a zero-byte read to `.closed`, and never
/// allocate. `SIGPIPE` must be ignored (`Signals.ignoreSIGPIPE()`): a write to a reset socket then
/// returns `.failed(EPIPE)` instead of killing the process.
public enum Posix {
    /// Reads up to `buffer.count` bytes. `.done(n)` with `n > 0`, `.closed` at end of stream.
    @inlinable
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult<Int> {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .done(n) }
            if n == 0 { return buffer.count == 0 ? .done(0) : .closed }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            return .failed(e)
        }
    }

    /// Writes up to `bytes.count` bytes; `.done(n)` may be a short write.
    @inlinable
    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult<Int> {
        while true {
            let n = Glibc.write(fd, bytes.baseAddress, bytes.count)
            if n >= 0 { return .done(n) }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            return .failed(e)
        }
    }

    /// Gathers several buffers into one `writev(2)`; `.done(n)` may end inside any of them.
    /// At most `IOV_MAX` (1024) entries are accepted by the kernel.
    @inlinable
    public static func writev(_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>) -> IOResult<Int> {
        while true {
            let n = Glibc.writev(fd, vectors.baseAddress, Int32(vectors.count))
            if n >= 0 { return .done(n) }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            return .failed(e)
        }
    }

    /// Closes `fd`. Not retried on `EINTR`: on Linux the descriptor is released even then, and a
    /// retry could close a descriptor another thread just opened. Deregister from the loop first.
    @inlinable
    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }
}
