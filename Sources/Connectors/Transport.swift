import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends requests over the one URLSession the connectors share, with exact timeouts.
final class Transport: Sendable {
    private let session: URLSession
    private let delegate = SessionDelegate()

    /// The session is always the transport's own, so that its delegate decides redirects and
    /// authentication challenges; `configuration` (a caller's session's) is used when given.
    init(configuration given: URLSessionConfiguration?, maximumConnectionsPerHost: Int) {
        let configuration: URLSessionConfiguration
        if let given {
            configuration = given
        } else {
            configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = max(1, maximumConnectionsPerHost)
            configuration.urlCache = nil
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            configuration.httpCookieStorage = nil
            configuration.httpShouldSetCookies = false
            configuration.httpCookieAcceptPolicy = .never
            configuration.urlCredentialStorage = nil
        }
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        // The session holds its delegate until invalidated.
        session.finishTasksAndInvalidate()
    }

    func send(_ request: URLRequest, timeoutSeconds: Double) async -> TransportResult {
        var request = request
        // URLSession on Linux truncates its timeout to whole seconds (one under a second fires
        // at once), so it only backs up the exact timer below.
        request.timeoutInterval = (max(timeoutSeconds, 0) + 1).rounded(.up)
        return await withCheckedContinuation { continuation in
            let outcome = OneShot(continuation)
            let task = session.dataTask(with: request)
            let id = task.taskIdentifier
            delegate.register(id) { result in outcome.finish(result) }
            task.resume()
            DispatchQueue.global().asyncAfter(deadline: .now() + max(timeoutSeconds, 0.001)) { [delegate] in
                guard outcome.finish(.timedOut) else { return }
                delegate.forget(id)
                task.cancel()
            }
        }
    }
}
