/// The application's entry point: called on a loop thread with one complete request.
/// It must eventually call `responder.respond` exactly once (later calls are ignored);
/// it must not block, since every other connection on that loop waits while it runs.
public typealias HTTPHandler = @Sendable (HTTPRequest, HTTPResponder) -> Void
