/// Why a field or parameter is unusable, worded for the person who wrote the route.
struct FieldProblem: Error, Sendable {
    let text: String
}
