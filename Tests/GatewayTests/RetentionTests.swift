import EventLog
import Foundation
@testable import Gateway
import Notify
import TestSupport
import XCTest

/// Retention over real segment files: old segments go only when every piece of work in them
/// is finished, what they held is forgotten consistently (live, after a restart from the
/// snapshot), and ids stay deduplicated for exactly the configured window.
final class RetentionTests: XCTestCase {
    private func contact(_ n: Int) -> String {
        #"{"email":"keep\#(n)@example.com","first_name":"Keep","last_name":"Er\#(n)","phone":"+4412345\#(n)"}"#
    }

    private func configure(_ c: inout GatewayConfiguration, dedupeWindow: Int64 = 0, archive: String? = nil) {
        c.log.segmentBytes = 8 * 1024
        c.retention.maxAgeSeconds = 1
        c.retention.dedupeWindowSeconds = dedupeWindow
        c.retention.archive = archive
        c.retention.checkEverySeconds = 3600  // the test sweeps by hand, with a clock moved on
    }

    private func segmentFiles(_ h: ActionHarness) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: h.data + "/log").filter { $0.hasSuffix(".log") }.sorted()
    }

    private func settled(_ h: ActionHarness) -> Bool {
        h.eventually(20) { h.gateway?.state.openJobs.isEmpty == true && h.gateway?.state.unrouted.isEmpty == true }
    }

    private func send(_ h: ActionHarness, id: String, _ n: Int) -> ParsedResponse? {
        h.sendYunoJunoRaw("client.client_contact.created", contact(n), id: id)
    }

    func testUnfinishedWorkKeepsItsSegmentsAndFinishedWorkIsForgottenConsistently() throws {
        let h = try ActionHarness()
        // The first event's Grow CRM create fails once and is retried 3 s later: open until then.
        h.fleet.growcrm.faults.add(.status(503), times: 1, method: "POST", pathPrefix: "/contacts")
        try h.start(schedule: [3]) { configure(&$0) }
        XCTAssertEqual(send(h, id: "evt-0", 0)?.status, 200)
        XCTAssertTrue(h.eventually(5) { h.jobs().contains { $0.eventID == "evt-0" && $0.status == .pending && $0.attempts > 0 } })
        for n in 1...40 { XCTAssertEqual(send(h, id: "evt-\(n)", n)?.status, 200) }
        XCTAssertTrue(h.eventually(10) { h.jobs().filter { $0.eventID != "evt-0" }.allSatisfy(\.isFinished) })
        let before = try segmentFiles(h)
        XCTAssertGreaterThan(before.count, 4, "small segments, so there is something to remove")

        // evt-0's job is open and its event sits in the first segment: nothing may go.
        let blocked = try XCTUnwrap(h.gateway?.retention?.sweep(now: Clock.unixSeconds() + 60))
        XCTAssertEqual(blocked.removed, [])
        XCTAssertTrue(Set(before).isSubset(of: Set(try segmentFiles(h))), "no segment removed")
        XCTAssertFalse(try XCTUnwrap(h.gateway?.state.openJobs.isEmpty))

        XCTAssertTrue(settled(h), "the retry succeeds after 3 s")
        let statusBefore = try XCTUnwrap(h.gateway?.state).allJobSummaries().count
        let beforeSweep = Set(try segmentFiles(h))  // the retries may have rolled the log since
        let swept = try XCTUnwrap(h.gateway?.retention?.sweep(now: Clock.unixSeconds() + 60))
        XCTAssertFalse(swept.removed.isEmpty, "finished work no longer holds its segments")
        let after = Set(try segmentFiles(h))
        XCTAssertTrue(Set(swept.removed).isSubset(of: beforeSweep))
        XCTAssertTrue(Set(swept.removed).isDisjoint(with: after))
        XCTAssertTrue(beforeSweep.subtracting(swept.removed).isSubset(of: after), "only the removed segments are gone")
        let live = try XCTUnwrap(h.gateway?.state)
        XCTAssertLessThan(live.allJobSummaries().count, statusBefore, "finished jobs planned in removed segments are forgotten")
        XCTAssertEqual(live.allJobSummaries().count + live.retiredJobs.values.reduce(0, +), statusBefore, "and counted as retired")
        XCTAssertEqual(live.acceptedBySource["yunojuno"], 41)

        // Without a dedupe window every id stays known, also for events whose segments are gone.
        XCTAssertTrue(send(h, id: "evt-1", 1)?.body.contains("duplicate") ?? false)
        for n in 41...43 { XCTAssertEqual(send(h, id: "evt-\(n)", n)?.status, 200) }
        XCTAssertTrue(settled(h))
        // A restart comes back from the snapshot retention wrote, with the same state.
        h.stop()
        try h.start(schedule: [3]) { configure(&$0) }
        let restarted = try XCTUnwrap(h.gateway?.state)
        XCTAssertEqual(restarted.allJobSummaries().count, live.allJobSummaries().count + 6)
        XCTAssertEqual(restarted.retiredJobs, live.retiredJobs)
        XCTAssertEqual(restarted.receivedOffsets.count, live.receivedOffsets.count + 3)
        XCTAssertEqual(restarted.acceptedBySource["yunojuno"], 44)
        XCTAssertTrue(send(h, id: "evt-1", 1)?.body.contains("duplicate") ?? false)
        XCTAssertTrue(send(h, id: "evt-40", 40)?.body.contains("duplicate") ?? false)
        // The removed events' histories are gone; a recent one's is whole.
        XCTAssertNil(restarted.historyOffsets(eventID: "evt-1").first)
        XCTAssertGreaterThan(restarted.historyOffsets(eventID: "evt-42").first?.records.count ?? 0, 2)

        // Offline, the same state whichever way it is rebuilt: the snapshot and what follows
        // it, or (losing only the forgotten ids and retired counts) the log that is left.
        let final = try XCTUnwrap(h.gateway?.state)
        h.stop()
        let log = try FileLog.open(directory: h.data + "/log")
        defer { log.close() }
        let fromSnapshot = try StateRecovery.recover(log, snapshots: SnapshotStore(directory: h.data + "/snapshots", keep: 2),
                                                     logger: Logger(minimum: .error)).state
        let fromLog = try StateRecovery.fullFold(log)
        for rebuilt in [fromSnapshot, fromLog] {
            XCTAssertEqual(rebuilt.jobs, final.jobs)
            XCTAssertEqual(rebuilt.allJobSummaries(), final.allJobSummaries())
            XCTAssertEqual(rebuilt.deliveries, final.deliveries)
            XCTAssertEqual(rebuilt.receivedOffsets, final.receivedOffsets)
            XCTAssertEqual(rebuilt.retentionFloor, final.retentionFloor)
            for offset in final.receivedOffsets { XCTAssertEqual(rebuilt.historyOffsets(received: offset), final.historyOffsets(received: offset)) }
        }
        XCTAssertEqual(fromSnapshot.retiredJobs, final.retiredJobs)
        XCTAssertEqual(fromSnapshot.uniqueEvents, final.uniqueEvents)
        XCTAssertLessThan(fromLog.uniqueEvents, final.uniqueEvents, "without the snapshot, ids of removed events are not known")

        // So a start whose snapshots are there but unusable (damaged, or from another build)
        // refuses, rather than quietly forgetting those ids; with the folder moved aside on
        // purpose it starts from the log alone.
        log.close()
        let snapshots = h.data + "/snapshots"
        for name in try FileManager.default.contentsOfDirectory(atPath: snapshots) {
            let file = URL(fileURLWithPath: snapshots + "/" + name)
            var bytes = [UInt8](try Data(contentsOf: file))
            bytes[bytes.count / 2] ^= 0x40
            try Data(bytes).write(to: file)
        }
        XCTAssertThrowsError(try h.start(schedule: [3]) { configure(&$0) }) { error in
            XCTAssertTrue("\(error)".contains("could not be used"), "\(error)")
        }
        try FileManager.default.moveItem(atPath: snapshots, toPath: h.data + "/snapshots.aside")
        try h.start(schedule: [3]) { configure(&$0) }
        XCTAssertEqual(h.gateway?.state.receivedOffsets, final.receivedOffsets)
        h.stop()
    }

    func testDedupeWindowForgetsOldIdsAndTheForgettingSurvivesARestart() throws {
        let h = try ActionHarness()
        let archive = h.root.appendingPathComponent("archive").path
        try h.start { configure(&$0, dedupeWindow: 1, archive: archive) }
        for n in 0..<30 { XCTAssertEqual(send(h, id: "old-\(n)", n)?.status, 200) }
        XCTAssertTrue(settled(h))
        let offsets = try (0..<30).map { n in try XCTUnwrap(h.gateway?.state.receivedOffset(of: DedupeKey(source: "yunojuno", eventID: "old-\(n)"))) }
        let swept = try XCTUnwrap(h.gateway?.retention?.sweep(now: Clock.unixSeconds() + 60))
        XCTAssertFalse(swept.removed.isEmpty)
        let archived = try FileManager.default.contentsOfDirectory(atPath: archive).sorted()
        XCTAssertEqual(archived, swept.removed.sorted(), "archive moves the segments instead of deleting them")
        let floor = try XCTUnwrap(swept.mark?.dedupeFloor)
        XCTAssertGreaterThan(floor, 0)

        // Ids from segments past the window are new again; any still in the active segment
        // (where the log happened to roll decides which) are not.
        XCTAssertEqual(send(h, id: "old-0", 0)?.body.contains("duplicate"), false)
        for n in 1..<30 where offsets[n] >= floor { XCTAssertEqual(send(h, id: "old-\(n)", n)?.body.contains("duplicate"), true, "old-\(n)") }
        XCTAssertLessThan(offsets[1], floor)
        XCTAssertTrue(settled(h))
        h.stop()
        try h.start { configure(&$0, dedupeWindow: 1, archive: archive) }
        XCTAssertEqual(send(h, id: "old-0", 0)?.body.contains("duplicate"), true, "accepted again after the window: known again")
        for n in 1..<30 {
            XCTAssertEqual(send(h, id: "old-\(n)", n)?.body.contains("duplicate"), offsets[n] >= floor, "old-\(n): forgotten before the restart, forgotten after")
        }
        XCTAssertEqual(h.gateway?.state.dedupeFloor, floor)
    }

    /// Remap finds past events through their histories: the dedupe window forgetting their
    /// ids (their records still in the log) made it skip them and report nothing to do.
    func testRemapStillFindsEventsWhoseIdsTheDedupeWindowForgot() throws {
        let h = try ActionHarness()
        try h.start { configure(&$0, dedupeWindow: 1); $0.retention.maxAgeSeconds = 0 }
        // Test-mode events skip the Luminous rule (its condition excludes mode "test").
        for n in 0..<30 { XCTAssertEqual(h.sendYunoJunoRaw("client.client_contact.created", contact(n), id: "forgot-\(n)", mode: "test")?.status, 200) }
        XCTAssertTrue(settled(h))
        let swept = try XCTUnwrap(h.gateway?.retention?.sweep(now: Clock.unixSeconds() + 60))
        let floor = try XCTUnwrap(swept.mark?.dedupeFloor, "the test needs ids forgotten")
        XCTAssertNil(h.gateway?.state.receivedOffset(of: DedupeKey(source: "yunojuno", eventID: "forgot-0")))
        XCTAssertGreaterThan(floor, 0)

        let text = try String(contentsOfFile: h.routes + "/yunojuno.json", encoding: .utf8)
            .replacingOccurrences(of: #""if": { "not": { "equals": { "path": "mode", "value": "test" } } },"#, with: "")
        let fixed = h.root.appendingPathComponent("fixed-routes").path
        try FileManager.default.createDirectory(atPath: fixed, withIntermediateDirectories: true)
        try text.write(toFile: fixed + "/yunojuno.json", atomically: false, encoding: .utf8)
        let planned = try XCTUnwrap(h.gateway).remap(rules: try Gateway.loadRules(directory: fixed), filter: WorkFilter(), dryRun: true)
        XCTAssertEqual(Set(planned.map(\.eventID)), Set((0..<30).map { "forgot-\($0)" }))
    }

    /// The dedupe window runs from the oldest segment and stops at the first one still inside
    /// it: a later segment whose time looks old (written while the clock was wrong) does not
    /// take the ids of a younger one before it.
    func testTheDedupeWindowStopsAtTheFirstSegmentStillInsideIt() throws {
        let h = try ActionHarness()
        try h.start { configure(&$0, dedupeWindow: 1); $0.retention.maxAgeSeconds = 0 }
        for n in 0..<30 { XCTAssertEqual(send(h, id: "clock-\(n)", n)?.status, 200) }
        XCTAssertTrue(settled(h))
        let segments = try segmentFiles(h)
        XCTAssertGreaterThan(segments.count, 2, "the test needs sealed segments")
        let now = Clock.unixSeconds()
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: TimeInterval(now + 3600))],
                                              ofItemAtPath: h.data + "/log/" + segments[0])
        let swept = try XCTUnwrap(h.gateway?.retention?.sweep(now: now + 60))
        XCTAssertNil(swept.mark, "the oldest segment is still inside the window: nothing may be forgotten")
        XCTAssertEqual(send(h, id: "clock-0", 0)?.body.contains("duplicate"), true)
        XCTAssertEqual(send(h, id: "clock-29", 29)?.body.contains("duplicate"), true)
    }

    /// The operator's verbs that check the fold and then append (re-drive, remap, redelivery)
    /// wait for a sweep under way, so a mark can never fall between their check and their
    /// record: the mark would forget what they reopen and the fold would drop their record.
    func testOperatorVerbsWaitForASweepUnderWay() throws {
        let h = try ActionHarness()
        try h.start { configure(&$0) }
        let gateway = try XCTUnwrap(h.gateway)
        let retention = try XCTUnwrap(gateway.retention)
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            retention.holdingSweeps { entered.signal(); release.wait() }
        }
        entered.wait()
        let finished = LockedList<String>()
        let verbs = DispatchGroup()
        DispatchQueue.global().async(group: verbs) {
            _ = try? gateway.redrive(WorkFilter(), dryRun: false)
            finished.append("redrive")
        }
        DispatchQueue.global().async(group: verbs) {
            _ = gateway.redeliver(deliveryID: "ntf_none.ops")
            finished.append("redeliver")
        }
        usleep(200_000)
        XCTAssertEqual(finished.items, [], "a verb ran while a sweep held the fold")
        release.signal()
        XCTAssertEqual(verbs.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(Set(finished.items), ["redrive", "redeliver"])
    }

    /// Deliveries: finished ones planned in removed segments are forgotten, while the
    /// subscriber's standing and totals stay what they were, live, after a restart, and
    /// when rebuilt offline.
    func testFinishedDeliveriesAreForgottenAndSubscriberStandingKept() throws {
        let sink = try Sink()
        defer { sink.server.shutdown(grace: 1) }
        let h = try ActionHarness()
        let ops = h.subscriber("ops", port: sink.port, types: ["event.received", "action.*"])
        let subscribe: (inout GatewayConfiguration) -> Void = { c in
            self.configure(&c)
            c.allowPrivateSubscribers = true
            c.subscribers = [ops]
        }
        try h.start(configure: subscribe)
        for n in 0..<25 { XCTAssertEqual(send(h, id: "d-\(n)", n)?.status, 200) }
        XCTAssertTrue(settled(h))
        XCTAssertTrue(h.eventually(20) { h.gateway?.state.deliveries.deliveries.values.allSatisfy { !$0.isOpen } == true })
        let healthBefore = try XCTUnwrap(h.gateway?.state.deliveries.subscribers["ops"])
        let deliveriesBefore = try XCTUnwrap(h.gateway?.state.knownDeliveries)
        XCTAssertGreaterThan(healthBefore.counts.delivered, 25)

        let swept = try XCTUnwrap(h.gateway?.retention?.sweep(now: Clock.unixSeconds() + 60))
        XCTAssertFalse(swept.removed.isEmpty)
        let live = try XCTUnwrap(h.gateway?.state)
        XCTAssertLessThan(live.knownDeliveries, deliveriesBefore, "finished deliveries planned before the mark are forgotten")
        XCTAssertEqual(live.deliveries.subscribers["ops"], healthBefore, "standing and totals are kept")

        h.stop()
        try h.start(configure: subscribe)
        XCTAssertEqual(h.gateway?.state.deliveries, live.deliveries)
        h.stop()
        let log = try FileLog.open(directory: h.data + "/log")
        defer { log.close() }
        let fromSnapshot = try StateRecovery.recover(log, snapshots: SnapshotStore(directory: h.data + "/snapshots", keep: 2),
                                                     logger: Logger(minimum: .error)).state
        XCTAssertEqual(fromSnapshot.deliveries, live.deliveries)
        XCTAssertEqual(try StateRecovery.fullFold(log).deliveries, live.deliveries)
    }

    /// Archiving renames segments, so an archive on another filesystem is refused at start,
    /// not discovered at the first sweep.
    func testArchiveOnAnotherFilesystemIsRefusedAtStart() throws {
        var shm = stat(), tmp = stat()
        let root = FileManager.default.temporaryDirectory.path
        guard stat("/dev/shm", &shm) == 0, stat(root, &tmp) == 0, shm.st_dev != tmp.st_dev else {
            throw XCTSkip("no second filesystem here to archive to")
        }
        let h = try ActionHarness()
        let archive = "/dev/shm/gatehouse-archive-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: archive) }
        XCTAssertThrowsError(try h.start { configure(&$0, archive: archive) }) { error in
            XCTAssertTrue("\(error)".contains("another filesystem"), "\(error)")
        }
    }

    /// A dedupe window shorter than twice a source's tolerance forgets ids a replay inside the
    /// tolerance can still use; a scheme with no signed timestamp is open once the window passes.
    func testDedupeWindowsThatReopenReplaysAreNamedAtStart() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        try #"{"verify": {"scheme": "github", "secrets": [{"env": "GH_SECRET"}]}}"#
            .write(toFile: harness.routes + "/gh.json", atomically: true, encoding: .utf8)
        let catalog = try SourceCatalog.load(directory: harness.routes, secrets: SecretResolver(environment: harness.environment),
                                             devSecrets: nil, logger: Logger(minimum: .error))
        let sources = Array(catalog.sources.values)
        XCTAssertEqual(RetentionSweeper.replayWarnings(windowSeconds: 0, sources: sources), [], "ids kept forever")
        let short = RetentionSweeper.replayWarnings(windowSeconds: 599, sources: sources)
        XCTAssertEqual(short.count, 3, "\(short)")
        XCTAssertTrue(short[0].hasPrefix("source form: the dedupe window (599 s) is shorter than twice its signature tolerance (300 s)"), short[0])
        XCTAssertTrue(short[1].hasPrefix("source gh: its scheme (github) signs no timestamp"), short[1])
        XCTAssertTrue(short[2].hasPrefix("source yunojuno: the dedupe window"), short[2])
        XCTAssertEqual(RetentionSweeper.replayWarnings(windowSeconds: 600, sources: sources).count, 1, "only the scheme without a timestamp")
    }
}
