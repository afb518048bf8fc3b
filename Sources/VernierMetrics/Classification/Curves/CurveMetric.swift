import VernierCore
import VernierTensor

/// A metric of the curve family (ROC, precision-recall, AUROC, average
/// precision, operating points, EER, LogAUC): options resolved into a
/// ``CurveConfig``, states from it, update through ``CurveInput``.
/// Conformers only say how the accumulated ``CurveData`` becomes the value.
public protocol CurveMetric: RegisteredMetric {
    var config: CurveConfig { get }
    /// The metric's value for the accumulated data.
    func value(of data: CurveData) throws -> MetricValue
}

extension CurveMetric {
    /// Curve metrics with equal ``CurveConfig/stateKey`` share states.
    public var computeGroupKey: String? { config.stateKey }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        let batch = try CurveInput.format(inputs, config, metric: name)
        try CurveInput.fold(&state, batch, config)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        try value(of: CurveData(state, config, metric: name))
    }
}

extension CurveData {
    /// The curve output for an `average` of the ROC/PR curve metrics:
    /// `micro` one curve over every column pooled; `macro` the macro-averaged
    /// curve (``CurveMath/macroAverage(_:_:)``); `none` one curve per column.
    func curveValue(_ kind: CurveKind, average: String) throws -> MetricValue {
        switch average {
        case "micro": return try curve(kind, nil).value
        case "macro": return CurveMath.macroAverage(try curves(kind), kind).value
        default: return cfg.task == .binary ? try curve(kind, 0).value : perColumnValue(try curves(kind))
        }
    }
}
