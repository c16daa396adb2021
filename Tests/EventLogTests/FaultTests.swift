import Dispatch
import Glibc
import XCTest
@testable import EventLog

/// Failures injected at the writer's write and sync steps, as a full disk or a
/// failing device would produce them.
final class FaultTests: XCTestCase {
    private func check(failing step: String, operation: String) throws {
        let dir = try TempDirectory(step)
        defer { dir.remove() }
        let fault = Shared<Int32?>(nil)
        var options = FileLogOptions()
        options.injectFault = { name in name == step ? fault.current : nil }
        let log = try FileLog.open(directory: dir.path, options: options)

        let first = try log.appendAndWait([payload(1, size: 100)])
        let segment = try dir.segments()[0]
        let sizeBefore = try fileSize(segment)

        fault.update { $0 = ENOSPC }
        XCTAssertThrowsError(try log.appendAndWait([payload(2, size: 500), payload(3, size: 500)])) { error in
            XCTAssertEqual(error as? LogError, .io(operation: operation, errno: ENOSPC))
        }
        XCTAssertEqual(try fileSize(segment), sizeBefore, "the failed batch was cut off again")
        XCTAssertEqual(log.durableEnd, 108)
        XCTAssertEqual(try readAll(log).count, 1)
        XCTAssertNotNil(log.stats().lastError)
        XCTAssertTrue(log.stats().failing)

        fault.update { $0 = nil }
        let next = try log.appendAndWait([payload(4, size: 100)])
        XCTAssertFalse(log.stats().failing, "a batch that succeeds ends the failing state")
        XCTAssertEqual(next, [first[0] + 108], "the log keeps going where it was")
        log.close()

        let reopened = try FileLog.open(directory: dir.path)
        defer { reopened.close() }
        XCTAssertEqual(reopened.recovery.truncatedBytes, 0)
        XCTAssertEqual(try readAll(reopened).map(\.payload), [payload(1, size: 100), payload(4, size: 100)])
    }

    /// The sync fails and so does cutting the batch back; the log is then closed before any
    /// later append could trim it. The refused records must not come back at the next open.
    func testARefusedBatchThatCouldNotBeCutBackIsCutAtClose() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let failing = Shared(false)
        var options = FileLogOptions()
        options.injectFault = { name in (name == "sync" || name == "truncate") && failing.current ? EIO : nil }
        let log = try FileLog.open(directory: dir.path, options: options)
        _ = try log.appendAndWait([payload(1, size: 100)])
        failing.update { $0 = true }
        XCTAssertThrowsError(try log.appendAndWait([payload(2, size: 300)]))
        failing.update { $0 = false }
        log.close()

        let reopened = try FileLog.open(directory: dir.path)
        defer { reopened.close() }
        XCTAssertEqual(try readAll(reopened).map(\.payload), [payload(1, size: 100)])
    }

    func testAFailedWriteFailsTheBatchAndLaterAppendsSucceed() throws {
        try check(failing: "write", operation: "write")
    }

    func testAFailedSyncFailsTheBatchAndLaterAppendsSucceed() throws {
        try check(failing: "sync", operation: "fdatasync")
    }

    /// Requests that became durable before the failure still succeed; only the
    /// ones after it fail.
    func testAFailureMidBatchOnlyFailsWhatWasNotSynced() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let syncs = Shared(0)
        let firstBatch = Shared(true)
        let gate = DispatchSemaphore(value: 0)
        var options = FileLogOptions(segmentSize: 400)
        // Hold the first batch until the rest are queued, so they form one batch.
        options.beforeBatch = {
            if firstBatch.update({ first in defer { first = false }; return first }) { gate.wait() }
        }
        // Sync 1 is the first batch; sync 2 seals the segment mid-batch; sync 3
        // (after the rollover) fails.
        options.injectFault = { name in
            guard name == "sync" else { return nil }
            return syncs.update { count in count += 1; return count == 3 ? EIO : nil }
        }
        let log = try FileLog.open(directory: dir.path, options: options)
        defer { log.close() }
        let results = Shared<[Int: Result<[UInt64], LogError>]>([:])
        let group = DispatchGroup()
        for i in 0..<5 {
            group.enter()
            log.append([payload(i, size: 100)]) { result in
                results.update { $0[i] = result }
                group.leave()
            }
            if i == 0 {
                while log.stats().queueDepth == 1 && firstBatch.current { usleep(1_000) }
            }
        }
        gate.signal()
        group.wait()
        let outcome = results.current
        XCTAssertEqual(try outcome[0]?.get(), [0])
        XCTAssertEqual(try outcome[1]?.get(), [108])
        XCTAssertEqual(try outcome[2]?.get(), [216])
        for i in 3...4 {
            XCTAssertThrowsError(try outcome[i]?.get()) { XCTAssertEqual($0 as? LogError, .io(operation: "fdatasync", errno: EIO)) }
        }
        XCTAssertEqual(try readAll(log).count, 3)
        XCTAssertEqual(log.stats().segments, 2)
        XCTAssertEqual(try log.appendAndWait([payload(3, size: 100)]), [324])
    }

    /// A request's records are acknowledged together, so a roll that fails must not leave some
    /// of them durable: the roll comes before the request, not between its records.
    func testARequestIsNeverSplitAcrossAFailedRoll() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let fault = Shared<Int32?>(nil)
        var options = FileLogOptions(segmentSize: 400)
        options.injectFault = { name in name == "roll" ? fault.current : nil }
        let log = try FileLog.open(directory: dir.path, options: options)
        _ = try log.appendAndWait([payload(1, size: 100)])  // the segment now ends at 24 + 108
        fault.update { $0 = EIO }
        // 2 x 158 framed bytes: the first would still fit in the segment, the second not.
        XCTAssertThrowsError(try log.appendAndWait([payload(2, size: 150), payload(3, size: 150)])) { error in
            XCTAssertEqual(error as? LogError, .io(operation: "roll", errno: EIO))
        }
        fault.update { $0 = nil }
        _ = try log.appendAndWait([payload(4, size: 100)])
        log.close()

        let reopened = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: 400))
        defer { reopened.close() }
        XCTAssertEqual(try readAll(reopened).map(\.payload), [payload(1, size: 100), payload(4, size: 100)],
                       "a record of the refused request survived")
    }

    /// Open trusts the records it reads; a writer killed inside its sync leaves ones that were
    /// never synced, so open syncs the kept tail (and the directory) and refuses if it cannot.
    func testOpenSyncsWhatItKeepsAndRefusesWhenItCannot() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path)
        _ = try log.appendAndWait([payload(1, size: 100)])
        log.close()

        var failing = FileLogOptions()
        failing.injectFault = { name in name == "open-sync" ? EIO : nil }
        XCTAssertThrowsError(try FileLog.open(directory: dir.path, options: failing)) { error in
            XCTAssertEqual(error as? LogError, .io(operation: "fdatasync at open", errno: EIO))
        }
        // The refused open let go of the directory and changed nothing.
        let reopened = try FileLog.open(directory: dir.path)
        defer { reopened.close() }
        XCTAssertEqual(try readAll(reopened).map(\.payload), [payload(1, size: 100)])
    }
}
