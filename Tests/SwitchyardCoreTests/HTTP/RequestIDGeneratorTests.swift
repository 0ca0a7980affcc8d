import Testing
@testable import SwitchyardCore

@Suite struct RequestIDGeneratorTests {
    @Test("ids are 16 lower-case hex digits, distinct over many draws, and the bytes and String forms agree")
    func shape() {
        var a = RequestIDGenerator(prefix: 0x1234_5678_9ABC_DEF0)
        var b = a
        var seen = Set<String>()
        var bytes: [UInt8] = []
        for _ in 0..<10_000 {
            let id = a.next()
            b.next(into: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == id)
            #expect(id.utf8.count == 16 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test("generators with different prefixes give different ids")
    func prefixes() {
        var a = RequestIDGenerator(prefix: 1), b = RequestIDGenerator(prefix: 2)
        #expect(a.next() != b.next())
    }
}
