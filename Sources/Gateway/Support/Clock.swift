import Foundation

/// Wall-clock time in the units the log and signature schemes use.
public enum Clock {
    public static func unixMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    public static func unixSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// `2026-11-25T21:45:51.381Z`, for templates, notifications and the status page.
    public static func iso8601(milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            .formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
