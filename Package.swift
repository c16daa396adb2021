// swift-tools-version:6.0
// Gatehouse: a webhook event gateway. No package dependencies: the toolchain,
// plus OpenSSL and epoll reached through system library targets.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Gatehouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
    ],
    targets: [
        // C shims: the only places that touch C headers directly.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CCPU"),

        // Layers, lowest first. Each depends only on layers below it.
        .target(name: "Threads", dependencies: [], swiftSettings: strict),
        .target(name: "Sockets", dependencies: ["CLinux"], swiftSettings: strict),
        .target(name: "HTTP1", dependencies: ["Sockets", "Threads"], swiftSettings: strict),
        .target(name: "Signing", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(name: "EventLog", dependencies: ["CCPU", "Threads"], swiftSettings: strict),
        .target(name: "Wire", dependencies: [], swiftSettings: strict),
        .target(name: "Routing", dependencies: [], swiftSettings: strict),
        .target(name: "Simulators", dependencies: ["HTTP1", "Sockets"], swiftSettings: strict),
        .target(name: "Connectors", dependencies: ["Routing"], swiftSettings: strict),
        .target(name: "Notify", dependencies: ["Routing", "Signing", "Wire", "Threads", "COpenSSL"], swiftSettings: strict),
        .target(name: "Gateway", dependencies: ["HTTP1", "Signing", "EventLog", "Routing", "Connectors", "Notify", "Wire", "CCPU", "Threads"], swiftSettings: strict),
        .executableTarget(name: "gatehouse", dependencies: ["Gateway", "Connectors", "Routing", "Simulators"], swiftSettings: strict),

        // Benchmark drivers (bench/): built in release by the bench scripts, not by the tests.
        .executableTarget(name: "connector-bench", dependencies: ["Connectors", "Simulators", "Routing"],
                          path: "bench/ConnectorBench", swiftSettings: strict),
        .executableTarget(name: "notify-bench", dependencies: ["Notify", "HTTP1", "Sockets", "Routing"],
                          path: "bench/NotifyBench", swiftSettings: strict),
        .executableTarget(name: "fold-bench", dependencies: ["Notify", "Gateway", "EventLog", "Routing"],
                          path: "bench/FoldBench", swiftSettings: strict),

        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1", "Sockets", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SigningTests", dependencies: ["Signing"], swiftSettings: strict),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog"], swiftSettings: strict),
        .testTarget(name: "SimulatorsTests", dependencies: ["Simulators", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ConnectorsTests", dependencies: ["Connectors", "Simulators", "Routing"], swiftSettings: strict),
        .testTarget(name: "NotifyTests", dependencies: ["Notify", "HTTP1", "Sockets", "TestSupport", "Signing", "Routing", "COpenSSL"], swiftSettings: strict),
        .testTarget(name: "RoutingTests", dependencies: ["Routing"], swiftSettings: strict),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "EventLog", "Signing", "Routing", "Connectors", "Simulators", "Notify", "TestSupport"], swiftSettings: strict),
    ]
)
