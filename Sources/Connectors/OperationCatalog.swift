import Routing

/// Every operation the connectors offer, as the route checker (`gatehouse check`) sees them.
public enum OperationCatalog {
    public static let all: [OperationSpec] = OperationTable.all.map(\.spec)
}
