/// One header as a delivery carried it. A signature, timestamp or id header sent twice is
/// refused rather than read one way here and maybe another way by a proxy in front.
public enum HeaderField: Sendable, Equatable {
    case absent
    case value(String)
    case repeated
}
