/// Which part of a success answer becomes the outcome's `result`: ids and names only, so
/// outcomes stay small enough to log and store with every action.
enum ResultShape: Sendable {
    /// One record (inside the API's envelope), cut down to `keys`.
    case record(keys: [String])
    /// A page of records at `items` with the total count at `total` (dotted paths from the
    /// top of the answer), answered as `{<name>: [records cut to keys], "total": n}`.
    case list(items: String, total: String, keys: [String], name: String)
    /// The answer holds nothing useful (a delete): the path parameters are the result.
    case parameters
}
