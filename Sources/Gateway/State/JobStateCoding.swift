import Routing
import Wire

/// A job held whole (open, failed or dead), as a snapshot stores it: its plan in the log's
/// layout, then every field of `JobState`.
enum JobStateCoding {
    static func encode(_ job: JobState, to w: inout WireWriter) {
        w.blob(JobPlanCoding.encode([job.plan]))
        w.u64(job.eventOffset)
        w.string(job.source)
        w.string(job.eventID)
        w.u64(UInt64(job.step))
        w.u64(UInt64(job.attempts))
        w.string(job.status.rawValue)
        w.i64(job.dueAt)
        SnapshotFields.write(job.stepStartedAt, to: &w)
        w.blob(JSONValue.object(job.results).serialized())
        w.optionalString(job.lastError)
        SnapshotFields.write(job.lastErrorAt, to: &w)
        w.u8(job.outcomeUnknown ? 1 : 0)
        SnapshotFields.write(job.lastAttemptAt, to: &w)
    }

    static func decode(_ r: inout WireCursor) -> JobState? {
        guard let planBytes = SnapshotFields.bytes(&r), let plans = try? JobPlanCoding.decode(planBytes), plans.count == 1,
              let eventOffset = r.u64(), let source = SnapshotFields.string(&r), let eventID = SnapshotFields.string(&r),
              let step = r.u64(), step <= UInt64(plans[0].actions.count), let attempts = r.u64(), attempts < 1 << 32,
              let statusName = SnapshotFields.string(&r), let status = JobState.Status(rawValue: statusName),
              let dueAt = r.i64(), let stepStartedAt = SnapshotFields.optionalInt(&r),
              let resultBytes = SnapshotFields.bytes(&r), case .object(let results)? = try? JSONValue.parse(resultBytes),
              let lastError = SnapshotFields.optionalString(&r), let lastErrorAt = SnapshotFields.optionalInt(&r),
              let unknown = r.u8(), let lastAttemptAt = SnapshotFields.optionalInt(&r)
        else { return nil }
        var job = JobState(plan: plans[0], eventOffset: eventOffset, source: source, eventID: eventID, dueAt: dueAt)
        job.step = Int(step)
        job.attempts = Int(attempts)
        job.status = status
        job.stepStartedAt = stepStartedAt
        job.results = results
        job.lastError = lastError
        job.lastErrorAt = lastErrorAt
        job.outcomeUnknown = unknown != 0
        job.lastAttemptAt = lastAttemptAt
        return job
    }
}
