import Foundation

/// Operator-facing log lines on standard error: `time level message key=value...`.
/// Never pass secret material here; sources and paths are fine, values of secrets are not.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var label: String { ["debug", "info", "warn", "error"][rawValue] }
    }

    public var minimum: Level

    public init(minimum: Level = .info) { self.minimum = minimum }

    public func log(_ level: Level, _ message: String, _ fields: [(String, String)] = []) {
        guard level >= minimum else { return }
        var line = "\(Self.timestamp()) \(level.label) \(message)"
        for (k, v) in fields {
            line += " \(k)=" + (v.contains(" ") || v.isEmpty ? "\"\(v)\"" : v)
        }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    public func info(_ m: String, _ f: [(String, String)] = []) { log(.info, m, f) }
    public func warning(_ m: String, _ f: [(String, String)] = []) { log(.warning, m, f) }
    public func error(_ m: String, _ f: [(String, String)] = []) { log(.error, m, f) }
    public func debug(_ m: String, _ f: [(String, String)] = []) { log(.debug, m, f) }

    static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
