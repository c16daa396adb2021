import Foundation
import Connectors
import Gateway
import Simulators
import Glibc

enum ServeCommand: Command {
    static let name = "serve"
    static let summary = "run the gateway"
    static let usage = """
    gatehouse serve [--config FILE] [--listen HOST:PORT] [--data DIR] [--routes DIR]

    Runs the gateway until SIGTERM or SIGINT, then stops accepting, finishes in-flight
    requests, flushes the log and exits 0. With no flags it runs on the embedded default:
    127.0.0.1:8080, ./data, ./routes, development secrets generated when none are set, and
    the four APIs stood in by built-in simulators on loopback (apis.simulate).
    Under systemd (Type=notify, $NOTIFY_SOCKET set) it sends READY=1 once listening and
    STOPPING=1 when a stop begins.

    \(ConfigurationFlags.help)
    """
    static let options = ConfigurationFlags.options
    static let flags: Set<String> = []

    static func run(_ arguments: Arguments) throws -> Int32 {
        let logger = Logger()
        let stopSignals = StopSignals.block(logger: logger)

        var configuration = try ConfigurationFlags.resolve(arguments)
        configuration.maxConnections = OpenFileLimit.raise(for: configuration.maxConnections, logger: logger)
        var simulators: (SimulatorFleet, ConnectorSettings)?
        if configuration.apis.simulate { simulators = try SimulatedAPIs.start(logger: logger) }
        let gateway = try Gateway(configuration: configuration, logger: logger, connectors: simulators?.1)
        let bound = try gateway.start()
        let systemd = SystemdNotifier(logger: logger)
        systemd.ready(status: "listening on \(bound)")
        stopSignals.serving()
        stopSignals.waitForStop()
        systemd.stopping()
        gateway.shutdown()
        simulators?.0.shutdown()
        return 0
    }
}
