import VernierCore

/// The option declarations shared by the classification metrics, with
/// TorchMetrics' names and defaults.
public enum ClassificationOptions {
    public static let threshold = OptionSpec("threshold", .double(min: 0, max: 1), default: .double(0.5),
                                             help: "probability above which a prediction is positive (preds > threshold)")
    public static let multidimAverage = OptionSpec("multidim_average", .choice(["global", "samplewise"]), default: .string("global"),
                                                   help: "global: extra dimensions are flattened; samplewise: one value per sample")
    public static let ignoreIndex = OptionSpec("ignore_index", .optional(.int()), default: .none,
                                               help: "target value whose positions are ignored")
    public static let validateArgs = OptionSpec("validate_args", .bool, default: .bool(true),
                                                help: "check the inputs (Vernier always checks what could corrupt state)")
    public static let zeroDivision = OptionSpec("zero_division", .oneOf([.int(min: 0, max: 1), .double(min: 0, max: 1)]), default: .int(0),
                                                help: "value of a 0/0 score (0 or 1)")
    public static let inputFormat = OptionSpec("input_format", .choice(["auto", "probs", "logits", "labels"]), default: .string("auto"),
                                               help: "how float preds are read; auto decides per batch like TorchMetrics")
    public static let numClasses = OptionSpec("num_classes", .int(min: 2), default: .none, help: "number of classes (required)")
    public static let numLabels = OptionSpec("num_labels", .int(min: 2), default: .none, help: "number of labels (required)")
    public static let topK = OptionSpec("top_k", .int(min: 1), default: .int(1), help: "a prediction is correct when the target is among the k highest scores")
    public static func average(_ def: String, allowBinary: Bool = false) -> OptionSpec {
        OptionSpec("average", .choice(["micro", "macro", "weighted", "none", "None"] + (allowBinary ? ["binary"] : [])), default: .string(def),
                   help: "reduction over classes: micro, macro, weighted or none")
    }

    /// Options of the stat-score family for the binary task.
    public static let binaryStatScores: [OptionSpec] = [threshold, multidimAverage, ignoreIndex, validateArgs, zeroDivision, inputFormat]
    /// Options of the stat-score family for the multiclass task.
    public static let multiclassStatScores: [OptionSpec] = [numClasses, average("macro"), topK, multidimAverage, ignoreIndex, validateArgs, zeroDivision]
    /// Options of the stat-score family for the multilabel task.
    public static let multilabelStatScores: [OptionSpec] = [numLabels, threshold, average("macro"), multidimAverage, ignoreIndex, validateArgs, zeroDivision, inputFormat]
}
