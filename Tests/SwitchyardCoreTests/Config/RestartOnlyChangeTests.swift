import Testing
@testable import SwitchyardCore

@Suite struct RestartOnlyChangeTests {
    @Test("workers, admin.listen and log.access are reported with both values; every other key is not")
    func reported() {
        let running = Config(workers: 2, admin: AdminConfig(listen: ListenAddress(host: "127.0.0.1", port: 9901)),
                             log: LogConfig(access: .stdout, level: .info))
        var next = running
        next.workers = 4
        next.admin.listen = nil
        next.log.access = .file("/var/log/switchyard/access.log")
        next.log.level = .debug
        next.accept.maxConnections = 5
        next.admin.token = "t"
        next.listen = [ListenAddress(host: "127.0.0.1", port: 1)]
        let changes = RestartOnlyChange.changes(from: running, to: next, runningWorkers: 2, requestedWorkers: 4)
        #expect(changes.map(\.description) == [
            "workers changed from 2 to 4; this takes effect at restart only",
            "admin.listen changed from 127.0.0.1:9901 to off; this takes effect at restart only",
            "log.access changed from stdout to /var/log/switchyard/access.log; this takes effect at restart only",
        ])
    }

    @Test("workers compares thread counts: auto resolving to the running count is no change")
    func workersResolved() {
        let running = Config(workers: 4)
        var next = running
        next.workers = nil
        #expect(RestartOnlyChange.changes(from: running, to: next, runningWorkers: 4, requestedWorkers: 4).isEmpty)
    }
}
