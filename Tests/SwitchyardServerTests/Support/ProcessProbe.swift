import Foundation
import Glibc

/// Reads a process's resource use from /proc: open descriptors, CPU time, resident memory.
enum ProcessProbe {
    /// Open file descriptors of `pid` (entries of /proc/<pid>/fd), or -1 if unreadable.
    static func fdCount(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    /// User plus system CPU time of `pid` in seconds (fields 14 and 15 of /proc/<pid>/stat).
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let paren = stat.lastIndex(of: ")") else { return -1 }
        // After "pid (comm)": field 3 (state) is index 0, so utime (14) is index 11, stime (15) index 12.
        let fields = stat[stat.index(after: paren)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return -1 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds `pid` spent during `seconds` of wall time.
    static func cpuSpent(_ pid: Int32, over seconds: Double) -> Double {
        let before = cpuSeconds(pid)
        usleep(UInt32(seconds * 1_000_000))
        return cpuSeconds(pid) - before
    }

    /// Resident set size of `pid` in KiB (VmRSS of /proc/<pid>/status), or -1.
    static func rssKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        return -1
    }
}
