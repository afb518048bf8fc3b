import VernierCore

/// The regression domain's registry entries.
public enum RegressionMetrics {
    public static let descriptors: [MetricDescriptor] = [
        MeanSquaredError.descriptor, MeanAbsoluteError.descriptor,
        MeanAbsolutePercentageError.descriptor, SymmetricMeanAbsolutePercentageError.descriptor,
        WeightedMeanAbsolutePercentageError.descriptor, MeanSquaredLogError.descriptor, LogCoshError.descriptor,
        MinkowskiDistance.descriptor, TweedieDevianceScore.descriptor,
        PearsonCorrCoef.descriptor, ConcordanceCorrCoef.descriptor, NormalizedRootMeanSquaredError.descriptor,
        R2Score.descriptor, RelativeSquaredError.descriptor, ExplainedVariance.descriptor,
        SpearmanCorrCoef.descriptor, KendallRankCorrCoef.descriptor, CosineSimilarity.descriptor,
        KLDivergence.descriptor, JensenShannonDivergence.descriptor, CriticalSuccessIndex.descriptor,
        ContinuousRankedProbabilityScore.descriptor,
    ]
}
