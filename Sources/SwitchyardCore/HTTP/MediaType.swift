/// Media type checks on `Content-Type` values (RFC 9110 section 8.3.1).
public enum MediaType {
    /// Whether `contentType` names JSON: `application/json` or any `type/subtype+json` (RFC 6839),
    /// case-insensitively, with optional parameters after `;` and surrounding whitespace.
    public static func isJSON(_ contentType: UnsafeRawBufferPointer) -> Bool {
        var end = 0
        while end < contentType.count && contentType[end] != UInt8(ascii: ";") { end += 1 }
        let range = ASCII.trimmed(contentType, ByteRange(start: 0, count: end))
        let mediaType = range.bytes(in: contentType)
        var slash = -1
        for i in 0..<mediaType.count {
            let b = mediaType[i]
            if b == UInt8(ascii: "/") {
                guard slash < 0 else { return false }
                slash = i
            } else if !ASCII.isTokenChar(b) {
                return false
            }
        }
        guard slash > 0, slash < mediaType.count - 1 else { return false }
        if ASCII.equalsLowercased(mediaType, "application/json") { return true }
        let subtype = UnsafeRawBufferPointer(rebasing: mediaType[(slash + 1)...])
        return subtype.count > 5
            && ASCII.equalsLowercased(UnsafeRawBufferPointer(rebasing: subtype[(subtype.count - 5)...]), "+json")
    }
}
