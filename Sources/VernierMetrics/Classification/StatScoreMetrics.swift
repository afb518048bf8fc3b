import VernierCore

/// The registry entries of the stat-score classification families
/// (accuracy, precision, recall, F-scores, ..., confusion matrix).
public enum StatScoreMetrics {
    /// Every descriptor of the family, by task.
    public static let descriptors: [MetricDescriptor] = [
        BinaryAccuracy.descriptor, MulticlassAccuracy.descriptor, MultilabelAccuracy.descriptor,
        BinaryStatScores.descriptor, MulticlassStatScores.descriptor, MultilabelStatScores.descriptor,
        BinaryPrecision.descriptor, MulticlassPrecision.descriptor, MultilabelPrecision.descriptor,
        BinaryRecall.descriptor, MulticlassRecall.descriptor, MultilabelRecall.descriptor,
        BinaryF1Score.descriptor, MulticlassF1Score.descriptor, MultilabelF1Score.descriptor,
        BinaryFBetaScore.descriptor, MulticlassFBetaScore.descriptor, MultilabelFBetaScore.descriptor,
        BinarySpecificity.descriptor, MulticlassSpecificity.descriptor, MultilabelSpecificity.descriptor,
        BinaryNegativePredictiveValue.descriptor, MulticlassNegativePredictiveValue.descriptor, MultilabelNegativePredictiveValue.descriptor,
        BinaryHammingDistance.descriptor, MulticlassHammingDistance.descriptor, MultilabelHammingDistance.descriptor,
        BinaryJaccardIndex.descriptor, MulticlassJaccardIndex.descriptor, MultilabelJaccardIndex.descriptor,
        MulticlassExactMatch.descriptor, MultilabelExactMatch.descriptor,
        BinaryConfusionMatrix.descriptor, MulticlassConfusionMatrix.descriptor, MultilabelConfusionMatrix.descriptor,
        BinaryMatthewsCorrCoef.descriptor, MulticlassMatthewsCorrCoef.descriptor, MultilabelMatthewsCorrCoef.descriptor,
        BinaryCohenKappa.descriptor, MulticlassCohenKappa.descriptor,
    ]
}
