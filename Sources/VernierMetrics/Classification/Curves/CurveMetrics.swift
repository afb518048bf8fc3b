import VernierCore

/// The registry entries of the score-based classification metrics (curves,
/// AUROC, average precision, calibration, hinge, ranking, fairness).
public enum CurveMetrics {
    public static let descriptors: [MetricDescriptor] = []
}
