import VernierCore
import VernierTensor

/// Per-group confusion counts of thresholded binary predictions (TorchMetrics'
/// `_binary_groups_stat_scores`), credited to each sample's own group.
///
/// States: `tp`, `fp`, `tn`, `fn`, int64 `[num_groups]`, summed, and `format_counts`.
enum GroupStats {
    static let numGroups = OptionSpec("num_groups", .int(min: 1), default: .none, help: "number of groups; group ids are 0 ..< num_groups (required)")
    static let threshold = ClassificationOptions.threshold

    static func states(_ groups: Int) -> [StateSpec] {
        ["tp", "fp", "tn", "fn"].map { StateSpec($0, .zeros([groups], dtype: .int64), .sum) } + [ScoreReading.formatSpec]
    }

    /// Validates one batch and adds its counts per group.
    ///
    /// Inputs: `preds (N, ...)` probabilities or logits (sigmoid when the batch
    /// has values outside [0, 1]), positive when `> threshold`, or 0/1 integer
    /// labels; `target (N, ...)` 0/1 or `ignore_index` (counted nowhere); with
    /// `zeroTarget` (demographic parity) the target is all zeros and not read;
    /// `groups (N,)` integer group ids in [0, num_groups): every element of
    /// sample `i` belongs to group `groups[i]`.
    static func update(_ state: inout MetricState, _ inputs: MetricInputs, numGroups: Int, threshold: Double, ignoreIndex: Int?,
                       format: InputFormat, zeroTarget: Bool, metric: String) throws {
        let preds = try inputs.tensor("preds", metric: metric)
        let target = zeroTarget ? Tensor.zeros(preds.shape, dtype: .int64) : try inputs.tensor("target", metric: metric)
        let groups = try inputs.tensor("groups", metric: metric)
        try Check.sameShape(preds, target, metric: metric)
        let n = preds.rank == 0 ? 1 : preds.shape[0]
        guard groups.dtype.isInteger else {
            throw MetricError.invalidInput(metric: metric, argument: "groups", expected: "an integer tensor of group ids, got \(groups.dtype)")
        }
        guard groups.count == n, groups.rank >= 1, groups.shape[0] == n else {
            throw MetricError.invalidInput(metric: metric, argument: "groups", expected: "one group id per sample, shape (\(n),), got \(groups.shape)")
        }
        let ids = groups.toInt64s()
        if let bad = ids.first(where: { $0 < 0 || $0 >= Int64(numGroups) }) {
            throw MetricError.invalidInput(metric: metric, argument: "groups", expected: "group ids in [0, \(numGroups)) (num_groups=\(numGroups)), found \(bad)")
        }
        let (codes, _) = try CurveInput.binaryCodes(target, ignoreIndex: ignoreIndex, metric: metric, allowFloat: true)
        let positive: [Bool]
        var logits: Bool? = nil
        if preds.dtype.isFloatingPoint {
            let isLogits = try ScoreReading.isLogits(preds.valueRange(), format, metric: metric)
            logits = isLogits
            let p = (isLogits ? ScoreReading.sigmoid(preds) : preds).flattened()
            positive = p.gt(threshold).toArray(Bool.self)
        } else {
            let labels = preds.toInt64s()
            if let bad = labels.first(where: { $0 != 0 && $0 != 1 }) {
                throw MetricError.invalidInput(metric: metric, argument: "preds", expected: "0/1 labels when preds is an integer tensor, found \(bad)")
            }
            positive = labels.map { $0 == 1 }
        }
        var tp = [Int64](repeating: 0, count: numGroups), fp = tp, tn = tp, fn = tp
        let per = n == 0 ? 0 : preds.count / n
        codes.withUnsafeBuffer(as: UInt8.self) { t in
            for i in 0..<(n * per) {
                let g = Int(ids[i / per])
                switch (t[i], positive[i]) {
                case (1, true): tp[g] += 1
                case (1, false): fn[g] += 1
                case (0, true): fp[g] += 1
                case (0, false): tn[g] += 1
                default: break
                }
            }
        }
        for (name, values) in [("tp", tp), ("fp", fp), ("tn", tn), ("fn", fn)] { state[name] = state[name] + Tensor(values) }
        if let logits { ScoreReading.record(&state, logits: logits) }
    }

    static func counts(_ state: MetricState) -> (tp: [Double], fp: [Double], tn: [Double], fn: [Double]) {
        (state["tp"].toDoubles(), state["fp"].toDoubles(), state["tn"].toDoubles(), state["fn"].toDoubles())
    }

    /// `{"<name>_<argmin>_<argmax>": rate[argmin] / rate[argmax]}` over per-group
    /// rates (first index on ties; 0/0 is 0).
    static func ratio(_ name: String, _ rates: [Double]) -> (String, MetricValue) {
        var lo = 0, hi = 0
        for i in rates.indices {
            if rates[i] < rates[lo] { lo = i }
            if rates[i] > rates[hi] { hi = i }
        }
        return ("\(name)_\(lo)_\(hi)", .scalar(safeDivide(rates[lo], rates[hi])))
    }
}

/// Per-group rates of binary predictions: for every group, `[tp, fp, tn, fn]`
/// divided by the group's number of (non-ignored) elements, as
/// `{"group_0": [4], "group_1": [4], ...}`. A group with no element gives
/// NaN rates (0/0), as in TorchMetrics.
///
/// Inputs: `preds`, `target` and `groups` (see ``GroupStats``).
public final class BinaryGroupStatRates: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_groups_stat_rates", domain: .classification, summary: "per-group tp/fp/tn/fn rates of binary predictions",
        options: [GroupStats.numGroups, GroupStats.threshold, CurveOptions.ignoreIndex, CurveOptions.validateArgs, CurveOptions.inputFormat],
        inputs: ["preds", "target", "groups"]
    ) { try BinaryGroupStatRates(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    let numGroups: Int
    let threshold: Double
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    public init(options: MetricOptions) throws {
        self.options = options
        numGroups = options.int("num_groups") ?? 1
        threshold = options.double("threshold") ?? 0.5
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
        storage = MetricStorage(GroupStats.states(numGroups))
    }

    /// Group stat rates over `numGroups` groups.
    public convenience init(numGroups: Int, threshold: Double = 0.5, ignoreIndex: Int? = nil) throws {
        try self.init(["num_groups": .int(numGroups), "threshold": .double(threshold), "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try GroupStats.update(&state, inputs, numGroups: numGroups, threshold: threshold, ignoreIndex: ignoreIndex, format: inputFormat,
                              zeroTarget: false, metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let c = GroupStats.counts(state)
        var out: [(String, MetricValue)] = []
        for g in 0..<numGroups {
            let total = c.tp[g] + c.fp[g] + c.tn[g] + c.fn[g]
            out.append(("group_\(g)", .tensor(Tensor([c.tp[g], c.fp[g], c.tn[g], c.fn[g]].map { Float($0 / total) }))))
        }
        return .dict(.init(uniqueKeysWithValues: out))
    }
}

/// Group fairness of binary predictions: the ratio of the lowest to the
/// highest per-group rate. `task`: `demographic_parity` (positive prediction
/// rates `(tp + fp) / n`, key `DP_<min group>_<max group>`; the target is not
/// used), `equal_opportunity` (true positive rates `tp / (tp + fn)`, key
/// `EO_...`) or `all` (both, default). Rates and the ratio take 0/0 as 0.
///
/// Inputs: `preds`, `target` and `groups` (see ``GroupStats``). Output: a
/// dict of float32 scalars.
public final class BinaryFairness: RegisteredMetric {
    public static let descriptor = MetricDescriptor(
        name: "binary_fairness", domain: .classification, summary: "demographic parity and equal opportunity ratios over groups",
        options: [GroupStats.numGroups,
                  OptionSpec("task", .choice(["demographic_parity", "equal_opportunity", "all"]), default: .string("all"),
                             help: "demographic_parity, equal_opportunity or all"),
                  GroupStats.threshold, CurveOptions.ignoreIndex, CurveOptions.validateArgs, CurveOptions.inputFormat],
        inputs: ["preds", "target", "groups"]
    ) { try BinaryFairness(options: $0) }

    public let options: MetricOptions
    public var storage: MetricStorage
    public var higherIsBetter: Bool? { false }
    let numGroups: Int
    let task: String
    let threshold: Double
    let ignoreIndex: Int?
    let inputFormat: InputFormat

    public init(options: MetricOptions) throws {
        self.options = options
        numGroups = options.int("num_groups") ?? 1
        task = options.string("task") ?? "all"
        threshold = options.double("threshold") ?? 0.5
        ignoreIndex = options.int("ignore_index")
        inputFormat = InputFormat(rawValue: options.string("input_format") ?? "auto") ?? .auto
        storage = MetricStorage(GroupStats.states(numGroups))
    }

    /// Fairness over `numGroups` groups; `task` is `"demographic_parity"`, `"equal_opportunity"` or `"all"`.
    public convenience init(numGroups: Int, task: String = "all", threshold: Double = 0.5, ignoreIndex: Int? = nil) throws {
        try self.init(["num_groups": .int(numGroups), "task": .string(task), "threshold": .double(threshold),
                       "ignore_index": CurveOptions.int(ignoreIndex)])
    }

    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        try GroupStats.update(&state, inputs, numGroups: numGroups, threshold: threshold, ignoreIndex: ignoreIndex, format: inputFormat,
                              zeroTarget: task == "demographic_parity", metric: name)
    }

    public func computeValue(from state: MetricState) throws -> MetricValue {
        let c = GroupStats.counts(state)
        var out: [(String, MetricValue)] = []
        if task != "equal_opportunity" {
            out.append(GroupStats.ratio("DP", (0..<numGroups).map { safeDivide(c.tp[$0] + c.fp[$0], c.tp[$0] + c.fp[$0] + c.tn[$0] + c.fn[$0]) }))
        }
        if task != "demographic_parity" {
            out.append(GroupStats.ratio("EO", (0..<numGroups).map { safeDivide(c.tp[$0], c.tp[$0] + c.fn[$0]) }))
        }
        return .dict(.init(uniqueKeysWithValues: out))
    }
}
