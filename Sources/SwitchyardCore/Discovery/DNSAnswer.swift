/// What one answer says about the question it answers, ready for the resolution state machine:
/// the CNAME chain followed, the records of the asked type at its end, SRV targets joined with the
/// addresses the server sent along, and the TTL that bounds how long all of it may be used.
public struct DNSAnswer: Sendable, Equatable {
    /// The header's RCODE extended by the OPT record (RFC 6891 section 6.1.3).
    public var responseCode: DNSResponseCode
    /// TC: the answer did not fit the UDP payload. The records are not read (they may be cut
    /// anywhere); ask again over TCP (RFC 7766 section 5).
    public var isTruncated: Bool
    /// The name at the end of the CNAME chain that starts at the question's name (RFC 1034
    /// section 3.6.2); the question's name when there is no CNAME.
    public var canonicalName: DNSName
    /// For an A or AAAA question: the addresses of `canonicalName`, in answer order, without repeats.
    public var addresses: [IPAddress]
    /// For an SRV question: the SRV records of `canonicalName`, except those whose target is the root
    /// (RFC 2782: "decidedly not available"), each with its target's addresses.
    public var services: [DNSServiceTarget]
    /// Seconds the answer may be used: the smallest TTL of the records it was built from (CNAMEs,
    /// addresses, SRV records and the addresses used for their targets). For an answer without
    /// records, the negative TTL: the smaller of the authority SOA's TTL and its MINIMUM
    /// (RFC 2308 section 5). Nil when there is nothing to take it from.
    public var ttl: UInt32?

    public init(responseCode: DNSResponseCode, isTruncated: Bool = false, canonicalName: DNSName,
                addresses: [IPAddress] = [], services: [DNSServiceTarget] = [], ttl: UInt32? = nil) {
        self.responseCode = responseCode
        self.isTruncated = isTruncated
        self.canonicalName = canonicalName
        self.addresses = addresses
        self.services = services
        self.ttl = ttl
    }

    /// No address and no SRV record: NXDOMAIN, or NOERROR without data (RFC 2308 section 2.2).
    public var isEmpty: Bool { addresses.isEmpty && services.isEmpty }
}

/// One SRV record with the addresses of its target found in the same message (the answer or
/// additional section: Consul and CoreDNS put them in the additional section, RFC 2782 asks for it).
public struct DNSServiceTarget: Sendable, Equatable {
    public var service: DNSServiceRecord
    /// Empty when the message held no A or AAAA record for the target.
    public var addresses: [IPAddress]

    public init(service: DNSServiceRecord, addresses: [IPAddress]) {
        self.service = service
        self.addresses = addresses
    }
}
