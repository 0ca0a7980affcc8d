// swift-tools-version:6.0
import PackageDescription

// Release builds drop Swift's dynamic exclusivity checks in the two libraries: on the request path they
// were a quarter of all instructions (swift_beginAccess, its TLS access set; callgrind, 2026-12-02).
// Debug builds, and so every test run, keep them.
let releaseSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Switchyard: a reverse-proxy load balancer for Linux.
// No Swift package dependencies: the toolchain, libyaml and libcurl only.
let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchyard", targets: ["switchyard"]),
        .executable(name: "switchyard-echo", targets: ["switchyard-echo"]),
    ],
    targets: [
        // C: epoll/eventfd/timerfd/signalfd headers and the GNU calls Swift cannot import.
        .target(name: "CLinuxShims"),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

        // The functional core: pure Swift, standard library only, no syscalls.
        .target(name: "SwitchyardCore", swiftSettings: releaseSettings),

        // The imperative shell: reactor, sockets, pools, health checks, admin, reload.
        .target(name: "SwitchyardServer", dependencies: ["SwitchyardCore", "CLinuxShims", "CYAML", "CCurl"],
                swiftSettings: releaseSettings),

        .executableTarget(name: "switchyard", dependencies: ["SwitchyardServer", "SwitchyardCore"]),
        .executableTarget(name: "switchyard-echo", dependencies: ["SwitchyardServer", "SwitchyardCore"]),
        // Micro benchmarks of the core's per-request work (`make bench`, docs/BENCHMARKS.md).
        .executableTarget(name: "switchyard-bench", dependencies: ["SwitchyardCore"], swiftSettings: releaseSettings),

        .testTarget(name: "SwitchyardCoreTests", dependencies: ["SwitchyardCore"],
                    resources: []),
        .testTarget(name: "SwitchyardServerTests", dependencies: ["SwitchyardServer", "SwitchyardCore"]),
    ],
    swiftLanguageModes: [.v6]
)
