/// A metric built around one other metric, `base`, whose calling convention
/// it keeps: by default a wrapper takes the wrapped metric's arguments,
/// `forward` mode, direction and batch invariance (each wrapper overrides what
/// it changes, e.g. a running window is not batch invariant).
public protocol MetricWrapper: Metric {
    /// The wrapped metric.
    var base: any Metric { get }
}

extension MetricWrapper {
    /// The wrapped metric's arguments.
    public var inputNames: [String] { base.inputNames }
    /// The wrapped metric's optional arguments.
    public var optionalInputNames: [String] { base.optionalInputNames }
    /// The wrapped metric's `forward` mode.
    public var fullStateUpdate: Bool { base.fullStateUpdate }
    /// The wrapped metric's direction.
    public var higherIsBetter: Bool? { base.higherIsBetter }
    /// The wrapped metric's batch invariance.
    public var isBatchInvariant: Bool { base.isBatchInvariant }
}
