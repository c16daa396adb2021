/// Where one job stands, whether the fold still holds it whole (`GatewayState.jobs`) or it
/// succeeded and was settled (`SettledJobs`): what the operator's views show of a job.
public struct JobSummary: Sendable, Equatable {
    public let id: String
    public let rule: String
    public let eventOffset: UInt64
    public let status: JobState.Status
    public let step: Int
    public let actionCount: Int
    public let attempts: Int
    public let lastError: String?

    init(_ job: JobState) {
        id = job.plan.id
        rule = job.plan.rule
        eventOffset = job.eventOffset
        status = job.status
        step = job.step
        actionCount = job.plan.actions.count
        attempts = job.attempts
        lastError = job.lastError
    }

    init(settled id: String, shape: JobShape, eventOffset: UInt64, lastError: String?) {
        self.id = id
        rule = shape.rule
        self.eventOffset = eventOffset
        status = .succeeded
        step = shape.actions.count
        actionCount = shape.actions.count
        attempts = 0
        self.lastError = lastError
    }

    public var isFinished: Bool { status == .succeeded || status == .failed || status == .dead }
}
