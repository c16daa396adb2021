import Foundation

/// Roosted's records: clients in creation order. No uniqueness of any kind, because the
/// real API has none: the same name twice makes two clients.
struct RoostedState: Sendable {
    private(set) var clients: [RoostedClient] = []

    mutating func create(_ make: (String) -> RoostedClient) -> RoostedClient {
        let id = RandomID.unique(length: 5) { id in clients.contains { $0.id == id } }
        let client = make(id)
        clients.append(client)
        return client
    }

    func client(id: String) -> RoostedClient? { clients.first { $0.id == id } }

    /// One page, 1-based, and the total across all pages.
    func page(_ page: Int, size: Int) -> (clients: [RoostedClient], total: Int) {
        let start = (page - 1) * size
        guard start < clients.count else { return ([], clients.count) }
        return (Array(clients[start..<min(start + size, clients.count)]), clients.count)
    }
}
