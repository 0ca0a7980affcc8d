/// Reads the answer to one `DNSQuery`: checks that the bytes answer it, then extracts what the
/// resolution needs (`DNSAnswer`). Pure; malformed input is a typed error, never a trap.
///
/// Order of checks: the header reads (else `.unreadable`); QR is set; the id is the query's; the
/// opcode is QUERY; there is exactly one question, equal to the query's (name case-insensitively,
/// type, class IN). Up to here a failure means "not our answer". Then, if TC is set, the answer is
/// returned as truncated without reading the records. Otherwise every section is read (else
/// `.malformed`), and:
///
/// - the CNAME chain is followed from the question's name through the answer section, at most
///   `maxAliasChain` links (RFC 1034 section 3.6.2; a CNAME owner has no other data, RFC 2181
///   section 10.1). A chain that leaves the message ends the search: a recursive resolver sends the
///   whole chain, and the records are not re-queried.
/// - A/AAAA: the answer records of the asked type owned by the chain's last name.
/// - SRV: the SRV records owned by it, each joined with the A/AAAA records of its target found in
///   the answer or additional section. Targets are not followed through CNAMEs (RFC 2782 forbids
///   aliases there).
/// - records of classes other than IN are ignored.
public enum DNSAnswerParser {
    /// Longest CNAME chain followed; BIND and Unbound stop at a similar depth.
    public static let maxAliasChain = 8

    /// The answer to `query` carried by `bytes` (one UDP payload, or one TCP message without its
    /// length prefix).
    public static func parse(_ bytes: [UInt8], answering query: DNSQuery) throws(DNSAnswerError) -> DNSAnswer {
        var reader = DNSMessageReader(bytes)
        let header: DNSHeader
        do throws(DNSParseError) { header = try reader.header() } catch { throw .unreadable(error) }
        guard header.isResponse else { throw .notAResponse }
        guard header.id == query.id else { throw .idMismatch(expected: query.id, received: header.id) }
        guard header.opcode == 0 else { throw .unexpectedOpcode(header.opcode) }
        guard header.questionCount == 1 else { throw .questionMismatch(received: nil) }
        let question: DNSQuestion
        do throws(DNSParseError) { question = try reader.question() } catch { throw .unreadable(error) }
        guard question.name == query.name, question.type == query.type,
              question.classCode == DNSQuery.internetClass else { throw .questionMismatch(received: question) }

        if header.isTruncated {
            return DNSAnswer(responseCode: DNSResponseCode(rawValue: UInt16(header.rcode)), isTruncated: true,
                             canonicalName: query.name)
        }
        let answers, authorities, additionals: [DNSRecord]
        do throws(DNSParseError) {
            answers = try reader.records(header.answerCount)
            authorities = try reader.records(header.authorityCount)
            additionals = try reader.records(header.additionalCount)
        } catch {
            throw .malformed(error)
        }

        var answer = DNSAnswer(responseCode: .combined(header: header, additionals: additionals),
                               canonicalName: query.name)
        let inClass = answers.filter { $0.classCode == DNSQuery.internetClass }
        var ttl: UInt32?
        try followAliases(from: query.name, in: inClass, into: &answer, ttl: &ttl)
        guard answer.responseCode == .noError else {
            answer.ttl = negativeTTL(authorities, min: ttl)
            return answer
        }
        let owned = inClass.filter { $0.name == answer.canonicalName && $0.type == query.type }
        if query.type == .srv {
            let glue = Glue(inClass + additionals)
            for record in owned {
                guard case .service(let service) = record.data, !service.target.isRoot else { continue }
                ttl = min(ttl ?? record.ttl, record.ttl)
                let found = glue.byName[service.target]
                if let found { ttl = min(ttl ?? found.ttl, found.ttl) }
                answer.services.append(DNSServiceTarget(service: service, addresses: found?.addresses ?? []))
            }
        } else {
            var seen = Set<IPAddress>()
            for record in owned {
                guard case .address(let address) = record.data, seen.insert(address).inserted else { continue }
                answer.addresses.append(address)
                ttl = min(ttl ?? record.ttl, record.ttl)
            }
        }
        answer.ttl = answer.isEmpty ? negativeTTL(authorities, min: ttl) : ttl
        return answer
    }

    /// The A/AAAA records of an SRV answer by owner name, each address once, with the smallest TTL:
    /// built in one pass so that joining n SRV records with m addresses costs O(n + m), not O(n x m).
    struct Glue {
        var byName: [DNSName: (addresses: [IPAddress], ttl: UInt32)] = [:]

        init(_ records: [DNSRecord]) {
            struct Seen: Hashable { var name: DNSName; var address: IPAddress }
            var seen = Set<Seen>()
            for record in records where record.classCode == DNSQuery.internetClass {
                guard record.type == .a || record.type == .aaaa, case .address(let address) = record.data,
                      seen.insert(Seen(name: record.name, address: address)).inserted else { continue }
                byName[record.name, default: ([], record.ttl)].addresses.append(address)
                byName[record.name]!.ttl = min(byName[record.name]!.ttl, record.ttl)
            }
        }
    }

    /// Follows CNAME records from `name`; sets `canonicalName` and lowers `ttl` to each link's TTL.
    static func followAliases(from name: DNSName, in records: [DNSRecord], into answer: inout DNSAnswer,
                              ttl: inout UInt32?) throws(DNSAnswerError) {
        var current = name
        var links = 0
        while let alias = records.first(where: { $0.type == .cname && $0.name == current }),
              case .canonicalName(let target) = alias.data {
            links += 1
            guard links <= maxAliasChain else { throw .aliasChainTooLong(name) }
            ttl = min(ttl ?? alias.ttl, alias.ttl)
            current = target
        }
        answer.canonicalName = current
    }

    /// RFC 2308 section 5: the negative TTL is the smaller of the SOA record's TTL and its MINIMUM
    /// field; combined with the TTLs already collected (the CNAME chain). Nil without an SOA.
    static func negativeTTL(_ authorities: [DNSRecord], min collected: UInt32?) -> UInt32? {
        for record in authorities where record.classCode == DNSQuery.internetClass {
            guard case .startOfAuthority(let soa) = record.data else { continue }
            let negative = Swift.min(record.ttl, soa.minimum)
            return Swift.min(collected ?? negative, negative)
        }
        return collected
    }
}
