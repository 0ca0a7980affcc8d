import Glibc

extension Posix {
    /// Writes `first` then `second` with one writev(2): a response head and its body in one syscall.
    /// Empty buffers are skipped.
    public static func writev(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> IOResult<Int> {
        var vectors = (iovec(), iovec())
        var count = 0
        withUnsafeMutableBytes(of: &vectors) { raw in
            let v = raw.bindMemory(to: iovec.self)
            if first.count > 0 {
                v[count] = iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count)
                count += 1
            }
            if second.count > 0 {
                v[count] = iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count)
                count += 1
            }
        }
        if count == 0 { return .done(0) }
        return withUnsafeBytes(of: &vectors) { raw in
            Posix.writev(fd, UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: iovec.self), count: count))
        }
    }
}
