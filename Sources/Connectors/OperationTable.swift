/// The definitions behind `OperationCatalog`, found by api and operation name.
enum OperationTable {
    static let all: [OperationDefinition] =
        YunoJunoOperations.all + RoostedOperations.all + LuminousOperations.all + GrowCRMOperations.all

    private static let byKey: [String: OperationDefinition] =
        Dictionary(uniqueKeysWithValues: all.map { ("\($0.api.rawValue) \($0.name)", $0) })

    static func definition(api: String, operation: String) -> OperationDefinition? {
        byKey["\(api) \(operation)"]
    }
}
