import HTTP1

/// The intake's events whose append is in flight, with the requests waiting on each: the
/// copy being written and any copies that arrived meanwhile, answered together once it is
/// durable. An event may have a second key (its signed content's, see `ReceivedEvent.contentDigest`); a
/// copy matching either key waits on the same write.
struct PendingWrites: Sendable {
    private struct Write: Sendable {
        var responders: [HTTPResponder]
        var secondKey: DedupeKey?
    }

    private var writes: [DedupeKey: Write] = [:]
    /// Second keys, to the first key of the write they belong to.
    private var aliases: [DedupeKey: DedupeKey] = [:]

    /// Adds `responder` to the write in flight for `key` or `other`, if there is one.
    mutating func join(_ key: DedupeKey, also other: DedupeKey?, _ responder: HTTPResponder) -> Bool {
        guard let owner = owner(of: key) ?? other.flatMap(owner(of:)) else { return false }
        writes[owner]!.responders.append(responder)
        return true
    }

    /// The first key of the write in flight that `key` belongs to, as either of its keys.
    private func owner(of key: DedupeKey) -> DedupeKey? {
        if writes[key] != nil { return key }
        // With no second keys in flight (most sources), no lookup needed.
        guard !aliases.isEmpty, let owner = aliases[key], writes[owner] != nil else { return nil }
        return owner
    }

    mutating func start(_ key: DedupeKey, also other: DedupeKey?, _ responder: HTTPResponder) {
        writes[key] = Write(responders: [responder], secondKey: other)
        if let other { aliases[other] = key }
    }

    /// Ends the write for `key`: its waiters, the first one the copy that was written.
    mutating func finish(_ key: DedupeKey) -> [HTTPResponder] {
        guard let write = writes.removeValue(forKey: key) else { return [] }
        if let other = write.secondKey { aliases[other] = nil }
        return write.responders
    }
}
