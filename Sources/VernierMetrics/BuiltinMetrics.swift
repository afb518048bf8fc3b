import VernierCore

/// The built-in metrics' registry entries.
public enum BuiltinMetrics {
    /// Every built-in descriptor, one per registry name.
    public static let descriptors: [MetricDescriptor] = [
        // Aggregation
        SumMetric.descriptor, MeanMetric.descriptor, ExtremumMetric.descriptor, ExtremumMetric.maxDescriptor,
        CatMetric.descriptor, RunningAggregator.descriptor, RunningAggregator.meanDescriptor,
        // Regression
        MeanSquaredError.descriptor, MeanAbsoluteError.descriptor,
        // Classification
        BinaryAccuracy.descriptor, MulticlassAccuracy.descriptor, MultilabelAccuracy.descriptor,
    ]
}

extension MetricRegistry {
    /// A new registry holding every built-in metric.
    public static func builtins() -> MetricRegistry { MetricRegistry(BuiltinMetrics.descriptors) }
}
