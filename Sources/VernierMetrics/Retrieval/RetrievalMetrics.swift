import VernierCore

/// The retrieval domain's registry entries.
public enum RetrievalMetrics {
    public static let descriptors: [MetricDescriptor] = []
}
