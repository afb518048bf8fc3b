import OrderedCollections
public import VernierTensor

/// A metric (or collection) fed transformed inputs (TorchMetrics'
/// `LambdaInputTransformer` and `BinaryTargetTransformer`).
///
/// Each transform maps one named tensor argument (`preds`, `target`, ...)
/// before the wrapped metric's update; every other argument passes
/// unchanged. States, compute, merge and checkpoints are the wrapped
/// metric's own.
///
/// - ``lambda(_:transformPreds:transformTarget:)``: any function. Its
///   options cannot tell two functions apart, so two lambda transformers of
///   one metric merge and load each other's checkpoints whatever their
///   functions; no compute group key is declared.
/// - ``binaryTarget(_:threshold:)``: `target > threshold`, in the target's
///   dtype. It declares the wrapped metric's key extended by the threshold.
///
/// Edge cases: a transform's error is rethrown naming the argument; a
/// missing argument is left for the wrapped metric to report; an argument
/// that is not a tensor is an error.
public final class MetricInputTransformer: MetricWrapper, ComputeRecording {
    /// A transform of one tensor argument.
    public typealias Transform = @Sendable (Tensor) throws -> Tensor

    /// `lambda_input_transformer` or `binary_target_transformer`.
    public let name: String
    /// The transform's description and the wrapped metric's identity (`metric`).
    public let options: MetricOptions
    /// The states laid out as described above, the update count and the cached value.
    public var storage: MetricStorage {
        didSet { if storage.justComputed(since: oldValue) { recordComputed(storage.cachedValue, in: &storage.state) } }
    }
    /// The wrapped metric (a definition; its own states are not used).
    public let base: any Metric
    /// The wrapped key extended by the transform, when the transform is known.
    public let computeGroupKey: String?
    private let transforms: [(argument: String, transform: Transform)]

    private init(_ base: any Metric, name: String, options: OrderedDictionary<String, OptionValue>,
                 transforms: [(String, Transform)], groupKeyPrefix: String?) {
        self.base = base
        self.name = name
        var opts = options
        opts["metric"] = base.identity
        self.options = MetricOptions(opts)
        self.transforms = transforms
        computeGroupKey = groupKeyPrefix.flatMap { p in base.computeGroupKey.map { p + $0 } }
        storage = MetricStorage(base.freshState().specs)
    }

    /// `base` fed `transformPreds(preds)` and `transformTarget(target)`
    /// (either may be nil: identity).
    public static func lambda(_ base: any Metric, transformPreds: Transform? = nil, transformTarget: Transform? = nil) -> MetricInputTransformer {
        var transforms: [(String, Transform)] = []
        if let transformPreds { transforms.append(("preds", transformPreds)) }
        if let transformTarget { transforms.append(("target", transformTarget)) }
        return MetricInputTransformer(base, name: "lambda_input_transformer",
                                      options: ["transform_preds": .bool(transformPreds != nil), "transform_target": .bool(transformTarget != nil)],
                                      transforms: transforms, groupKeyPrefix: nil)
    }

    /// `base` fed `target > threshold` (cast back to the target's dtype),
    /// for continuous targets scored by a binary metric.
    public static func binaryTarget(_ base: any Metric, threshold: Double = 0) -> MetricInputTransformer {
        MetricInputTransformer(base, name: "binary_target_transformer", options: ["threshold": .double(threshold)],
                               transforms: [("target", { $0.gt(threshold).cast($0.dtype) })],
                               groupKeyPrefix: "binary_target(\(threshold))/")
    }

    /// The wrapped update on the transformed inputs.
    public func updateState(_ state: inout MetricState, with inputs: MetricInputs) throws {
        var transformed = inputs
        for (argument, transform) in transforms {
            guard let input = inputs[argument] else { continue }
            guard case .tensor(let t) = input else {
                throw MetricError.invalidInput(metric: name, argument: argument, expected: "a tensor to transform")
            }
            do { transformed[argument] = .tensor(try transform(t)) } catch let e as MetricError { throw e } catch {
                throw MetricError.invalidInput(metric: name, argument: argument, expected: "a value the transform accepts (\(error))")
            }
        }
        try base.updateState(&state, with: transformed)
    }

    /// The wrapped metric's value.
    public func computeValue(from state: MetricState) throws -> MetricValue { try base.computeValue(from: state) }

    func recordComputed(_ value: MetricValue?, in state: inout MetricState) {
        (base as? any ComputeRecording)?.recordComputed(value, in: &state)
    }
}
