import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Collects each transfer's answer and hands it to whoever registered for it. A delegate
/// rather than completion handlers because only a delegate can refuse what URLSession would
/// otherwise do on its own: follow redirects (turning a POST into a GET), and answer a 401
/// carrying `WWW-Authenticate: Basic` with a credential challenge that, without a delegate,
/// never completes on Linux.
final class SessionDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private struct Transfer {
        var response: HTTPURLResponse?
        var body = Data()
        let finish: @Sendable (TransportResult) -> Void
    }

    private let transfers = Mutex<[Int: Transfer]>([:])
    /// An API's answer past this is not read further: the transfer fails (held whole in
    /// memory, a hostile or broken API could otherwise grow it until the timeout).
    static let maxAnswerBytes = 4 << 20

    /// Must be called before the task is resumed.
    func register(_ taskIdentifier: Int, finish: @escaping @Sendable (TransportResult) -> Void) {
        transfers.withLock { $0[taskIdentifier] = Transfer(finish: finish) }
    }

    /// Drops a transfer whose caller has stopped waiting (it timed out).
    func forget(_ taskIdentifier: Int) {
        _ = transfers.withLock { $0.removeValue(forKey: taskIdentifier) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        transfers.withLock { $0[dataTask.taskIdentifier]?.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let id = dataTask.taskIdentifier
        let overflowed = transfers.withLock { transfers -> Bool in
            guard let held = transfers[id]?.body.count else { return false }
            if held + data.count > Self.maxAnswerBytes { return true }
            transfers[id]!.body.append(data)
            return false
        }
        guard overflowed else { return }
        finish(id, fallbackResponse: nil, error: URLError(.dataLengthExceedsMaximum))
        dataTask.cancel()
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        // The APIs do not redirect; if one does, the 3xx is the answer, reported as such.
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
                    completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void) {
        // The request already carried its credentials: a challenge means they were refused,
        // and the 401 that came with it is the answer.
        finish(task.taskIdentifier, fallbackResponse: challenge.failureResponse as? HTTPURLResponse, error: nil)
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        finish(task.taskIdentifier, fallbackResponse: task.response as? HTTPURLResponse, error: error)
    }

    private func finish(_ taskIdentifier: Int, fallbackResponse: HTTPURLResponse?, error: (any Error)?) {
        guard let transfer = transfers.withLock({ $0.removeValue(forKey: taskIdentifier) }) else { return }
        if let error {
            let code = (error as? URLError)?.code ?? .unknown
            transfer.finish(code == .timedOut ? .timedOut : .failed(code))
            return
        }
        guard let response = transfer.response ?? fallbackResponse else {
            transfer.finish(.failed(.badServerResponse))
            return
        }
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        transfer.finish(.reply(HTTPReply(status: response.statusCode, headers: headers, body: Array(transfer.body))))
    }
}
