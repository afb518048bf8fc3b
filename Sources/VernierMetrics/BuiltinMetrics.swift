import VernierCore

/// The built-in metrics' registry entries, gathered from one list per domain
/// (each list lives in its domain folder, next to the metrics it names).
public enum BuiltinMetrics {
    /// Every built-in descriptor, one per registry name.
    public static var descriptors: [MetricDescriptor] {
        AggregationMetrics.descriptors + RegressionMetrics.descriptors + RetrievalMetrics.descriptors
            + StatScoreMetrics.descriptors + CurveMetrics.descriptors
    }
}

extension MetricRegistry {
    /// A new registry holding every built-in metric.
    public static func builtins() -> MetricRegistry { MetricRegistry(BuiltinMetrics.descriptors) }
}
