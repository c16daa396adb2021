/// The values a subscriber runs with when its config leaves a setting out.
extension SubscriberConfig {
    public static let defaultTimeoutSeconds = 15.0
    /// Standard Webhooks' schedule, with the first attempt immediate.
    public static let defaultRetryScheduleSeconds: [Double] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    public static let defaultJitter = 0.2
    public static let defaultMaxConsecutiveFailures = 5
    public static let defaultCircuitOpenSeconds = 60.0
    public static let defaultDisableAfterFailingSeconds = 5.0 * 86400
    public static let defaultConcurrency = 4

    public var effectiveTimeoutSeconds: Double { timeoutSeconds ?? Self.defaultTimeoutSeconds }
    public var effectiveRetryScheduleSeconds: [Double] { retryScheduleSeconds ?? Self.defaultRetryScheduleSeconds }
    public var effectiveJitter: Double { jitter ?? Self.defaultJitter }
    public var effectiveMaxConsecutiveFailures: Int { maxConsecutiveFailures ?? Self.defaultMaxConsecutiveFailures }
    public var effectiveCircuitOpenSeconds: Double { circuitOpenSeconds ?? Self.defaultCircuitOpenSeconds }
    public var effectiveDisableAfterFailingSeconds: Double { disableAfterFailingSeconds ?? Self.defaultDisableAfterFailingSeconds }
    public var effectiveConcurrency: Int { concurrency ?? Self.defaultConcurrency }
}
