import VernierCore
import VernierTensor

/// Which thresholds a curve metric evaluates (TorchMetrics' `thresholds`).
public enum CurveThresholds: Sendable, Equatable {
    /// Every distinct score is a threshold (TorchMetrics' `None`): exact
    /// curves; the states keep every score (`cat` lists).
    case exact
    /// `n >= 2` thresholds evenly spaced over [0, 1] (`torch.linspace(0, 1, n)`):
    /// binned curves from constant-memory counts.
    case evenlySpaced(Int)
    /// These thresholds (each in [0, 1]), kept in the given order: binned curves.
    case list([Double])

    /// The option value (`None`, an int or a list of numbers).
    public var optionValue: OptionValue {
        switch self {
        case .exact: return .none
        case .evenlySpaced(let n): return .int(n)
        case .list(let l): return .list(l.map { .double($0) })
        }
    }
}

/// The option declarations of the score-based classification metrics, with
/// TorchMetrics' names and defaults, plus Vernier's `input_format`.
public enum CurveOptions {
    /// `thresholds`: `None` (exact), an int `n >= 2`, or a list of values in [0, 1].
    public static let thresholds = OptionSpec(
        "thresholds", .optional(.oneOf([.int(min: 2), .doubleList])), default: .none,
        help: "None: every distinct score (exact); an int n >= 2: n thresholds evenly spaced on [0, 1]; a list of thresholds in [0, 1]")
    /// `input_format`: `auto` (TorchMetrics' per-batch rule), `probs` or `logits` (see ``InputFormat``).
    public static let inputFormat = OptionSpec(
        "input_format", .choice(["auto", "probs", "logits"]), default: .string("auto"),
        help: "how float preds are read; auto decides per batch like TorchMetrics (values outside [0, 1] are logits)")
    /// `normalization` of the binary curve metrics: `sigmoid` (default) or `None`.
    public static let normalization = OptionSpec(
        "normalization", .choice(["sigmoid", "None", "none"]), default: .string("sigmoid"),
        help: "sigmoid: logits get a sigmoid (TorchMetrics' default); None: scores are used as given")
    static let ignoreIndex = ClassificationOptions.ignoreIndex
    static let validateArgs = ClassificationOptions.validateArgs
    static let numClasses = ClassificationOptions.numClasses
    static let numLabels = ClassificationOptions.numLabels

    /// An `average` option accepting `choices` (`"none"` also accepts `None`).
    public static func average(_ choices: [String], default value: OptionValue) -> OptionSpec {
        let accepted = choices.contains("none") ? choices + ["None"] : choices
        return OptionSpec("average", .choice(accepted), default: value, help: "reduction over classes: " + choices.joined(separator: ", "))
    }

    /// The options every binary curve metric takes, after its own leading ones.
    public static let binary: [OptionSpec] = [thresholds, ignoreIndex, validateArgs, inputFormat, normalization]
    /// The options every multiclass curve metric takes, after `num_classes` and its own.
    public static let multiclass: [OptionSpec] = [thresholds, ignoreIndex, validateArgs, inputFormat]
    /// The options every multilabel curve metric takes, after `num_labels` and its own.
    public static let multilabel: [OptionSpec] = [thresholds, ignoreIndex, validateArgs, inputFormat]

    /// The leading options of a task: `num_classes` / `num_labels` or nothing.
    static func leading(_ task: ClassificationTask) -> [OptionSpec] {
        switch task {
        case .binary: return []
        case .multiclass: return [numClasses]
        case .multilabel: return [numLabels]
        }
    }

    /// The trailing options of a task (see ``binary``).
    static func trailing(_ task: ClassificationTask) -> [OptionSpec] {
        switch task {
        case .binary: return binary
        case .multiclass: return multiclass
        case .multilabel: return multilabel
        }
    }

    /// The full option list of a curve metric: task options, then `own`, then the shared ones.
    public static func specs(_ task: ClassificationTask, _ own: [OptionSpec] = []) -> [OptionSpec] {
        leading(task) + own + trailing(task)
    }

    /// The options of a family whose multiclass metric alone takes `average`
    /// (`micro`, `macro` or `none`, default `None`: ROC, precision-recall curve, EER).
    static func perClass(_ task: ClassificationTask) -> [OptionSpec] {
        specs(task, task == .multiclass ? [average(["micro", "macro", "none"], default: .none)] : [])
    }

    /// The options of a family that reduces per-class areas by `average`
    /// (default `macro`; multilabel also `micro`), after `binary` for the
    /// binary metric (AUROC, average precision).
    static func macroAveraged(_ task: ClassificationTask, binary: [OptionSpec] = []) -> [OptionSpec] {
        switch task {
        case .binary: return specs(.binary, binary)
        case .multiclass: return specs(.multiclass, [average(["macro", "weighted", "none"], default: .string("macro"))])
        case .multilabel: return specs(.multilabel, [average(["micro", "macro", "weighted", "none"], default: .string("macro"))])
        }
    }

    /// An optional integer as an option value (`None` for nil).
    static func int(_ i: Int?) -> OptionValue { i.map { .int($0) } ?? .none }

    /// The `average` option value as a name (`None` becomes `"none"`).
    static func averageName(_ options: MetricOptions) -> String {
        switch options["average"] {
        case .string(let s): return s == "None" ? "none" : s
        default: return "none"
        }
    }
}

/// The resolved options of a score-based curve metric and the state layout
/// they imply.
///
/// States, TorchMetrics' layout:
/// - exact mode (`thresholds=None`): `preds` and `target`, `cat` lists of
///   the formatted batches. `preds` holds probabilities (after sigmoid or
///   softmax) in the input's float dtype: `[M]` binary, `[M, C]` otherwise.
///   `target` is compact: binary uint8 0/1 `[M]` (ignored samples removed);
///   multiclass class labels `[M]` (uint8 up to 256 classes, else int32;
///   ignored samples removed); multilabel uint8 `[M, L]` holding 0, 1, or
///   ``ignoredTarget`` where the target equalled `ignore_index`.
/// - binned mode: `confmat`, int64 `[T, 2, 2]` (binary) or `[T, C, 2, 2]`,
///   summed: per threshold (and class) `[[tn, fp], [fn, tp]]` with
///   `pred >= threshold` as positive.
/// - every mode: `format_counts` (int64 `[2]`, summed): batches read as
///   logits and as probabilities.
public struct CurveConfig: ClassificationConfig {
    /// The task: binary, multiclass or multilabel.
    public let task: ClassificationTask
    /// 1 for binary, the number of classes or labels otherwise.
    public let numClasses: Int
    /// The `thresholds` option as given.
    public let thresholdMode: CurveThresholds
    /// The binned thresholds as float32 values in option order (nil in exact mode).
    public let thresholds: [Float]?
    /// Target value whose positions are left out (`ignore_index`).
    public let ignoreIndex: Int?
    /// How float preds are read (`input_format`).
    public let inputFormat: InputFormat
    /// Whether logits get a sigmoid/softmax (false only for binary `normalization=None`).
    public let normalizes: Bool

    /// The multilabel target value that marks an ignored position in the exact-mode state.
    public static let ignoredTarget: UInt8 = 2

    /// Reads and cross-checks the options of a curve metric of `task`.
    public init(task: ClassificationTask, options: MetricOptions, metric: String) throws {
        self.task = task
        switch task {
        case .binary: numClasses = 1
        case .multiclass: numClasses = options.int("num_classes") ?? 0
        case .multilabel: numClasses = options.int("num_labels") ?? 0
        }
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
        // Only the binary metrics declare `normalization`; its None arrives as `.none`.
        normalizes = options["normalization"].map { $0 == .string("sigmoid") } ?? true
        if !normalizes && inputFormat == .logits {
            throw MetricError.invalidOption(metric: metric, option: "input_format",
                                            expected: "'auto' or 'probs' with normalization=None (logits need a sigmoid), got 'logits'")
        }
        switch options["thresholds"] {
        case .int(let n)?:
            thresholdMode = .evenlySpaced(n)
            thresholds = Tensor.linspace(0, 1, count: n, dtype: .float32).toArray(Float.self)
        case .list(let items)?:
            let values = items.compactMap(\.number)
            guard !values.isEmpty else {
                throw MetricError.invalidOption(metric: metric, option: "thresholds", expected: "a non-empty list of thresholds in [0, 1]")
            }
            if let bad = values.first(where: { !($0 >= 0 && $0 <= 1) }) {
                throw MetricError.invalidOption(metric: metric, option: "thresholds", expected: "thresholds in [0, 1], got \(bad)")
            }
            thresholdMode = .list(values)
            thresholds = values.map { Float($0) }
        default:
            thresholdMode = .exact
            thresholds = nil
        }
    }

    /// Whether states keep every score (`thresholds=None`).
    public var isExact: Bool { thresholds == nil }

    /// The name of the format-count state (shared with the stat-score family).
    static let formatState = StatScoresConfig.mixedFormatState

    /// The state declarations for this configuration.
    public var stateSpecs: [StateSpec] {
        var specs: [StateSpec]
        if let thresholds {
            let shape = task == .binary ? [thresholds.count, 2, 2] : [thresholds.count, numClasses, 2, 2]
            specs = [StateSpec("confmat", .zeros(shape, dtype: .int64), .sum)]
        } else {
            specs = [StateSpec(list: "preds"), StateSpec(list: "target")]
        }
        specs.append(StateSpec(Self.formatState, .zeros([2], dtype: .int64), .sum))
        return specs
    }

    /// Validates and formats a batch (sigmoid or softmax for logits), then folds it in.
    public func update(_ state: inout MetricState, _ inputs: MetricInputs, metric: String) throws {
        try CurveInput.fold(&state, try CurveInput.format(inputs, self, metric: metric), self)
    }

    /// Everything that shapes the states and their update (the key of a compute group).
    public var stateKey: String {
        let ignore = ignoreIndex.map(String.init) ?? "None"
        return "curves/\(task.rawValue)/\(numClasses)/\(thresholdMode.optionValue)/\(ignore)/\(inputFormat.rawValue)/\(normalizes)"
    }
}
