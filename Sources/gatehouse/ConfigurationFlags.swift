import Gateway

/// `--config`, `--listen`, `--data`, `--routes`: the embedded default, then the file, then flags.
enum ConfigurationFlags {
    static let options: Set<String> = ["config", "listen", "data", "routes"]

    static let help = """
      --config FILE     JSON settings over the embedded default (see README: Configuration)
      --listen HOST:PORT  address to listen on (default 127.0.0.1:8080)
      --data DIR        data folder: log, snapshots, lock (default ./data)
      --routes DIR      route files, one per source (default ./routes)
    """

    static func resolve(_ arguments: Arguments) throws -> GatewayConfiguration {
        var configuration = try arguments["config"].map(GatewayConfiguration.load(file:)) ?? GatewayConfiguration()
        if let v = arguments["listen"] { configuration.listen = v }
        if let v = arguments["data"] { configuration.data = v }
        if let v = arguments["routes"] { configuration.routes = v }
        return configuration
    }
}
