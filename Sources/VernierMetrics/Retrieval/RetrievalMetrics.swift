import VernierCore

/// The retrieval domain's registry entries.
public enum RetrievalMetrics {
    public static let descriptors: [MetricDescriptor] = [
        RetrievalMAP.descriptor, RetrievalMRR.descriptor, RetrievalPrecision.descriptor, RetrievalRecall.descriptor,
        RetrievalFallOut.descriptor, RetrievalHitRate.descriptor, RetrievalRPrecision.descriptor,
        RetrievalNormalizedDCG.descriptor, RetrievalAUROC.descriptor,
        RetrievalPrecisionRecallCurve.descriptor, RetrievalRecallAtFixedPrecision.descriptor,
    ]
}
