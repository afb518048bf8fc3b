import VernierCore

/// The option declarations shared by the classification metrics, with
/// TorchMetrics' names and defaults.
public enum ClassificationOptions {
    /// `threshold`: float preds above it are positive; default 0.5.
    public static let threshold = OptionSpec("threshold", .double(min: 0, max: 1), default: .double(0.5),
                                             help: "probability above which a prediction is positive (preds > threshold)")
    /// `multidim_average`: `global` (default) or `samplewise`.
    public static let multidimAverage = OptionSpec("multidim_average", .choice(["global", "samplewise"]), default: .string("global"),
                                                   help: "global: extra dimensions are flattened; samplewise: one value per sample")
    /// `ignore_index`: the target value whose positions are left out; default None.
    public static let ignoreIndex = OptionSpec("ignore_index", .optional(.int()), default: .none,
                                               help: "target value whose positions are ignored")
    /// `validate_args`: accepted for TorchMetrics compatibility; Vernier always validates.
    public static let validateArgs = OptionSpec("validate_args", .bool, default: .bool(true),
                                                help: "check the inputs (Vernier always checks what could corrupt state)")
    /// `zero_division`: the value of a 0/0 score, 0 (default) or 1 (TorchMetrics allows only these).
    public static let zeroDivision = OptionSpec("zero_division", .int(min: 0, max: 1), default: .int(0),
                                                help: "value of a 0/0 score: 0 or 1")
    /// `input_format` (Vernier's own): how float preds are read, see ``InputFormat``.
    public static let inputFormat = OptionSpec("input_format", .choice(["auto", "probs", "logits", "labels"]), default: .string("auto"),
                                               help: "how float preds are read; auto decides per batch like TorchMetrics")
    /// `num_classes` (required, at least 2).
    public static let numClasses = OptionSpec("num_classes", .int(min: 2), default: .none, help: "number of classes (required)")
    /// `num_labels` (required, at least 2).
    public static let numLabels = OptionSpec("num_labels", .int(min: 2), default: .none, help: "number of labels (required)")
    /// `top_k`: the top-k rule's k, at most `num_classes`; default 1.
    public static let topK = OptionSpec("top_k", .int(min: 1), default: .int(1), help: "a prediction is correct when the target is among the k highest scores")
    /// `beta` (required for F-beta): recall counts β times as much as precision; must be > 0.
    public static let beta = OptionSpec("beta", .double(min: 0), default: .none, help: "weight of recall relative to precision, > 0 (required)")
    /// `normalize`; a SPEC's `normalize=true` parses as a bool, so `true`
    /// (and `false`, meaning none) is accepted in that form too.
    public static let normalize = OptionSpec("normalize", .oneOf([.choice(["true", "pred", "all", "none", "None"]), .bool]), default: .none,
                                             help: "divide by the target (true) or prediction (pred) totals, or by everything (all)")
    /// `weights` of Cohen's kappa: none (default), `linear` or `quadratic`.
    public static let weights = OptionSpec("weights", .choice(["linear", "quadratic", "none", "None"]), default: .none,
                                           help: "disagreement weights: none (0/1), linear or quadratic in the class distance")
    /// `average` with default `def`: `micro`, `macro`, `weighted`, `none`/`None` (and `binary` when allowed).
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

    /// Options of the stat-score family for `task`.
    public static func statScores(_ task: ClassificationTask) -> [OptionSpec] {
        switch task {
        case .binary: return binaryStatScores
        case .multiclass: return multiclassStatScores
        case .multilabel: return multilabelStatScores
        }
    }

    /// Options of the confusion-matrix family (matrix, Matthews, kappa) for the binary task.
    public static let binaryConfusionMatrix: [OptionSpec] = [threshold, ignoreIndex, validateArgs, inputFormat]
    /// Options of the confusion-matrix family for the multiclass task.
    public static let multiclassConfusionMatrix: [OptionSpec] = [numClasses, ignoreIndex, validateArgs]
    /// Options of the confusion-matrix family for the multilabel task.
    public static let multilabelConfusionMatrix: [OptionSpec] = [numLabels, threshold, ignoreIndex, validateArgs, inputFormat]

    /// Options of the confusion-matrix family for `task`.
    public static func confusionMatrix(_ task: ClassificationTask) -> [OptionSpec] {
        switch task {
        case .binary: return binaryConfusionMatrix
        case .multiclass: return multiclassConfusionMatrix
        case .multilabel: return multilabelConfusionMatrix
        }
    }

    // MARK: Swift initialisers

    /// Binary stat-score options from Swift arguments.
    static func binary(threshold: Double, multidimAverage: MultidimAverage, ignoreIndex: Int?, zeroDivision: Double) -> [String: OptionValue] {
        ["threshold": .double(threshold), "multidim_average": .string(multidimAverage.rawValue),
         "ignore_index": .intOrNone(ignoreIndex), "zero_division": .double(zeroDivision)]
    }

    /// Multiclass stat-score options from Swift arguments.
    static func multiclass(numClasses: Int, average: ClassAverage, topK: Int, multidimAverage: MultidimAverage,
                           ignoreIndex: Int?, zeroDivision: Double) -> [String: OptionValue] {
        ["num_classes": .int(numClasses), "average": .string(average.rawValue), "top_k": .int(topK),
         "multidim_average": .string(multidimAverage.rawValue), "ignore_index": .intOrNone(ignoreIndex),
         "zero_division": .double(zeroDivision)]
    }

    /// Multilabel stat-score options from Swift arguments.
    static func multilabel(numLabels: Int, threshold: Double, average: ClassAverage, multidimAverage: MultidimAverage,
                           ignoreIndex: Int?, zeroDivision: Double) -> [String: OptionValue] {
        ["num_labels": .int(numLabels), "threshold": .double(threshold), "average": .string(average.rawValue),
         "multidim_average": .string(multidimAverage.rawValue), "ignore_index": .intOrNone(ignoreIndex),
         "zero_division": .double(zeroDivision)]
    }

    /// The `beta` option, checked: TorchMetrics requires a number above 0.
    static func beta(_ options: MetricOptions, metric: String) throws -> Double {
        let beta = options.double("beta") ?? 0
        guard beta > 0 else { throw MetricError.invalidOption(metric: metric, option: "beta", expected: "a number > 0, got \(beta)") }
        return beta
    }
}

extension OptionValue {
    /// `.int(value)`, or `.none` for nil.
    static func intOrNone(_ value: Int?) -> OptionValue { value.map { .int($0) } ?? .none }
}
