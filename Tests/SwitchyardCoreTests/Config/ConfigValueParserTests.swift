import Testing
@testable import SwitchyardCore

@Suite struct ConfigValueParserTests {
    @Test("durations with units parse exactly, including fractions and compound forms",
          arguments: [("250ms", Duration.milliseconds(250)), ("5s", .seconds(5)), ("2m", .seconds(120)),
                      ("1h", .seconds(3600)), ("1.5s", .milliseconds(1500)), ("1m30s", .seconds(90)),
                      ("10us", .microseconds(10)), ("7ns", .nanoseconds(7)), ("0s", .zero)])
    func durations(text: String, expected: Duration) throws {
        #expect(try ConfigValueParser.duration(text) == expected)
    }

    @Test("durations without a unit, with unknown units or junk are rejected",
          arguments: ["5", "", "5x", "s", "1.s", "-1s", "5 s", "1.0000000001s", "5sec"])
    func badDurations(text: String) {
        #expect(throws: ConfigValueError.self) { try ConfigValueParser.duration(text) }
    }

    @Test("a bare number names the missing unit")
    func bareNumberMessage() {
        #expect(throws: ConfigValueError("`5` needs a unit: ns, us, ms, s, m or h (e.g. `5s`)")) {
            try ConfigValueParser.duration("5")
        }
    }

    @Test("sizes accept plain bytes and binary units",
          arguments: [("4096", 4096), ("1MiB", 1 << 20), ("16KiB", 16 << 10), ("2GiB", 2 << 30), ("10B", 10),
                      ("10_000", 10_000), ("0", 0)])
    func sizes(text: String, expected: Int) throws {
        #expect(try ConfigValueParser.size(text) == expected)
    }

    @Test("sizes with decimal or unknown units are rejected", arguments: ["1MB", "1.5MiB", "KiB", "-1", "1 mib", "x"])
    func badSizes(text: String) {
        #expect(throws: ConfigValueError.self) { try ConfigValueParser.size(text) }
    }

    @Test("a decimal-unit size suggests the binary unit")
    func sizeHint() {
        #expect(throws: ConfigValueError("`MB` is not a size unit; use B, KiB, MiB or GiB; did you mean `B`?")) {
            try ConfigValueParser.size("1MB")
        }
        #expect(throws: ConfigValueError("`kib` is not a size unit; use B, KiB, MiB or GiB; did you mean `KiB`?")) {
            try ConfigValueParser.size("16kib")
        }
    }

    @Test("rates accept percentages and fractions",
          arguments: [("50%", 0.5), ("0.5", 0.5), ("1", 1.0), ("0", 0.0), ("12.5%", 0.125), ("100%", 1.0), ("150%", 1.5)])
    func rates(text: String, expected: Double) throws {
        let value = try ConfigValueParser.rate(text)
        #expect(abs(value - expected) < 1e-12)
    }

    @Test("malformed rates are rejected", arguments: ["", "%", "half", "0.5.5", "-0.1", "1e-1", "50 %"])
    func badRates(text: String) {
        #expect(throws: ConfigValueError.self) { try ConfigValueParser.rate(text) }
    }

    @Test("integers allow underscores between digits only")
    func integers() throws {
        #expect(try ConfigValueParser.integer("10_000") == 10_000)
        #expect(try ConfigValueParser.integer("-3") == -3)
        for bad in ["_1", "1_", "1__0", "+5", "5.0", "", "0x10"] {
            #expect(throws: ConfigValueError.self) { try ConfigValueParser.integer(bad) }
        }
    }

    @Test("booleans are true or false only")
    func booleans() throws {
        #expect(try ConfigValueParser.boolean("true"))
        #expect(try !ConfigValueParser.boolean("FALSE"))
        #expect(throws: ConfigValueError.self) { try ConfigValueParser.boolean("yes") }
    }

    @Test("status ranges are single codes or low-high within 100...599")
    func statusRanges() throws {
        #expect(try ConfigValueParser.statusRange("200-399") == 200...399)
        #expect(try ConfigValueParser.statusRange("204") == 204...204)
        for bad in ["399-200", "99", "200-600", "2xx", "200-", "-200", ""] {
            #expect(throws: ConfigValueError.self) { try ConfigValueParser.statusRange(bad) }
        }
    }
}
