import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `https://` delivery through URLSession (libcurl and its TLS; no TLS of our own). One
/// session per subscriber, shared by its workers, each blocking on its own request.
/// The SSRF guard runs before every request; URLSession resolves the name again itself, so
/// a name re-pointed in between is a gap this path cannot close (plain http connects to
/// exactly the checked address).
final class URLSessionSender: Sendable {
    private let session: URLSession
    private let allowPrivate: Bool
    private let abort: AbortSignal

    init(connections: Int, allowPrivate: Bool, abort: AbortSignal) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = max(1, connections)
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCredentialStorage = nil
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
        self.allowPrivate = allowPrivate
        self.abort = abort
    }

    func invalidate() { session.invalidateAndCancel() }

    func send(_ request: OutboundRequest, timeoutSeconds: Double) -> SendResult {
        let started = WallClock.monotonicNanoseconds()
        let answer = exchange(request, timeoutSeconds: timeoutSeconds)
        return SendResult(answer: answer, latencyMs: (WallClock.monotonicNanoseconds() - started) / 1_000_000)
    }

    private func exchange(_ request: OutboundRequest, timeoutSeconds: Double) -> SendResult.Answer {
        do {
            _ = try AddressGuard.resolve(request.target, allowPrivate: allowPrivate)
        } catch {
            return .failure(error)
        }
        let t = request.target
        guard let url = URL(string: "https://\(t.hostHeader)\(t.requestTarget)") else {
            return .failure(.invalidTarget("cannot be handed to URLSession"))
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = "POST"
        urlRequest.httpBody = Data(request.body)
        // URLSession on Linux rounds its own timeout to whole seconds: it is only the backstop
        // for the exact wait below.
        urlRequest.timeoutInterval = (timeoutSeconds + 1).rounded(.up)
        urlRequest.setValue(OutboundRequest.userAgent, forHTTPHeaderField: "User-Agent")
        urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }

        let box = AnswerBox()
        let task = session.dataTask(with: urlRequest) { data, response, error in
            box.set(Self.answer(data: data, response: response, error: error))
        }
        task.resume()
        let deadline = WallClock.monotonicNanoseconds() + Int64(timeoutSeconds * 1_000_000_000)
        while true {
            if let answer = box.wait(milliseconds: 100) { return answer }
            if abort.isRaised {
                task.cancel()
                return .failure(.aborted)
            }
            if WallClock.monotonicNanoseconds() >= deadline {
                task.cancel()
                return .failure(.timedOut("waiting for an answer"))
            }
        }
    }

    private static func answer(data: Data?, response: URLResponse?, error: (any Error)?) -> SendResult.Answer {
        if let error {
            let code = (error as? URLError)?.code
            if code == .timedOut { return .failure(.timedOut("in URLSession")) }
            if code == .cancelled { return .failure(.aborted) }
            // URLError descriptions can quote the URL; report only the code.
            return .failure(.transport("https request failed (URLError \(code?.rawValue ?? -1))"))
        }
        guard let http = response as? HTTPURLResponse else { return .failure(.malformedResponse("no HTTP response")) }
        let retryAfter = http.value(forHTTPHeaderField: "Retry-After")
        let prefix = Array((data ?? Data()).prefix(HTTPResponseParser.bodyPrefixBytes))
        return .response(ClientResponse(status: http.statusCode, retryAfter: retryAfter, bodyPrefix: prefix, reusable: true))
    }
}
