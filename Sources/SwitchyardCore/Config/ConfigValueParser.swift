/// A value that did not parse; `message` is written for the user and names what was expected.
public struct ConfigValueError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Parsers for the scalar forms config values take: integers, booleans, durations, sizes, rates.
///
/// Pure functions from text to value. Range checks (positive, 0...1) are the decoder's, which knows
/// the key; these only reject what is not the right form.
public enum ConfigValueParser {
    /// A decimal integer, optionally signed, with `_` allowed between digits (`10_000`).
    public static func integer(_ text: String) throws(ConfigValueError) -> Int {
        var digits = text
        if digits.contains("_") {
            guard digits.first != "_", digits.last != "_", !digits.contains("__") else {
                throw ConfigValueError("`\(text)` is not an integer")
            }
            digits.removeAll { $0 == "_" }
        }
        guard let value = Int(digits), !digits.hasPrefix("+") else {
            throw ConfigValueError("`\(text)` is not an integer")
        }
        return value
    }

    /// `true` or `false` (YAML 1.2 core schema; also `True`/`TRUE`/`False`/`FALSE`).
    public static func boolean(_ text: String) throws(ConfigValueError) -> Bool {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw ConfigValueError("expected `true` or `false`, got `\(text)`")
        }
    }

    /// A duration: one or more `<number><unit>` parts, e.g. `250ms`, `5s`, `1.5s`, `2m`, `1h`, `1m30s`.
    ///
    /// Units: `ns`, `us`, `ms`, `s`, `m`, `h`. A bare number is rejected (the unit is never guessed).
    /// Fractions are exact down to the nanosecond; more digits than that are an error.
    public static func duration(_ text: String) throws(ConfigValueError) -> Duration {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw ConfigValueError("expected a duration like `5s`, got an empty string") }
        var total: Int64 = 0
        var i = 0
        while i < bytes.count {
            let (whole, fraction, next) = try number(bytes, from: i, original: text)
            i = next
            let unitStart = i
            while i < bytes.count, isLetter(bytes[i]) { i += 1 }
            let unit = String(decoding: bytes[unitStart..<i], as: UTF8.self)
            guard !unit.isEmpty else {
                throw ConfigValueError("`\(text)` needs a unit: ns, us, ms, s, m or h (e.g. `\(text)s`)")
            }
            let nanosPerUnit: Int64
            switch unit {
            case "ns": nanosPerUnit = 1
            case "us", "µs": nanosPerUnit = 1_000
            case "ms": nanosPerUnit = 1_000_000
            case "s": nanosPerUnit = 1_000_000_000
            case "m": nanosPerUnit = 60_000_000_000
            case "h": nanosPerUnit = 3_600_000_000_000
            default:
                throw ConfigValueError("`\(unit)` is not a duration unit in `\(text)`; use ns, us, ms, s, m or h"
                                       + NameSuggestion.hint(unit, from: ["ns", "us", "ms", "s", "m", "h"]))
            }
            let part = try scaled(whole: whole, fraction: fraction, by: nanosPerUnit, original: text)
            let (sum, overflow) = total.addingReportingOverflow(part)
            guard !overflow else { throw ConfigValueError("`\(text)` is too long a duration") }
            total = sum
        }
        return .nanoseconds(total)
    }

    /// A byte size: a plain integer (bytes) or an integer with `B`, `KiB`, `MiB` or `GiB`.
    public static func size(_ text: String) throws(ConfigValueError) -> Int {
        let bytes = Array(text.utf8)
        var end = 0
        while end < bytes.count, isDigit(bytes[end]) || bytes[end] == UInt8(ascii: "_") { end += 1 }
        let numberText = String(decoding: bytes[0..<end], as: UTF8.self)
        let unit = String(decoding: bytes[end...], as: UTF8.self).trimmingLeadingSpaces()
        guard !numberText.isEmpty, let n = try? integer(numberText) else {
            throw ConfigValueError("expected a size like `16KiB`, `1MiB` or a number of bytes, got `\(text)`")
        }
        let factor: Int
        switch unit {
        case "", "B": factor = 1
        case "KiB": factor = 1 << 10
        case "MiB": factor = 1 << 20
        case "GiB": factor = 1 << 30
        default:
            throw ConfigValueError("`\(unit)` is not a size unit; use B, KiB, MiB or GiB"
                                   + NameSuggestion.hint(unit, from: ["B", "KiB", "MiB", "GiB"]))
        }
        let (value, overflow) = n.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw ConfigValueError("`\(text)` is too large") }
        return value
    }

    /// A rate: a percentage (`50%`, `12.5%`) or a fraction (`0.5`, `1`). Not range-checked.
    public static func rate(_ text: String) throws(ConfigValueError) -> Double {
        var bytes = Array(text.utf8)
        let isPercent = bytes.last == UInt8(ascii: "%")
        if isPercent { bytes.removeLast() }
        guard !bytes.isEmpty, let parsed = try? number(bytes, from: 0, original: text), parsed.2 == bytes.count else {
            throw ConfigValueError("expected a rate like `50%` or `0.5`, got `\(text)`")
        }
        let (whole, fraction, _) = parsed
        var value = Double(whole)
        var scale = 1.0
        for digit in fraction {
            scale /= 10
            value += Double(digit) * scale
        }
        return isPercent ? value / 100 : value
    }

    /// An HTTP status range list entry: `200`, `"200-399"`. Each bound in 100...599, low <= high.
    public static func statusRange(_ text: String) throws(ConfigValueError) -> ClosedRange<Int> {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        var bounds: [Int] = []
        for part in parts {
            guard let n = Int(part.trimmingLeadingSpaces().trimmingTrailingSpaces()), (100...599).contains(n) else {
                throw ConfigValueError("expected a status like `200` or a range like `200-399` (100...599), got `\(text)`")
            }
            bounds.append(n)
        }
        let low = bounds[0], high = bounds.count > 1 ? bounds[1] : bounds[0]
        guard low <= high else { throw ConfigValueError("status range `\(text)` is empty: \(low) > \(high)") }
        return low...high
    }

    // MARK: - Helpers

    /// Digits, then optionally `.` and digits, starting at `from`. Returns the integer part, the
    /// fraction digits (0...9 each) and the index after the number.
    private static func number(_ bytes: [UInt8], from start: Int,
                               original: String) throws(ConfigValueError) -> (Int64, [UInt8], Int) {
        var i = start
        var whole: Int64 = 0
        var sawDigit = false
        while i < bytes.count, isDigit(bytes[i]) {
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(bytes[i] - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw ConfigValueError("`\(original)` is too large") }
            whole = s
            sawDigit = true
            i += 1
        }
        var fraction: [UInt8] = []
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < bytes.count, isDigit(bytes[i]) {
                fraction.append(bytes[i] - UInt8(ascii: "0"))
                i += 1
            }
            guard !fraction.isEmpty else { throw ConfigValueError("`\(original)` has a dangling `.`") }
        }
        guard sawDigit else { throw ConfigValueError("expected a number in `\(original)`") }
        return (whole, fraction, i)
    }

    /// `whole.fraction * unit` in nanoseconds, exactly; an error if the fraction is finer than 1 ns.
    private static func scaled(whole: Int64, fraction: [UInt8], by unit: Int64,
                               original: String) throws(ConfigValueError) -> Int64 {
        let (base, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow else { throw ConfigValueError("`\(original)` is too long a duration") }
        var extra: Int64 = 0
        var place = unit
        for digit in fraction {
            guard place % 10 == 0 else {
                throw ConfigValueError("`\(original)` is more precise than a nanosecond")
            }
            place /= 10
            extra += Int64(digit) * place
        }
        return base + extra
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    private static func isLetter(_ b: UInt8) -> Bool {
        (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") || b >= 0x80
    }
}

extension StringProtocol {
    fileprivate func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
