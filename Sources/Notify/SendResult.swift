/// An attempt's raw result, before it is judged.
struct SendResult: Sendable {
    enum Answer: Sendable { case response(ClientResponse), failure(SendFailure) }

    let answer: Answer
    let latencyMs: Int64
}
