import Foundation
import Gateway
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Routing
import Synchronization

/// Talks to a running gateway's operator endpoints for `status`, `replay --url` and
/// `redeliver --url`: checks `--url`, takes the token from the variable `--token-env` names
/// (the token itself never goes on the command line), and turns every way a request can go
/// wrong into one plain message and exit status 1.
struct OperatorClient {
    let base: String
    private let token: String?

    /// `fallbackURL` is used when `--url` is absent (`status` has one; the recovery verbs
    /// act offline without `--url`, so they always pass it).
    init(_ arguments: Arguments, fallbackURL: String) throws {
        base = (arguments["url"] ?? fallbackURL).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw UsageError("--url must be an http:// or https:// address, e.g. http://127.0.0.1:8080")
        }
        if let variable = arguments["token-env"] {
            guard let token = ProcessInfo.processInfo.environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines),
                  !token.isEmpty else {
                throw UsageError("--token-env \(variable): that environment variable is not set")
            }
            self.token = token
        } else {
            token = nil
        }
    }

    /// GET `path`; the status and body, after the access refusals have been reported.
    func get(_ path: String) -> (Int, [UInt8]) {
        var request = URLRequest(url: url(path), cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 5)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        return send(request, waitSeconds: 10)
    }

    /// POST `parameters` as a JSON object and read the JSON answer; any other status than 200
    /// ends the process with the server's message. A remap reads the whole log, so it may
    /// take a while on a large one: the wait is generous.
    func post(_ path: String, _ parameters: [String: JSONValue]) -> JSONValue {
        var request = URLRequest(url: url(path), cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 600)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.httpBody = Data(JSONValue.object(parameters).serialized())
        let (status, body) = send(request, waitSeconds: 610)
        let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        switch status {
        case 200:
            guard let document = try? JSONValue.parse(body) else { fail("\(base)\(path) did not answer JSON") }
            return document
        case 404 where text.hasPrefix("{"):
            // A JSON 404 names what is missing (a delivery, a subscriber); a bare one means an
            // older gateway without this endpoint.
            fail(TerminalText.printable((try? JSONValue.parse(body))?[path: "error"]?.scalarText ?? text))
        case 404, 405:
            fail("\(base) does not serve POST \(path) (a gatehouse older than this one?)")
        default:
            fail("\(base)\(path) answered \(status): \(TerminalText.printable(text))")
        }
    }

    private func url(_ path: String) -> URL {
        guard let url = URL(string: base + path) else { fail("cannot form a URL from \(base) and \(path)") }
        return url
    }

    /// One blocking request. Exits 1 with a plain message when nothing answers or the
    /// gateway refuses the caller (401 wants the token, 403 wants a loopback client).
    private func send(_ request: URLRequest, waitSeconds: Int) -> (Int, [UInt8]) {
        var request = request
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let outcome = Mutex<Result<(Int, [UInt8]), Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let session = URLSession(configuration: .ephemeral, delegate: RedirectRefusal(), delegateQueue: nil)
        session.dataTask(with: request) { data, response, error in
            let result: Result<(Int, [UInt8]), Error>
            if let error {
                result = .failure(error)
            } else {
                result = .success(((response as? HTTPURLResponse)?.statusCode ?? 0, Array(data ?? Data())))
            }
            outcome.withLock { $0 = result }
            done.signal()
        }.resume()
        if done.wait(timeout: .now() + .seconds(waitSeconds)) == .timedOut { fail("cannot reach \(base): no answer within \(waitSeconds) s") }
        session.finishTasksAndInvalidate()
        switch outcome.withLock({ $0 }) {
        case .success(let answer)?:
            switch answer.0 {
            case 401:
                fail(token == nil ? "\(base) wants the operator token: pass --token-env VAR naming a variable that holds it"
                                  : "\(base) refused the operator token in --token-env's variable: it is not the server's operator_token")
            case 403: fail("\(base) answers operator requests from loopback only (no operator_token is set there)")
            default: return answer
            }
        case .failure(let error)?: fail("cannot reach \(base): \(error.localizedDescription)")
        case nil: fail("cannot reach \(base)")
        }
    }
}
