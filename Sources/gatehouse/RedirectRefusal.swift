import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The operator CLI follows no redirect: Foundation on Linux would resend the request, with
/// its `Authorization: Bearer <operator token>`, to whatever host a 3xx names. The 3xx itself
/// is what the command then reports.
final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
