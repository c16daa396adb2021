import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// URLSession would follow a redirect on its own (and turn the POST into a GET); for a
/// webhook a 3xx is the answer, and it counts as a failure.
final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
