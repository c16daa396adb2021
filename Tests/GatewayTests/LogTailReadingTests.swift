@testable import Gateway
import Signing
import XCTest

/// The log tail reads a `received` record's time in place instead of decoding it; it must
/// count exactly the records the decoder accepts, with the same time.
final class LogTailReadingTests: XCTestCase {
    func testReceivedTimeMatchesTheDecoderOnWholeAndCutRecords() {
        let events = [
            ReceivedEvent(source: "s", eventID: "e1", eventType: "t", receivedAt: 1_795_660_052_123, signedAt: 1_795_660_052,
                          contentType: "application/json", body: Array("{}".utf8)),
            ReceivedEvent(source: "source", eventID: "", eventType: nil, receivedAt: -5, signedAt: nil, contentType: nil, body: []),
            ReceivedEvent(source: "gh", eventID: "d-1", eventType: nil, receivedAt: 7, signedAt: nil, contentType: nil,
                          body: Array("{}".utf8), contentDigest: SHA256Digest.hash(Array("{}".utf8))),
        ]
        for event in events {
            let payload = LogEvent.received(event).encoded()
            for cut in 0...payload.count {
                let prefix = Array(payload[0..<cut])
                var expected: Int64?
                if case .received(let e)? = try? LogEvent.decode(prefix, withBody: false) { expected = e.receivedAt }
                let read = prefix.withUnsafeBytes { LogTail.receivedAt($0) }
                XCTAssertEqual(read, expected, "cut at \(cut) of \(payload.count)")
            }
        }
        let routed = LogEvent.routed(RoutedEvent(eventOffset: 0, source: "s", eventID: "e", jobs: [], routedAt: 1)).encoded()
        XCTAssertNil(routed.withUnsafeBytes { LogTail.receivedAt($0) })
    }
}
