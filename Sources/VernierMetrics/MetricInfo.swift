import VernierCore

/// The registry facts of one built-in metric (name, summary, options,
/// direction) for the generic metric classes, which cannot keep a
/// `static let descriptor` themselves: Swift has no static stored
/// properties in generic types. Each formula type supplies its facts; the
/// class turns them into its ``MetricDescriptor``.
public struct MetricInfo: Sendable {
    /// The registry name (TorchMetrics' functional name).
    public let name: String
    /// One line for `vernier metrics`.
    public let summary: String
    /// The options, with TorchMetrics' names, in TorchMetrics' order (that
    /// order is the checkpoint identity of the resolved options).
    public let options: [OptionSpec]
    /// Whether a higher value is better; nil where that does not apply.
    public let higherIsBetter: Bool?

    /// The facts of the metric called `name`.
    public init(name: String, summary: String, options: [OptionSpec] = [], higherIsBetter: Bool?) {
        self.name = name
        self.summary = summary
        self.options = options
        self.higherIsBetter = higherIsBetter
    }

    /// The registry entry of `M`, whose factory is `M(options:)`.
    func descriptor<M: RegisteredMetric & SendableMetatype>(of _: M.Type, domain: MetricDomain, inputs: [String] = ["preds", "target"]) -> MetricDescriptor {
        MetricDescriptor(name: name, domain: domain, summary: summary, options: options, inputs: inputs) { try M(options: $0) }
    }
}
