/// What an attempt does differently in `.afterUnknownOutcome` mode.
enum Recovery: Sendable {
    /// Sending again cannot duplicate anything: reads, updates, and YunoJuno's invite,
    /// which the API itself keys by email.
    case resend
    /// A delete sent again answers 404 when the earlier attempt did delete: that is success.
    case notFoundMeansDone
    /// Look the record up first and create only when it is absent.
    case lookUpFirst(RecordFinder)
}
