import VernierCore

/// The aggregation domain's registry entries.
public enum AggregationMetrics {
    public static let descriptors: [MetricDescriptor] = [
        SumMetric.descriptor, MeanMetric.descriptor, ExtremumMetric.descriptor, ExtremumMetric.maxDescriptor,
        CatMetric.descriptor, RunningAggregator.descriptor, RunningAggregator.meanDescriptor,
    ]
}
