import VernierCore

/// The registry entries of the score-based classification metrics (curves,
/// AUROC, average precision, calibration, hinge, ranking, fairness).
public enum CurveMetrics {
    public static let descriptors: [MetricDescriptor] = [
        BinaryROC.descriptor, MulticlassROC.descriptor, MultilabelROC.descriptor,
        BinaryPrecisionRecallCurve.descriptor, MulticlassPrecisionRecallCurve.descriptor, MultilabelPrecisionRecallCurve.descriptor,
        BinaryAUROC.descriptor, MulticlassAUROC.descriptor, MultilabelAUROC.descriptor,
        BinaryAveragePrecision.descriptor, MulticlassAveragePrecision.descriptor, MultilabelAveragePrecision.descriptor,
        BinaryPrecisionAtFixedRecall.descriptor, MulticlassPrecisionAtFixedRecall.descriptor, MultilabelPrecisionAtFixedRecall.descriptor,
        BinaryRecallAtFixedPrecision.descriptor, MulticlassRecallAtFixedPrecision.descriptor, MultilabelRecallAtFixedPrecision.descriptor,
        BinarySensitivityAtSpecificity.descriptor, MulticlassSensitivityAtSpecificity.descriptor, MultilabelSensitivityAtSpecificity.descriptor,
        BinarySpecificityAtSensitivity.descriptor, MulticlassSpecificityAtSensitivity.descriptor, MultilabelSpecificityAtSensitivity.descriptor,
        BinaryEER.descriptor, MulticlassEER.descriptor, MultilabelEER.descriptor,
        BinaryLogAUC.descriptor, MulticlassLogAUC.descriptor, MultilabelLogAUC.descriptor,
        BinaryCalibrationError.descriptor, MulticlassCalibrationError.descriptor,
        BinaryHingeLoss.descriptor, MulticlassHingeLoss.descriptor,
        MultilabelCoverageError.descriptor, MultilabelRankingAveragePrecision.descriptor, MultilabelRankingLoss.descriptor,
        BinaryFairness.descriptor, BinaryGroupStatRates.descriptor,
    ]
}
