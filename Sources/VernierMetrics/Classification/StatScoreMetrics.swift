import VernierCore

/// The registry entries of the stat-score classification families
/// (accuracy, precision, recall, F-scores, ..., confusion matrix).
public enum StatScoreMetrics {
    public static let descriptors: [MetricDescriptor] = [
        BinaryAccuracy.descriptor, MulticlassAccuracy.descriptor, MultilabelAccuracy.descriptor,
    ]
}
