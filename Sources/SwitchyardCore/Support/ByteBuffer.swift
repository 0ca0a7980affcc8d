/// A growable byte buffer with a read cursor: bytes are appended at the writer index and consumed
/// from the reader index. Owns raw memory; `~Copyable` so that it is never copied by accident and
/// needs no reference counting. Connections hold one each for input and output.
///
/// The readable bytes are `[readerIndex, writerIndex)`. Consuming everything resets both indices to
/// zero, so a connection that keeps up never moves memory.
public struct ByteBuffer: ~Copyable {
    @usableFromInline var base: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var _readerIndex: Int = 0
    @usableFromInline var _writerIndex: Int = 0

    /// Where the readable bytes start.
    @inlinable public var readerIndex: Int { _readerIndex }
    /// Where the next write goes: one past the last readable byte.
    @inlinable public var writerIndex: Int { _writerIndex }

    /// A buffer with room for `capacity` bytes (at least 16).
    public init(capacity: Int = 4096) {
        self.capacity = max(16, capacity)
        self.base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// Bytes ready to be read.
    @inlinable public var readableCount: Int { writerIndex - readerIndex }
    @inlinable public var isEmpty: Bool { writerIndex == readerIndex }
    /// Bytes that fit before the buffer must grow.
    @inlinable public var writableCount: Int { capacity - writerIndex }
    /// Bytes allocated for the buffer.
    @inlinable public var allocatedBytes: Int { capacity }
    public var allocatedCapacity: Int { capacity }

    /// Calls `body` with the readable bytes. The pointer is valid only inside `body`.
    @inlinable public func withReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base + readerIndex, count: writerIndex - readerIndex))
    }

    /// Drops `count` readable bytes (they were written out or parsed).
    public mutating func consume(_ count: Int) {
        precondition(count >= 0 && count <= readableCount, "consume past the readable bytes")
        _readerIndex += count
        if _readerIndex == _writerIndex { _readerIndex = 0; _writerIndex = 0 }
    }

    /// Drops the last `count` readable bytes (takes back what was just written).
    public mutating func removeLast(_ count: Int) {
        precondition(count >= 0 && count <= readableCount, "removeLast past the readable bytes")
        _writerIndex -= count
        if _readerIndex == _writerIndex { _readerIndex = 0; _writerIndex = 0 }
    }

    /// Drops every readable byte.
    @inlinable public mutating func clear() { _readerIndex = 0; _writerIndex = 0 }

    /// Makes sure `count` more bytes fit after the writer index, compacting first, growing if needed.
    /// The check is inlined into every writer; the rare move or growth is a call.
    @inlinable @inline(__always) public mutating func reserveWritable(_ count: Int) {
        if capacity &- _writerIndex < count { makeRoom(count) }
    }

    /// The slow path of `reserveWritable`: compacts, then grows by doubling.
    @usableFromInline @inline(never) mutating func makeRoom(_ count: Int) {
        if writableCount >= count { return }
        if readerIndex > 0 {
            let n = readableCount
            if n > 0 { (base).copyMemory(from: base + readerIndex, byteCount: n) }
            _readerIndex = 0
            _writerIndex = n
            if writableCount >= count { return }
        }
        var newCapacity = capacity
        while newCapacity - writerIndex < count { newCapacity *= 2 }
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        fresh.copyMemory(from: base, byteCount: writerIndex)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    /// Lets `body` write into at least `minimum` free bytes after the writer index; `body` returns how
    /// many it wrote (for example the result of `read(2)`), which become readable. A negative or zero
    /// return writes nothing and is passed through.
    public mutating func writeWithUnsafeMutableBytes(minimum: Int,
                                                     _ body: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> Int {
        reserveWritable(minimum)
        let n = try body(UnsafeMutableRawBufferPointer(start: base + writerIndex, count: writableCount))
        if n > 0 {
            precondition(n <= writableCount, "wrote past the buffer")
            _writerIndex += n
        }
        return n
    }

    /// Appends raw bytes. Up to 16 bytes (header names, `": "`, `"\r\n"`...) are copied inline with
    /// two overlapping loads and stores; longer runs go through `memcpy`.
    @inlinable public mutating func write(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0, let source = bytes.baseAddress else { return }
        reserveWritable(n)
        let target = base + _writerIndex
        if n <= 16 {
            Self.copySmall(target, source, n)
        } else {
            target.copyMemory(from: source, byteCount: n)
        }
        _writerIndex &+= n
    }

    /// Copies `n` (1...16) bytes without a call: first and last 8 (or 4) bytes, overlapping in the
    /// middle; 1...3 bytes as the first, middle and last byte.
    @inlinable @inline(__always)
    static func copySmall(_ target: UnsafeMutableRawPointer, _ source: UnsafeRawPointer, _ n: Int) {
        if n >= 8 {
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: n &- 4, as: UInt32.self)
        } else {
            let first = source.load(as: UInt8.self)
            let middle = source.load(fromByteOffset: n &>> 1, as: UInt8.self)
            let last = source.load(fromByteOffset: n &- 1, as: UInt8.self)
            target.storeBytes(of: first, as: UInt8.self)
            target.storeBytes(of: middle, toByteOffset: n &>> 1, as: UInt8.self)
            target.storeBytes(of: last, toByteOffset: n &- 1, as: UInt8.self)
        }
    }

    /// Appends an array of bytes.
    public mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Appends a static ASCII string (no allocation).
    @inlinable public mutating func write(_ s: StaticString) {
        write(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Appends the UTF-8 bytes of a string.
    public mutating func write(string: String) {
        var s = string
        s.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    /// Appends one byte.
    @inlinable public mutating func write(byte: UInt8) {
        reserveWritable(1)
        base.storeBytes(of: byte, toByteOffset: _writerIndex, as: UInt8.self)
        _writerIndex &+= 1
    }

    /// Appends `value` in decimal ASCII, without allocating.
    @inlinable public mutating func write(decimal value: Int) {
        reserveWritable(20)
        var v = value.magnitude
        if value < 0 { write(byte: UInt8(ascii: "-")) }
        var digits = 1
        var t = v
        while t >= 10 { t /= 10; digits &+= 1 }
        let p = base + _writerIndex
        var i = digits &- 1
        repeat {
            p.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) &+ 48, toByteOffset: i, as: UInt8.self)
            v /= 10
            i &-= 1
        } while i >= 0
        _writerIndex &+= digits
    }

    /// Appends `value` in lower-case hexadecimal (chunk sizes).
    public mutating func write(hex value: Int) {
        precondition(value >= 0)
        reserveWritable(16)
        var digits = 1
        var t = value
        while t >= 16 { t >>= 4; digits += 1 }
        let p = base + writerIndex
        var v = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            let d = UInt8(truncatingIfNeeded: v & 15)
            p.storeBytes(of: d < 10 ? d &+ 48 : d &+ 87, toByteOffset: i, as: UInt8.self)
            v >>= 4
        }
        _writerIndex += digits
    }

    /// The readable bytes copied into an array (tests, slow paths).
    public func readableArray() -> [UInt8] {
        withReadableBytes { Array($0) }
    }

    /// Shrinks the allocation back to `capacity` when it grew past it and holds nothing, so an idle
    /// connection that once carried a large message does not keep the memory.
    public mutating func shrinkIfIdle(to capacity: Int) {
        guard isEmpty, self.capacity > capacity else { return }
        base.deallocate()
        self.capacity = max(16, capacity)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }
}
