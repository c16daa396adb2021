import Foundation

/// Timestamps as the APIs print them (`2023-03-15T14:30:00Z`).
enum Timestamp {
    static func iso8601(_ date: Date) -> String { date.formatted(.iso8601) }

    /// With milliseconds, for the journal, where requests a few ms apart must be told apart.
    static func precise(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Fixed-width text that sorts in time order, for sort keys.
    static func sortable(_ date: Date) -> String {
        String(format: "%020.6f", date.timeIntervalSince1970)
    }
}
