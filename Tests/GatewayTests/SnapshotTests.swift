import EventLog
import Foundation
@testable import Gateway
import TestSupport
import XCTest

/// Snapshots must change how fast a restart is and nothing else: the state rebuilt from a
/// snapshot plus the log after it equals the state folded from the whole log.
final class SnapshotTests: XCTestCase {
    private func contact(_ n: Int) -> String {
        #"{"email":"snap\#(n)@example.com","first_name":"Snap","last_name":"Shot\#(n)","phone":"+441234567\#(n)"}"#
    }

    private func sendAndSettle(_ h: ActionHarness, _ range: Range<Int>) {
        for n in range { XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact(n)), 200) }
        XCTAssertTrue(h.eventually(15) { h.gateway?.state.openJobs.isEmpty == true && h.gateway?.state.unrouted.isEmpty == true })
    }

    /// A gateway that settled `count` events and stopped cleanly (writing a snapshot): the
    /// harness, its snapshot folder as a store keeping `keep`, and the newest snapshot's path.
    private func stoppedRun(events count: Int, keep: Int) throws -> (ActionHarness, SnapshotStore, String) {
        let h = try ActionHarness()
        try h.start()
        sendAndSettle(h, 0..<count)
        h.stop()
        let store = try SnapshotStore(directory: h.data + "/snapshots", keep: keep)
        return (h, store, try XCTUnwrap(store.files().first?.path))
    }

    private func assertSameState(_ a: GatewayState, _ b: GatewayState, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.eventsApplied, b.eventsApplied, file: file, line: line)
        XCTAssertEqual(a.lastOffset, b.lastOffset, file: file, line: line)
        XCTAssertEqual(a.uniqueEvents, b.uniqueEvents, file: file, line: line)
        XCTAssertEqual(a.acceptedBySource, b.acceptedBySource, file: file, line: line)
        XCTAssertEqual(a.receivedOffsets, b.receivedOffsets, file: file, line: line)
        XCTAssertEqual(a.unrouted, b.unrouted, file: file, line: line)
        XCTAssertEqual(a.jobs, b.jobs, file: file, line: line)
        XCTAssertEqual(a.allJobSummaries(), b.allJobSummaries(), file: file, line: line)
        XCTAssertEqual(a.openJobs, b.openJobs, file: file, line: line)
        XCTAssertEqual(a.deliveries, b.deliveries, file: file, line: line)
        XCTAssertEqual(a.workRecords, b.workRecords, file: file, line: line)
        for offset in a.receivedOffsets {
            XCTAssertEqual(a.historyOffsets(received: offset), b.historyOffsets(received: offset), "history of \(offset)", file: file, line: line)
        }
    }

    func testRestartFromSnapshotAndTailEqualsWholeLogFold() throws {
        let h = try ActionHarness()
        try h.start()
        sendAndSettle(h, 0..<6)
        h.stop()  // a clean stop writes the first snapshot
        let snapshotsPath = h.data + "/snapshots"
        let first = try FileManager.default.contentsOfDirectory(atPath: snapshotsPath).filter { $0.hasSuffix(".snap") }
        XCTAssertEqual(first.count, 1, "a clean stop writes a snapshot")

        try h.start()
        XCTAssertEqual(h.gateway?.state.uniqueEvents, 6)
        sendAndSettle(h, 6..<10)
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact(3), id: "dup-probe"), 200)
        h.stop()
        // Drop the newest snapshot so the next start uses the older one plus a real tail.
        let all = try FileManager.default.contentsOfDirectory(atPath: snapshotsPath).filter { $0.hasSuffix(".snap") }.sorted()
        XCTAssertEqual(all.count, 2)
        try FileManager.default.removeItem(atPath: snapshotsPath + "/" + all.last!)

        let log = try FileLog.open(directory: h.data + "/log")
        defer { log.close() }
        let store = try SnapshotStore(directory: snapshotsPath, keep: 2)
        let restored = try StateRecovery.recover(log, snapshots: store, logger: Logger(minimum: .error))
        XCTAssertTrue(restored.summary.hasPrefix("snapshot at offset"), restored.summary)
        XCTAssertGreaterThan(restored.recordsFolded, 0)
        let whole = try StateRecovery.fullFold(log)
        XCTAssertEqual(whole.uniqueEvents, 11)
        XCTAssertGreaterThan(whole.allJobSummaries().count, 10)
        XCTAssertGreaterThan(whole.settledJobCount, 10, "succeeded jobs are settled")
        assertSameState(restored.state, whole)
        // The restored digest key still recognises events from before the snapshot.
        XCTAssertTrue(restored.state.contains(DedupeKey(source: "yunojuno", eventID: "dup-probe")))
        var firstID = ""
        try log.readRecords(at: [whole.receivedOffsets[0]]) { _, payload in
            if case .received(let e) = try LogEvent.decode(Array(payload)) { firstID = e.eventID }
        }
        XCTAssertFalse(firstID.isEmpty)
        XCTAssertTrue(restored.state.contains(DedupeKey(source: "yunojuno", eventID: firstID)))
        XCTAssertEqual(restored.state.historyOffsets(eventID: firstID).map(\.records), whole.historyOffsets(eventID: firstID).map(\.records))
    }

    func testDamagedOrForeignSnapshotFallsBackToWholeLog() throws {
        let (h, store, path) = try stoppedRun(events: 4, keep: 3)
        let good = try XCTUnwrap(FileManager.default.contents(atPath: path))

        let log = try FileLog.open(directory: h.data + "/log")
        defer { log.close() }
        let whole = try StateRecovery.fullFold(log)

        // A flipped bit anywhere in the body fails its checksum.
        var flipped = [UInt8](good)
        flipped[flipped.count / 2] ^= 0x10
        try Data(flipped).write(to: URL(fileURLWithPath: path))
        var outcome = try StateRecovery.recover(log, snapshots: store, logger: Logger(minimum: .error))
        XCTAssertTrue(outcome.summary.hasPrefix("whole log folded"), outcome.summary)
        assertSameState(outcome.state, whole)

        // A well-formed snapshot that names a record this log does not have is not used.
        var foreign = try StateSnapshot.decode([UInt8](good))
        foreign.lastRecordChecksum ^= 1
        try FileManager.default.removeItem(atPath: path)
        try store.write(foreign)
        outcome = try StateRecovery.recover(log, snapshots: store, logger: Logger(minimum: .error))
        XCTAssertTrue(outcome.summary.hasPrefix("whole log folded"), outcome.summary)

        // One that claims more of the log than there is (a log cut back after it was taken).
        var ahead = try StateSnapshot.decode([UInt8](good))
        ahead.lastOffset = log.durableEnd + 100
        try store.write(ahead)
        outcome = try StateRecovery.recover(log, snapshots: store, logger: Logger(minimum: .error))
        XCTAssertTrue(outcome.summary.hasPrefix("whole log folded"), outcome.summary)
        assertSameState(outcome.state, whole)

        // And the good one, put back, is used again.
        for (_, p) in store.files() { try FileManager.default.removeItem(atPath: p) }
        try good.write(to: URL(fileURLWithPath: path))
        outcome = try StateRecovery.recover(log, snapshots: store, logger: Logger(minimum: .error))
        XCTAssertTrue(outcome.summary.hasPrefix("snapshot at offset"), outcome.summary)
        assertSameState(outcome.state, whole)
    }

    /// Snapshots left from a longer log (cut back, or replaced under the same folder) sort
    /// first by offset: counted among the newest, they made the next snapshot delete itself,
    /// and retention then removed segments that no usable snapshot covered.
    func testANewSnapshotIsNotPrunedInFavourOfOnesAheadOfTheLog() throws {
        let (h, store, path) = try stoppedRun(events: 2, keep: 1)
        let good = try store.read(path)
        for (_, p) in store.files() { try FileManager.default.removeItem(atPath: p) }

        var ahead = good
        for extra in [1_000_000, 2_000_000] as [UInt64] {
            ahead.lastOffset = good.lastOffset + extra
            try store.write(ahead)
        }
        try store.write(good)
        XCTAssertEqual(store.files().map(\.offset), [good.lastOffset], "the snapshot just written must be the one kept")

        let log = try FileLog.open(directory: h.data + "/log")
        defer { log.close() }
        let outcome = try StateRecovery.recover(log, snapshots: store, logger: Logger(minimum: .error))
        XCTAssertTrue(outcome.summary.hasPrefix("snapshot at offset"), outcome.summary)
    }

    /// A CRC is no MAC: a file with a valid one can still hold a count near Int.max, which
    /// trapped the fold's first increment after it, on every start. Such a file is refused.
    func testASnapshotWithACountNearIntMaxIsRefusedNotTrappedOn() throws {
        let (h, store, path) = try stoppedRun(events: 2, keep: 3)
        let good = try store.read(path)
        var hostile = good
        hostile.eventsApplied = Int.max
        XCTAssertThrowsError(try StateSnapshot.decode(hostile.encoded()))
        hostile = good
        hostile.acceptedBySource = hostile.acceptedBySource.mapValues { _ in Int.max - 1 }
        XCTAssertThrowsError(try StateSnapshot.decode(hostile.encoded()))
        try Data(hostile.encoded()).write(to: URL(fileURLWithPath: path))

        // The start falls back to the whole log (which holds every record) instead.
        let log = try FileLog.open(directory: h.data + "/log")
        defer { log.close() }
        let outcome = try StateRecovery.recover(log, snapshots: store, logger: Logger(minimum: .error))
        XCTAssertTrue(outcome.summary.hasPrefix("whole log folded"), outcome.summary)
    }
}
