import Foundation
import Routing

/// Job plans are stored as JSON inside a `routed` record: they are written once per event
/// and read back only for work still pending, so clarity wins over a binary layout.
enum JobPlanCoding {
    static func encode(_ jobs: [JobPlan]) -> [UInt8] {
        guard !jobs.isEmpty else { return [] }
        return (try? Array(JSONEncoder().encode(jobs))) ?? []
    }

    static func decode(_ bytes: [UInt8]) throws(LogEventDecodingError) -> [JobPlan] {
        guard !bytes.isEmpty else { return [] }
        do { return try JSONDecoder().decode([JobPlan].self, from: Data(bytes)) } catch { throw .truncated }
    }
}
