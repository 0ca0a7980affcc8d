@testable import SwitchyardCore

/// A tiny DNS message encoder for the tests: builds answers the way servers do, with name
/// compression (a pointer to the latest earlier occurrence of each suffix), so parser tests read
/// realistic bytes without a capture file. Not part of the product: the core only encodes queries.
struct DNSTestMessage {
    enum RData {
        case a(String)
        case aaaa(String)
        case cname(String)
        case srv(priority: UInt16, weight: UInt16, port: UInt16, target: String)
        case soa(minimum: UInt32)
        case raw([UInt8])
    }

    struct Record {
        var name: String
        var type: DNSRecordType
        var classCode: UInt16 = 1
        var ttl: UInt32
        var data: RData
    }

    var id: UInt16
    /// QR, RD and RA set: what a recursive resolver answers.
    var flags: UInt16 = 0x8180
    var questions: [(name: String, type: DNSRecordType)] = []
    var answers: [Record] = []
    var authorities: [Record] = []
    var additionals: [Record] = []
    var compresses = true

    /// An answer to `query`: its id and its question echoed.
    init(answering query: DNSQuery, rcode: UInt16 = 0) {
        id = query.id
        flags |= rcode
        questions = [(query.name.description, query.type)]
    }

    init(id: UInt16, flags: UInt16 = 0x8180) {
        self.id = id
        self.flags = flags
    }

    static func record(_ name: String, _ type: DNSRecordType, ttl: UInt32 = 60, _ data: RData) -> Record {
        Record(name: name, type: type, ttl: ttl, data: data)
    }

    func bytes() -> [UInt8] {
        var writer = Writer(compresses: compresses)
        for value in [id, flags, UInt16(questions.count), UInt16(answers.count), UInt16(authorities.count),
                      UInt16(additionals.count)] { writer.u16(value) }
        for q in questions {
            writer.name(q.name)
            writer.u16(q.type.rawValue)
            writer.u16(1)
        }
        for record in answers + authorities + additionals { writer.record(record) }
        return writer.out
    }

    struct Writer {
        var out: [UInt8] = []
        var offsets: [String: Int] = [:]
        let compresses: Bool

        init(compresses: Bool) { self.compresses = compresses }

        mutating func u16(_ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xFF)] }
        mutating func u32(_ v: UInt32) { u16(UInt16(v >> 16)); u16(UInt16(v & 0xFFFF)) }

        mutating func name(_ text: String) {
            var labels = text.split(separator: ".").map(String.init)
            while !labels.isEmpty {
                let suffix = labels.joined(separator: ".").lowercased()
                if compresses, let at = offsets[suffix] {
                    u16(0xC000 | UInt16(at))
                    return
                }
                if out.count < 0x4000 { offsets[suffix] = out.count }
                out.append(UInt8(labels[0].utf8.count))
                out += Array(labels[0].utf8)
                labels.removeFirst()
            }
            out.append(0)
        }

        mutating func record(_ r: Record) {
            name(r.name)
            u16(r.type.rawValue)
            u16(r.classCode)
            u32(r.ttl)
            let lengthAt = out.count
            u16(0)
            switch r.data {
            case .a(let text), .aaaa(let text): out += IPAddress(text)!.bytes
            case .cname(let target): name(target)
            case .srv(let priority, let weight, let port, let target):
                u16(priority); u16(weight); u16(port)
                name(target)
            case .soa(let minimum):
                name("ns.example"); name("hostmaster.example")
                for v in [1, 3600, 600, 86400, minimum] { u32(v) }
            case .raw(let bytes): out += bytes
            }
            let length = out.count - lengthAt - 2
            out[lengthAt] = UInt8(length >> 8)
            out[lengthAt + 1] = UInt8(length & 0xFF)
        }
    }
}
