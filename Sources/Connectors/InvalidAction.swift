/// An action that cannot be sent as it is; `message` names the operation and the field.
struct InvalidAction: Error, Sendable {
    let message: String
}
