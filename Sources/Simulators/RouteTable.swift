import Foundation

/// Maps `METHOD /path/{param}` patterns to an API's endpoints. Paths must match exactly,
/// trailing slash included: YunoJuno's Django routes end in `/` and the Laravel ones do not,
/// and a connector that gets this wrong should see the 404 the real API would give.
struct RouteTable<Endpoint: Sendable>: Sendable {
    private let routes: [(method: String, pattern: [String], endpoint: Endpoint)]

    init(_ routes: [(String, String, Endpoint)]) {
        self.routes = routes.map { ($0.0, Self.segments($0.1), $0.2) }
    }

    func resolve(method: String, path: String) -> RouteMatch<Endpoint> {
        let segments = Self.segments(path)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.match(route.pattern, segments) else { continue }
            if route.method == method { return .found(route.endpoint, parameters: parameters) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    private static func match(_ pattern: [String], _ segments: [String]) -> [String]? {
        guard pattern.count == segments.count else { return nil }
        var parameters: [String] = []
        for (expected, actual) in zip(pattern, segments) {
            if expected.hasPrefix("{") {
                guard !actual.isEmpty else { return nil }
                parameters.append(actual.removingPercentEncoding ?? actual)
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }
}
