import XCTest
@testable import Gateway
import Routing
import Signing

final class StateIndexTests: XCTestCase {
    private let referenceKey = DigestKey(k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908)

    private func sip(_ length: Int) -> String {
        var hasher = SipHasher128(key: referenceKey)
        let message = (0..<length).map { UInt8($0) }
        // Fed in two pieces to exercise the partial-word path as well.
        let split = length / 3
        message[..<split].withUnsafeBytes { hasher.feed($0) }
        message[split...].withUnsafeBytes { hasher.feed($0) }
        let d = hasher.finish()
        return withUnsafeBytes(of: (d.high.littleEndian, d.low.littleEndian)) { $0.map { String(format: "%02x", $0) }.joined() }
    }

    /// The reference implementation's vectors_sip128 (0-3) and, for longer inputs, what
    /// `openssl mac -macopt hexkey:000102..0f -macopt size:16 SIPHASH` prints.
    func testSipHash128MatchesReferenceVectors() {
        XCTAssertEqual(sip(0), "a3817f04ba25a8e66df67214c7550293")
        XCTAssertEqual(sip(1), "da87c1d86b99af44347659119b22fc45")
        XCTAssertEqual(sip(2), "8177228da4a45dc7fca38bdef60affe4")
        XCTAssertEqual(sip(7), "a1f1ebbed8dbc153c0b84aa61ff08239")
        XCTAssertEqual(sip(8), "3b62a9ba6258f5610f83e264f31497b4")
        XCTAssertEqual(sip(15), "5493e99933b0a8117e08ec0f97cfc3d9")
        XCTAssertEqual(sip(16), "6ee2a4ca67b054bbfd3315bf85230577")
        XCTAssertEqual(sip(40), "df6a301e95c95dad97ae0cc8c6913bd8")
    }

    func testDigestSeparatesSourceFromID() {
        let a = KeyDigest.of(DedupeKey(source: "ab", eventID: "c"), key: referenceKey)
        let b = KeyDigest.of(DedupeKey(source: "a", eventID: "bc"), key: referenceKey)
        XCTAssertNotEqual(a, b)
    }

    func testDigestIndexKeepsFirstValueAndGrows() {
        var index = DigestIndex()
        let key = DigestKey.random()
        for i in 0..<50_000 { XCTAssertTrue(index.insert(KeyDigest.of(DedupeKey(source: "s", eventID: "e\(i)"), key: key), UInt64(i))) }
        XCTAssertFalse(index.insert(KeyDigest.of(DedupeKey(source: "s", eventID: "e7"), key: key), 99))
        XCTAssertEqual(index.count, 50_000)
        for i in stride(from: 0, to: 50_000, by: 997) {
            XCTAssertEqual(index[KeyDigest.of(DedupeKey(source: "s", eventID: "e\(i)"), key: key)], UInt64(i))
        }
        XCTAssertNil(index[KeyDigest.of(DedupeKey(source: "t", eventID: "e1"), key: key)])
    }

    /// Growth moves entries a few slots per insert: every operation must see one table's
    /// worth of entries while two tables exist (checked against a dictionary throughout,
    /// with copies taken mid-move that must not change, and removals mid-move).
    func testDigestIndexAgreesWithADictionaryWhileItGrows() {
        var index = DigestIndex()
        var reference: [KeyDigest: UInt64] = [:]
        var copies: [(DigestIndex, Int)] = []
        let key = DigestKey.random()
        func digest(_ i: Int) -> KeyDigest { KeyDigest.of(DedupeKey(source: "s", eventID: "e\(i)"), key: key) }
        for i in 0..<40_000 {
            XCTAssertTrue(index.insert(digest(i), UInt64(i)))
            reference[digest(i)] = UInt64(i)
            let again = digest(i / 2)
            XCTAssertEqual(index.insert(again, UInt64(i / 2)), reference[again] == nil, "only an unknown digest goes in (\(i / 2))")
            reference[again] = UInt64(i / 2)
            XCTAssertEqual(index[digest(i / 3)], reference[digest(i / 3)])
            if i % 997 == 0 {
                XCTAssertEqual(index.remove(digest(i - 1)), i > 0 ? UInt64(i - 1) : nil)
                reference[digest(i - 1)] = nil
            }
            if i % 4099 == 0 { copies.append((index, reference.count)) }
            XCTAssertEqual(index.count, reference.count)
        }
        XCTAssertNil(index[digest(-5)])
        var seen: [KeyDigest: UInt64] = [:]
        index.forEach { high, low, value in seen[KeyDigest(high: high, low: low & ~1)] = value }
        XCTAssertEqual(seen.count, reference.count)
        for (digest, value) in reference { XCTAssertEqual(seen[KeyDigest(high: digest.high, low: digest.low & ~1)], value) }
        for (copy, count) in copies {
            var entries = 0
            copy.forEach { _, _, _ in entries += 1 }
            XCTAssertEqual(entries, count, "a copy keeps what it held")
        }
        index.removeAll { $0 >= 20_000 }
        XCTAssertEqual(index.count, reference.values.filter { $0 >= 20_000 }.count)
        XCTAssertNil(index[digest(19_999)])
        XCTAssertEqual(index[digest(39_999)], 39_999)
    }

    /// Chunk edges are where a chunked array can go wrong: appends, writes and copies across
    /// them must behave as one `Array`.
    func testChunkedArrayBehavesAsOneArrayAcrossChunks() {
        var chunked = ChunkedArray<UInt64>()
        var reference: [UInt64] = []
        for i in 0..<200_000 {
            chunked.append(UInt64(i) &* 2654435761)
            reference.append(UInt64(i) &* 2654435761)
        }
        let copy = chunked
        for i in stride(from: 0, to: 200_000, by: 65_535) {
            chunked[i] = 7
            reference[i] = 7
        }
        chunked.append(9)
        reference.append(9)
        XCTAssertEqual(chunked.count, reference.count)
        XCTAssertEqual(chunked.array, reference)
        XCTAssertEqual(copy.count, 200_000, "a copy keeps what it held")
        XCTAssertEqual(copy[65_535], UInt64(65_535) &* 2654435761)
        XCTAssertEqual(ChunkedArray(reference), chunked)
        XCTAssertNotEqual(ChunkedArray(Array(reference.dropLast())), chunked)
        XCTAssertEqual(chunked[65_536], reference[65_536])
        XCTAssertTrue(ChunkedArray<UInt64>().isEmpty)
        // Exactly one chunk's worth, appended or built at once: the same value (found in review).
        var appended = ChunkedArray<UInt64>()
        for i in 0..<65_536 { appended.append(UInt64(i)) }
        XCTAssertEqual(appended, ChunkedArray((0..<65_536).map(UInt64.init)))
        appended.append(1)
        XCTAssertEqual(appended, ChunkedArray((0..<65_536).map(UInt64.init) + [1]))
        XCTAssertEqual(ChunkedArray(Array(reference.prefix(65_536))).array, Array(reference.prefix(65_536)))
    }

    func testHistoryChainsInterleaveEvents() {
        var chains = HistoryChains()
        chains.addEvent(0)
        chains.addEvent(100)
        chains.link(150, toEvent: 0)
        chains.link(160, toEvent: 1)
        chains.link(170, toEvent: 0)
        for n in 2..<40 { chains.addEvent(UInt64(n) * 1000) }
        chains.link(50_000, toEvent: 1)
        XCTAssertEqual(chains.chain(ofEvent: 0), [0, 150, 170])
        XCTAssertEqual(chains.chain(ofEvent: 1), [100, 160, 50_000])
        XCTAssertEqual(chains.chain(ofEvent: 5), [5000])
        XCTAssertEqual(chains.second(ofEvent: 1), 160)
        XCTAssertNil(chains.second(ofEvent: 5))
        XCTAssertEqual(chains.event(receivedAt: 100), 1)
        XCTAssertEqual(chains.event(receivedAt: 39_000), 39)
        XCTAssertEqual(chains.event(receivedAt: 7000), 7)
        XCTAssertNil(chains.event(receivedAt: 7001))
        XCTAssertNil(chains.event(receivedAt: 99_999))
        // A chain read back from a damaged snapshot must not loop.
        XCTAssertNil(HistoryChains(received: [0], newest: [0], records: [10], previous: [0]))
    }

    /// Random inserts and removals against Swift's own Set: deletion by shifting back must
    /// never strand an entry behind an emptied slot.
    func testOffsetSetAgreesWithSet() {
        var mine = OffsetSet()
        var reference = Set<UInt64>()
        var generator = SystemRandomNumberGenerator()
        for step in 0..<60_000 {
            let value = UInt64.random(in: 0..<4_000, using: &generator) * 37
            if step % 3 == 2 {
                XCTAssertEqual(mine.remove(value), reference.remove(value) != nil)
            } else {
                XCTAssertEqual(mine.insert(value), reference.insert(value).inserted)
            }
            if step % 5_000 == 0 { XCTAssertEqual(mine.sorted(), reference.sorted()) }
        }
        XCTAssertEqual(mine.count, reference.count)
        XCTAssertEqual(mine.sorted(), reference.sorted())
        for value in reference { XCTAssertTrue(mine.contains(value)) }
        for value in reference { mine.remove(value) }
        XCTAssertTrue(mine.isEmpty)
        XCTAssertEqual(mine.sorted(), [])
    }

    /// The in-place path (what a restart uses) and the decoded path must build the same
    /// state from the same records.
    func testPayloadFoldMatchesDecodedFold() throws {
        let key = DigestKey.random()
        var folder = StateFolder(GatewayState(digestKey: key))
        var reader = FoldItemReader(digestKey: key)
        var batch = FoldBatch()
        var viaEvents = GatewayState(digestKey: key)
        var events: [(UInt64, LogEvent)] = []
        var offset: UInt64 = 0
        for i in 0..<200 {
            // Every fifth is routed at intake (a source without rules): no routed record follows.
            let atIntake = i % 5 == 1
            let received = LogEvent.received(ReceivedEvent(source: i % 3 == 0 ? "github" : "yunojuno", eventID: "id\(i % 150)",
                                                           eventType: i % 2 == 0 ? "t" : nil, receivedAt: 1000 + Int64(i),
                                                           signedAt: i % 4 == 0 ? 77 : nil, contentType: i % 3 == 1 ? "application/json" : nil,
                                                           body: Array("{}".utf8), routedAtIntake: atIntake))
            events.append((offset, received))
            let receivedAt = offset
            offset += 100
            if !atIntake {
                events.append((offset, .routed(RoutedEvent(eventOffset: receivedAt, source: "yunojuno", eventID: "id\(i)", jobs: [], routedAt: 5))))
                offset += 100
            }
        }
        events.append((offset, .received(ReceivedEvent(source: "github", eventID: "unrouted", eventType: nil, receivedAt: 1, signedAt: nil,
                                                       contentType: nil, body: []))))
        offset += 100
        for (at, event) in events {
            viaEvents.apply(event, at: at)
            try event.encoded().withUnsafeBytes { try reader.read($0, at: at, into: &batch) }
        }
        folder.apply(batch)
        let viaPayload = folder.finish()
        XCTAssertEqual(viaPayload.uniqueEvents, viaEvents.uniqueEvents)
        XCTAssertEqual(viaPayload.acceptedBySource, viaEvents.acceptedBySource)
        XCTAssertEqual(viaPayload.receivedOffsets, viaEvents.receivedOffsets)
        XCTAssertEqual(viaPayload.unrouted, viaEvents.unrouted)
        XCTAssertEqual(viaPayload.eventsApplied, viaEvents.eventsApplied)
        XCTAssertEqual(viaPayload.historyOffsets(eventID: "id3").map(\.records), viaEvents.historyOffsets(eventID: "id3").map(\.records))
        // 200 deliveries over 150 distinct ids per source pattern: later copies are not events.
        XCTAssertLessThan(viaPayload.uniqueEvents, 200)
        XCTAssertEqual(viaPayload.unrouted, [offset - 100], "only the event with neither a routed record nor routing at intake")
        XCTAssertEqual(viaPayload.historyOffsets(eventID: "id3").first?.records, [500, 600])
        XCTAssertEqual(viaPayload.historyOffsets(eventID: "id1").first?.records, [200], "routed at intake: one record")
    }

    /// Version 2 of `received` carries flags; without any, version 1 is still written.
    func testReceivedRecordsRoundTripWithAndWithoutRoutingAtIntake() throws {
        for atIntake in [false, true] {
            let event = ReceivedEvent(source: "s", eventID: "e", eventType: "t", receivedAt: 5, signedAt: 6, contentType: "text/plain",
                                      body: Array("body".utf8), routedAtIntake: atIntake)
            let bytes = LogEvent.received(event).encoded()
            XCTAssertEqual(bytes[1], atIntake ? 2 : 1)
            XCTAssertEqual(try LogEvent.decode(bytes), .received(event))
        }
        var unknown = LogEvent.received(ReceivedEvent(source: "s", eventID: "e", eventType: nil, receivedAt: 5, signedAt: nil, contentType: nil,
                                                      body: [1], routedAtIntake: true)).encoded()
        let flags = unknown.count - 1 - 4 - 1  // the flags byte, before the body (a u32 length and one byte)
        XCTAssertEqual(unknown[flags], 1)
        unknown[flags] = 5
        XCTAssertThrowsError(try LogEvent.decode(unknown)) { XCTAssertEqual($0 as? LogEventDecodingError, .unknownFlags(kind: 1, flags: 5)) }
        var reader = FoldItemReader(digestKey: DigestKey.random())
        var batch = FoldBatch()
        XCTAssertThrowsError(try unknown.withUnsafeBytes { try reader.read($0, at: 0, into: &batch) })
    }

    /// An event whose id came from an unsigned header carries its body's digest: a second
    /// dedupe key, folded the same whether the state is built live or from the log's bytes.
    func testBodyKeyedReceivedRecordsRoundTripAndFoldBothKeys() throws {
        let body = Array(#"{"action":"opened"}"#.utf8)
        let event = ReceivedEvent(source: "gh", eventID: "d-1", eventType: nil, receivedAt: 5, signedAt: nil, contentType: nil,
                                  body: body, contentDigest: SHA256Digest.hash(body))
        let bytes = LogEvent.received(event).encoded()
        XCTAssertEqual(bytes[1], 2)
        XCTAssertEqual(try LogEvent.decode(bytes), .received(event))
        guard case .received(let bodiless) = try LogEvent.decode(bytes, withBody: false) else { return XCTFail() }
        XCTAssertEqual(bodiless.contentDigest, event.contentDigest)
        let contentKey = DedupeKey(source: "gh", eventID: "sha256:" + SHA256Digest.hex(body))

        var live = GatewayState(digestKey: DigestKey.random())
        live.apply(.received(event), at: 0)
        var folder = StateFolder(GatewayState(digestKey: live.digestKey))
        var reader = FoldItemReader(digestKey: live.digestKey)
        var batch = FoldBatch()
        try bytes.withUnsafeBytes { try reader.read($0, at: 0, into: &batch) }
        XCTAssertEqual(batch.items.first?.kind, .received, "read in place, not decoded whole")
        XCTAssertEqual(batch.items.first?.hasSecond, true)
        XCTAssertTrue(batch.events.isEmpty)
        folder.apply(batch)
        let folded = folder.finish()
        for state in [live, folded] {
            XCTAssertTrue(state.contains(DedupeKey(source: "gh", eventID: "d-1")))
            XCTAssertTrue(state.contains(contentKey))
            XCTAssertEqual(state.uniqueEvents, 1, "the second key is not a second event")
        }
    }

    /// The in-flight table and the durable index must agree on which ids are the same: bytes,
    /// not `String`'s canonical equivalence.
    func testDedupeKeysCompareAsBytes() {
        let composed = DedupeKey(source: "s", eventID: "caf\u{E9}"), decomposed = DedupeKey(source: "s", eventID: "cafe\u{301}")
        XCTAssertEqual(composed.eventID, decomposed.eventID, "String calls them equal")
        XCTAssertNotEqual(composed, decomposed)
        XCTAssertEqual(Set([composed, decomposed]).count, 2)
        let key = DigestKey.random()
        XCTAssertNotEqual(KeyDigest.of(composed, key: key), KeyDigest.of(decomposed, key: key))
        XCTAssertNotEqual(DedupeKey(source: "ab", eventID: "c"), DedupeKey(source: "a", eventID: "bc"))
        XCTAssertEqual(DedupeKey(source: "s", eventID: "caf\u{E9}"), composed)
    }

    /// A remap that lands after retention forgot its event plans nothing, whichever way the
    /// state is rebuilt: the event's body is gone, so such a job could never run.
    func testRemapOfAnEventRetentionForgotPlansNothing() {
        var state = GatewayState(digestKey: DigestKey.random())
        let event = ReceivedEvent(source: "s", eventID: "e", eventType: "t", receivedAt: 1, signedAt: nil, contentType: nil, body: [])
        state.apply(.received(event), at: 0)
        state.apply(.routed(RoutedEvent(eventOffset: 0, source: "s", eventID: "e", jobs: [], routedAt: 2)), at: 100)
        state.apply(.received(ReceivedEvent(source: "s", eventID: "f", eventType: "t", receivedAt: 3, signedAt: nil, contentType: nil, body: [])), at: 200)
        state.apply(.retained(RetentionMark(before: 200, dedupeFloor: 0, at: 4, subscribers: [:])), at: 300)
        let plan = JobPlan(id: "job_0_r1", rule: "late", key: nil,
                           actions: [ActionTemplate(name: "a", api: "growcrm", operation: "create_contact")], notify: [])
        state.apply(.remapped(RoutedEvent(eventOffset: 0, source: "s", eventID: "e", jobs: [plan], routedAt: 5)), at: 400)
        XCTAssertNil(state.jobs["job_0_r1"])
        XCTAssertTrue(state.openJobs.isEmpty)
        let kept = JobPlan(id: "job_200_r1", rule: "late", key: nil,
                           actions: [ActionTemplate(name: "a", api: "growcrm", operation: "create_contact")], notify: [])
        state.apply(.remapped(RoutedEvent(eventOffset: 200, source: "s", eventID: "f", jobs: [kept], routedAt: 6)), at: 500)
        XCTAssertNotNil(state.jobs["job_200_r1"], "an event after the mark is remapped as usual")
    }
}
