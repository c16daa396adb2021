import Foundation

/// Wall-clock time in the units the log and signature schemes use.
public enum Clock {
    public static func unixMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    public static func unixSeconds() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
