import Foundation
import Gateway
import Simulators
import Glibc

/// `gatehouse simulate`: the four API simulators in a process of their own. `serve` can start
/// them in-process (apis.simulate), but then they die with the gateway; crash and outage
/// drills need records, journals and staged faults that outlive SIGKILLs of the gateway.
enum SimulateCommand: Command {
    static let name = "simulate"
    static let summary = "run the four API simulators on their own (for drills and local runs)"
    static let usage = """
    gatehouse simulate [--listen HOST:PORT] [--write-config FILE]

    Runs loopback stand-ins of YunoJuno, Roosted, Luminous and Grow CRM (the simulators that
    `serve` starts in-process when apis.simulate is on) until SIGTERM or SIGINT, so their
    records, request journals and staged faults survive restarts and crashes of a gateway.

    Ports: with --listen 127.0.0.1:PORT the four take PORT, PORT+1, PORT+2 and PORT+3, in
    the order yunojuno, roosted, luminous, growcrm; with port 0 (the default) each gets a
    port from the kernel. Only loopback addresses are accepted: the control surface below
    has no authentication. Once every port is bound, one line per API is printed,
    "API BASE_URL", then "ready".

    --write-config FILE  writes a gateway config file holding just the "apis" section
                         (simulate off, each base_url, the simulators' development
                         credentials as file references to FILE.credentials/, mode 0600),
                         after the ports are bound; use it as `serve --config FILE`, or merge
                         its "apis" into a config of your own. It appears atomically, so a
                         script can wait for it.

    Each simulator answers its API's documented paths under its base URL, plus a control
    surface at its origin (not part of any real API; never faulted or journaled):
      POST   /_sim/faults   stage a fault for coming requests, e.g.
                            {"fault":"status","status":503,"times":1000,"method":"POST","path_prefix":"/contacts"}
                            fault: status (status, body), too_many_requests (retry_after_seconds),
                            delay (milliseconds), drop, drop_after_commit; times defaults to 1;
                            matching requests take the oldest staged fault first
      GET    /_sim/faults   what is still staged;   DELETE /_sim/faults   clear them
      GET    /_sim/journal  every API request received, with its status;   DELETE clears it
      GET    /_sim/state    the records held (Grow CRM "users", Luminous "contacts", ...)
    """
    static let options: Set<String> = ["listen", "write-config"]
    static let flags: Set<String> = []

    static func run(_ arguments: Arguments) throws -> Int32 {
        let stopSignals = StopSignals.block(logger: Logger())

        let (host, firstPort) = try parseListen(arguments["listen"] ?? "127.0.0.1:0")
        var ports: [SimulatedAPI: UInt16] = [:]
        if firstPort != 0 {
            for (i, api) in SimulatedAPI.allCases.enumerated() { ports[api] = firstPort + UInt16(i) }
        }
        let fleet = SimulatorFleet()
        try fleet.start(host: host, ports: ports)
        do {
            if let path = arguments["write-config"] { try writeConfig(fleet, to: path) }
        } catch {
            fleet.shutdown()
            throw error
        }
        var lines = ""
        for api in SimulatedAPI.allCases { lines += "\(api.rawValue) \(fleet.baseURL(for: api))\n" }
        lines += "ready\n"
        // Written unbuffered: a script reading a pipe or file must see it now, not at exit.
        FileHandle.standardOutput.write(Data(lines.utf8))

        stopSignals.serving()
        stopSignals.waitForStop()
        fleet.shutdown()
        return 0
    }

    /// `HOST:PORT` or `[V6]:PORT`, loopback only; PORT+3 must still be a port.
    static func parseListen(_ text: String) throws -> (String, UInt16) {
        let host: String
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = text[text.index(close, offsetBy: 2)...]
        } else if let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        } else {
            throw UsageError("--listen \(text): expected HOST:PORT ([::1]:PORT for IPv6)")
        }
        guard host == "::1" || host.hasPrefix("127.") else {
            throw UsageError("--listen \(text): simulators listen on loopback only (127.x.x.x or [::1]); their /_sim control surface is unauthenticated")
        }
        guard let port = UInt16(portText), port <= UInt16.max - 3 else {
            throw UsageError("--listen \(text): PORT must be 0 (kernel's choice) or at most \(UInt16.max - 3), since four consecutive ports are used")
        }
        return (host, port)
    }

    /// The `apis` section a gateway needs to use this fleet, built from the config's own types
    /// so it cannot drift from what `serve --config` reads. Credentials go in files, because
    /// config files hold references to secrets, never values.
    static func writeConfig(_ fleet: SimulatorFleet, to path: String) throws {
        let fm = FileManager.default
        let credentials = path + ".credentials"
        try fm.createDirectory(atPath: credentials, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        func secretFile(_ name: String, _ value: String) throws -> SecretReference {
            let file = (credentials as NSString).appendingPathComponent(name)
            guard fm.createFile(atPath: file, contents: Data(value.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw UsageError("cannot write \(file)")
            }
            return SecretReference(file: file)
        }
        let dev = fleet.yunojuno.credentials
        var apis = APISettings()
        apis.simulate = false
        var yunojuno = APISettings.Endpoint(baseURL: fleet.baseURL(for: .yunojuno))
        yunojuno.clientID = try secretFile("yunojuno-client-id", dev.yunojunoClientID)
        yunojuno.clientSecret = try secretFile("yunojuno-client-secret", dev.yunojunoClientSecret)
        var roosted = APISettings.Endpoint(baseURL: fleet.baseURL(for: .roosted))
        roosted.apiKey = try secretFile("roosted-api-key", dev.roostedAPIKey)
        roosted.authHeader = dev.roostedHeaderName
        var luminous = APISettings.Endpoint(baseURL: fleet.baseURL(for: .luminous))
        luminous.token = try secretFile("luminous-token", dev.luminousToken)
        var growcrm = APISettings.Endpoint(baseURL: fleet.baseURL(for: .growcrm))
        growcrm.token = try secretFile("growcrm-token", dev.growcrmAPIKey)
        apis.yunojuno = yunojuno
        apis.roosted = roosted
        apis.luminous = luminous
        apis.growcrm = growcrm

        struct Fragment: Encodable { let apis: APISettings }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Fragment(apis: apis))
        data.append(0x0A)
        // Atomic (temporary file, then rename), so a script waiting for the file never reads half of it.
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
