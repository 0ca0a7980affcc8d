import Foundation
import Testing
@testable import SwitchyardCore

/// Runs the validator over Nicolas Seriot's JSONTestSuite (`test_parsing`): `y_` files must be valid,
/// `n_` files invalid, `i_` files (implementation-defined) must merely not crash. Every file goes
/// through `validate`, through `feed` one byte at a time, and through `feed` cut at a few split points;
/// all three must agree, error offset included.
@Suite struct JSONTestSuiteTests {
    /// The corpus folder: the copy kept in the repository (`Tests/Fixtures/JSONTestSuite`, MIT, with its
    /// LICENSE), or else a `shared/testdata/JSONTestSuite/test_parsing` found walking up from this file.
    static func corpusDirectory() -> URL? {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" && !dir.path.isEmpty {
            for relative in ["Tests/Fixtures/JSONTestSuite/test_parsing", "shared/testdata/JSONTestSuite/test_parsing"] {
                let candidate = dir.appendingPathComponent(relative)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                    return candidate
                }
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// The files whose names start with `prefix`, sorted, with their bytes.
    static func corpus(_ prefix: String) -> [(name: String, bytes: [UInt8])]? {
        guard let dir = corpusDirectory(),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return nil }
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) else { return nil }
            return (name, [UInt8](data))
        }
    }

    /// The three verdicts for one document: whole, byte by byte, and at deterministic pseudo-random splits.
    static func verdicts(_ bytes: [UInt8], seed: Int) -> (whole: JSONValidation, bytewise: JSONValidation, split: JSONValidation) {
        var v = JSONValidator()
        let whole = bytes.withUnsafeBytes { v.validate($0) }
        let bytewise = bytes.withUnsafeBytes { feedPieces($0, cuts: Array(0...$0.count), validator: &v) }
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        var cuts = [0, bytes.count]
        for _ in 0..<4 where bytes.count > 1 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            cuts.append(Int((state >> 33) % UInt64(bytes.count)))
        }
        let split = bytes.withUnsafeBytes { feedPieces($0, cuts: Array(Set(cuts)).sorted(), validator: &v) }
        return (whole, bytewise, split)
    }

    /// Resets `validator`, feeds the pieces between consecutive `cuts` (stopping at the first
    /// `.invalid`), then finishes.
    static func feedPieces(_ buf: UnsafeRawBufferPointer, cuts: [Int], validator v: inout JSONValidator) -> JSONValidation {
        v.reset()
        for k in 0..<max(0, cuts.count - 1) {
            let r = v.feed(UnsafeRawBufferPointer(rebasing: buf[cuts[k]..<cuts[k + 1]]))
            if case .invalid = r { return r }
            #expect(r == .incomplete)
        }
        return v.finish()
    }

    @Test("the JSONTestSuite folder is found")
    func corpusIsPresent() {
        guard let dir = Self.corpusDirectory() else {
            Issue.record("shared/testdata/JSONTestSuite/test_parsing not found above \(#filePath)")
            return
        }
        #expect((Self.corpus("y_")?.count ?? 0) > 90, "too few y_ files in \(dir.path)")
        #expect((Self.corpus("n_")?.count ?? 0) > 170, "too few n_ files in \(dir.path)")
    }

    @Test("every y_ file is valid, whole, byte by byte and split")
    func acceptsValid() throws {
        let files = try #require(Self.corpus("y_"), "JSONTestSuite corpus missing")
        for (k, file) in files.enumerated() {
            let r = Self.verdicts(file.bytes, seed: k)
            #expect(r.whole == .valid, "\(file.name): \(r.whole)")
            #expect(r.bytewise == .valid, "\(file.name) byte by byte: \(r.bytewise)")
            #expect(r.split == .valid, "\(file.name) split: \(r.split)")
        }
    }

    @Test("every n_ file is invalid, at the same offset whole, byte by byte and split")
    func rejectsInvalid() throws {
        let files = try #require(Self.corpus("n_"), "JSONTestSuite corpus missing")
        for (k, file) in files.enumerated() {
            let r = Self.verdicts(file.bytes, seed: k)
            #expect(r.whole.errorOffset != nil, "\(file.name) accepted")
            #expect(r.bytewise == r.whole, "\(file.name) byte by byte: \(r.bytewise) vs \(r.whole)")
            #expect(r.split == r.whole, "\(file.name) split: \(r.split) vs \(r.whole)")
        }
    }

    @Test("i_ files do not crash and get the same verdict every way")
    func implementationDefined() throws {
        let files = try #require(Self.corpus("i_"), "JSONTestSuite corpus missing")
        for (k, file) in files.enumerated() {
            let r = Self.verdicts(file.bytes, seed: k)
            #expect(r.bytewise == r.whole, "\(file.name)")
            #expect(r.split == r.whole, "\(file.name)")
        }
    }
}
