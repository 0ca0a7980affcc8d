import CLinuxShims
import Glibc
import SwitchyardCore

/// `reload: watch`: reloads when the config file changes. inotify watches the file's directory
/// (editors and config-management tools usually write a new file and rename it over the old one),
/// events for other names are ignored, and a burst of events becomes one reload after a short quiet
/// period (debounce), so a half-written file is not read.
final class ConfigWatcher: EventHandler {
    static let debounce: Duration = .milliseconds(250)
    private let loop: EventLoop
    private let fileName: [UInt8]
    private let onChange: () -> Void
    private var buffer = [UInt8](repeating: 0, count: 4096)

    /// Starts watching `path`; nil (with the reason logged by the caller) when inotify is unavailable.
    init?(loop: EventLoop, path: String, onChange: @escaping () -> Void) {
        let fd = inotify_init1(SY_IN_NONBLOCK | SY_IN_CLOEXEC)
        guard fd >= 0 else { return nil }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let mask = SY_IN_CLOSE_WRITE | SY_IN_MOVED_TO | SY_IN_CREATE
        guard inotify_add_watch(fd, directory.isEmpty ? "/" : directory, mask) >= 0 else {
            Glibc.close(fd)
            return nil
        }
        self.loop = loop
        self.fileName = Array(name.utf8)
        self.onChange = onChange
        super.init(fd: fd)
        guard loop.register(self, interest: .readable) else {
            Glibc.close(fd)
            return nil
        }
    }

    override func handleEvent(_ events: IOEvents) {
        var relevant = false
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            buffer.withUnsafeBytes { raw in
                var offset = 0
                while offset + MemoryLayout<inotify_event>.size <= n {
                    let nameLength = Int(raw.load(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    if nameLength > 0 {
                        let bytes = raw[nameStart ..< nameStart + nameLength]
                        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
                        if bytes[bytes.startIndex ..< end].elementsEqual(fileName) { relevant = true }
                    }
                    offset = nameStart + nameLength
                }
            }
        }
        if relevant { loop.wakeUp(self, at: loop.now + Self.debounce) }
    }

    override func timerFired(now: Instant) { onChange() }

    func stop() {
        loop.cancelWakeUp(self)
        loop.deregister(self)
        Glibc.close(fd)
    }
}
