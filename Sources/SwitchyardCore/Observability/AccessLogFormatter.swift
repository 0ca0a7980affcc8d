/// Writes one access-log line: a compact JSON object and `\n`, fields in a fixed order:
///
///     {"time":"2024-05-01T12:34:56.789Z","request_id":"…","client":"10.0.0.7:51234","method":"POST",
///      "path":"/orders","service":"orders","instance":"http://10.0.0.11:8080","status":200,
///      "bytes_in":123,"bytes_out":456,"upstream_ms":1.234,"total_ms":1.5,"attempts":1,"error_code":null}
///
/// Byte fields are lent as `UnsafeRawBufferPointer`s (valid only during the call) and JSON-escaped;
/// `service`/`instance` nil become `null`. Times are milliseconds with microsecond precision.
/// Allocates nothing beyond the buffer's growth: meant for the hot path, once per request.
public enum AccessLogFormatter {
    public static func write(_ r: AccessLogRecord, requestID: UnsafeRawBufferPointer, client: UnsafeRawBufferPointer,
                             method: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer,
                             service: UnsafeRawBufferPointer?, instance: UnsafeRawBufferPointer?,
                             into out: inout ByteBuffer) {
        out.write("{\"time\":\"")
        RFC3339Timestamp.write(unixMs: r.timeUnixMs, into: &out)
        out.write("\",\"request_id\":")
        out.writeJSONString(bytes: requestID)
        out.write(",\"client\":")
        out.writeJSONString(bytes: client)
        out.write(",\"method\":")
        out.writeJSONString(bytes: method)
        out.write(",\"path\":")
        out.writeJSONString(bytes: path)
        out.write(",\"service\":")
        if let service { out.writeJSONString(bytes: service) } else { out.write("null") }
        out.write(",\"instance\":")
        if let instance { out.writeJSONString(bytes: instance) } else { out.write("null") }
        out.write(",\"status\":")
        out.write(decimal: r.status)
        out.write(",\"bytes_in\":")
        out.write(decimal: r.bytesIn)
        out.write(",\"bytes_out\":")
        out.write(decimal: r.bytesOut)
        out.write(",\"upstream_ms\":")
        if let micros = r.upstreamMicros { out.write(fixedPoint: micros, decimals: 3) } else { out.write("null") }
        out.write(",\"total_ms\":")
        out.write(fixedPoint: r.totalMicros, decimals: 3)
        out.write(",\"attempts\":")
        out.write(decimal: r.attempts)
        out.write(",\"error_code\":")
        if let code = r.errorCode {
            out.writeJSONString(bytes: UnsafeRawBufferPointer(start: code.utf8Start, count: code.utf8CodeUnitCount))
        } else {
            out.write("null")
        }
        out.write("}\n")
    }

    /// The same line from `String`s: for tests, tools and slow paths.
    public static func write(_ r: AccessLogRecord, requestID: String, client: String, method: String, path: String,
                             service: String?, instance: String?, into out: inout ByteBuffer) {
        var (id, c, m, p) = (requestID, client, method, path)
        var s = service ?? ""
        var i = instance ?? ""
        id.withUTF8 { id in c.withUTF8 { c in m.withUTF8 { m in p.withUTF8 { p in s.withUTF8 { s in i.withUTF8 { i in
            write(r, requestID: UnsafeRawBufferPointer(id), client: UnsafeRawBufferPointer(c),
                  method: UnsafeRawBufferPointer(m), path: UnsafeRawBufferPointer(p),
                  service: service == nil ? nil : UnsafeRawBufferPointer(s),
                  instance: instance == nil ? nil : UnsafeRawBufferPointer(i), into: &out)
        } } } } } }
    }
}
