/// A delivery the scheduler is holding: what it needs to send it and where its schedule stands.
/// Kept small (the lane's queue moves these around): the id and the encoded body.
struct OpenDelivery: Sendable {
    let id: String
    /// The request body, encoded once (and shared by every subscriber of a notification),
    /// not once per attempt.
    let body: [UInt8]
    /// Attempts started, ever; the next attempt's number is one more.
    var attempts: Int
    /// Attempts this round (since planned or redelivered): indexes the retry schedule.
    var roundAttempts: Int
    var dueAt: Int64

    init(id: String, body: [UInt8], attempts: Int, roundAttempts: Int, dueAt: Int64) {
        self.id = id
        self.body = body
        self.attempts = attempts
        self.roundAttempts = roundAttempts
        self.dueAt = dueAt
    }
}
