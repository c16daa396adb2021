import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Routing

/// The gateway's outbound side: validates an action, sends it to its API once (plus any
/// look-ups that keeps from making duplicates) and classifies what happened. Retrying,
/// ordering and logging are the action engine's.
public final class ConnectorSet: Sendable {
    private let connections: [APIName: APIConnection]

    /// The connectors use a session of their own: with `session`'s configuration when one is
    /// given, otherwise ephemeral, without cache, cookies or stored credentials, and with enough
    /// connections per host for every API's concurrency. Their own, because only the session's
    /// delegate can stop URLSession following redirects and answering 401 challenges by itself.
    public init(settings: ConnectorSettings, session: URLSession? = nil) {
        let endpoints = APIName.allCases.compactMap { api in settings.endpoint(for: api).map { (api, $0) } }
        let transport = Transport(configuration: session?.configuration,
                                  maximumConnectionsPerHost: endpoints.reduce(0) { $0 + max(1, $1.1.concurrency) })
        connections = Dictionary(uniqueKeysWithValues: endpoints.map { ($0.0, APIConnection(api: $0.0, endpoint: $0.1, transport: transport)) })
    }

    /// Starts one attempt and returns at once. Invalid actions fail without sending anything;
    /// valid ones wait for one of their API's `concurrency` slots, first come first served.
    /// `completion` runs once, on some other thread, with the time spent once admitted.
    ///
    /// `admitted`, when given, is called once the slot is granted and before anything is sent
    /// (the look-up an unknown outcome calls for included); the attempt goes on only when it
    /// answers true. The caller records the attempt's start there, so the time it records is
    /// when requests leave, not when the attempt began queueing (a crash's look-up waits from
    /// it). Answered false, nothing is sent and the outcome is `notSentOutcome`.
    public func perform(_ action: RenderedAction, mode: AttemptMode,
                        admitted: (@Sendable (_ proceed: @escaping @Sendable (Bool) -> Void) -> Void)? = nil,
                        completion: @escaping @Sendable (ActionOutcome, _ latencyMilliseconds: Int) -> Void) {
        switch prepare(action, mode: mode) {
        case .failure(let invalid):
            // Never on the caller's thread: a caller holding a lock must not be re-entered.
            DispatchQueue.global().async { completion(.permanent(status: nil, error: invalid.message), 0) }
        case .success(let runner):
            let gate = runner.connection.gate
            gate.submit {
                Task {
                    if let admitted {
                        let proceed = await withCheckedContinuation { (answer: CheckedContinuation<Bool, Never>) in
                            admitted { answer.resume(returning: $0) }
                        }
                        guard proceed else {
                            gate.release()
                            return completion(Self.notSentOutcome, 0)
                        }
                    }
                    let started = ContinuousClock.now
                    let outcome = await runner.run()
                    let elapsed = (ContinuousClock.now - started).components
                    gate.release()
                    completion(outcome, Int(elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000))
                }
            }
        }
    }

    /// What `perform` completes with when `admitted` answered false: nothing was sent.
    public static let notSentOutcome = ActionOutcome.retryable(status: nil, error: "not sent: the attempt's start was not recorded",
                                                               retryAfterSeconds: nil)

    /// The longest one request to `api` may take (its configured timeout), nil for an API
    /// that is not configured.
    public func timeoutMilliseconds(api: String) -> Int64? {
        APIName(rawValue: api).flatMap { connections[$0] }.map { Int64($0.endpoint.timeoutSeconds * 1000) }
    }

    /// The error `perform` would give this action without sending it, or nil if it would send.
    public func validate(_ action: RenderedAction) -> String? {
        if case .failure(let invalid) = prepare(action, mode: .fresh) { return invalid.message }
        return nil
    }

    private func prepare(_ action: RenderedAction, mode: AttemptMode) -> Result<OperationRunner, InvalidAction> {
        guard let api = APIName(rawValue: action.api) else {
            let known = APIName.allCases.map(\.rawValue).sorted().joined(separator: ", ")
            return .failure(InvalidAction(message: "unknown api \(ValueDescription.quoted(action.api)) (known: \(known))"))
        }
        guard let definition = OperationTable.definition(api: action.api, operation: action.operation) else {
            let known = OperationTable.all.filter { $0.api == api }.map(\.name).joined(separator: ", ")
            return .failure(InvalidAction(message: "\(api.rawValue): unknown operation \(ValueDescription.quoted(action.operation)) (known: \(known))"))
        }
        guard let connection = connections[api] else {
            return .failure(InvalidAction(message: "\(definition.label): \(api.displayName) is not configured"))
        }
        return ActionValidator.prepare(action, as: definition).map {
            OperationRunner(definition: definition, connection: connection, request: $0, mode: mode)
        }
    }
}
