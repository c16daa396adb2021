import Foundation
import Signing
import Synchronization

/// What the operator endpoints keep between requests: the digest of the operator token
/// (never the token), the log tail with its counters, rates and event index, and the
/// thread that keeps the tail current every couple of seconds.
final class OperatorServices: Sendable {
    static let tickSeconds = 2

    /// SHA-256 of `operator_token`, or nil when none is configured (loopback peers only).
    let tokenDigest: [UInt8]?
    let rates = RateHistory()
    let index = EventIndex()
    let tail: LogTail
    private let started = Atomic<Bool>(false)
    private let ticker: PeriodicTask

    /// Resolves `operator_token`. A reference with no value stops the start when
    /// development secrets are off (as a source's secret would), otherwise it is reported
    /// and the endpoints stay loopback-only. Messages name the reference, never a value.
    /// `tokenOptional`: an offline verb, which serves no endpoint, starts without the token.
    init(configuration: GatewayConfiguration, secrets: SecretResolver, store: EventStore, logger: Logger,
         tokenOptional: Bool = false) throws {
        if let reference = configuration.operatorToken {
            if let token = try secrets.resolve(reference) {
                tokenDigest = SHA256Digest.hash(Array(token.utf8))
                logger.info("operator endpoints require a bearer token", [("token_from", reference.description)])
            } else if configuration.devSecrets || tokenOptional {
                tokenDigest = nil
                if !tokenOptional {
                    logger.warning("operator_token has no value; operator endpoints answer loopback peers only",
                                   [("looked_in", reference.description)])
                }
            } else {
                throw ConfigurationError("operator_token: no value found in \(reference)")
            }
        } else {
            tokenDigest = nil
        }
        let tail = LogTail(store: store, rates: rates, index: index)
        self.tail = tail
        ticker = PeriodicTask(name: "operator-tail", every: Double(Self.tickSeconds)) { tail.catchUp() }
    }

    var authMode: String { tokenDigest == nil ? "loopback_only" : "bearer_token" }

    func start() {
        guard !started.exchange(true, ordering: .relaxed) else { return }
        // Prime the tail now, before the listener opens: it then counts every event from the
        // first one this process accepts, however late its thread gets scheduled.
        tail.catchUp()
        ticker.start()
    }

    /// Stops the thread before the log closes (it reads the log).
    func stop() {
        ticker.stop()
    }
}
