import Foundation

/// The domain a metric belongs to (the folder it lives in).
public enum MetricDomain: String, Sendable, CaseIterable {
    case classification, regression, retrieval, aggregation, text, image, audio
    case clustering, nominal, segmentation, wrappers, plugin
}

/// A registry entry: how to build a metric from options.
public struct MetricDescriptor: Sendable {
    /// The registry name (TorchMetrics' functional name with the task prefix).
    public let name: String
    public let domain: MetricDomain
    /// One line for `vernier metrics`.
    public let summary: String
    /// Accepted options, TorchMetrics' names, in declaration order.
    public let options: [OptionSpec]
    /// Required update arguments, in TorchMetrics' order.
    public let inputs: [String]
    /// Optional update arguments (e.g. aggregation's `weight`).
    public let optionalInputs: [String]
    /// Where the metric comes from: "builtin" or a Lua file's path.
    public let source: String
    let factory: @Sendable (MetricOptions) throws -> any Metric

    public init(
        name: String, domain: MetricDomain, summary: String, options: [OptionSpec] = [],
        inputs: [String] = ["preds", "target"], optionalInputs: [String] = [], source: String = "builtin",
        factory: @escaping @Sendable (MetricOptions) throws -> any Metric
    ) {
        self.name = name
        self.domain = domain
        self.summary = summary
        self.options = options
        self.inputs = inputs
        self.optionalInputs = optionalInputs
        self.source = source
        self.factory = factory
    }

    /// Builds an instance; options are resolved first (unknown, ill-typed or
    /// missing options are errors listing what is accepted).
    public func make(_ given: [String: OptionValue] = [:]) throws -> any Metric {
        try factory(MetricOptions.resolve(given, specs: options, metric: name))
    }

    /// Builds an instance from already-resolved options.
    public func make(resolved: MetricOptions) throws -> any Metric { try factory(resolved) }
}

/// Maps registry names to descriptors. Thread-safe; plugin loaders add and
/// remove entries at run time.
public final class MetricRegistry: @unchecked Sendable {
    private var entries: [String: MetricDescriptor] = [:]
    private let lock = NSLock()

    public init(_ descriptors: [MetricDescriptor] = []) {
        for d in descriptors { entries[d.name] = d }
    }

    /// Adds an entry.
    ///
    /// - Throws: ``MetricError/failed(metric:detail:)`` when the name is taken,
    ///   naming both sources.
    public func register(_ d: MetricDescriptor) throws {
        try lock.withLock {
            if let existing = entries[d.name] {
                throw MetricError.failed(metric: d.name, detail: "registry name collision: defined by \(existing.source) and by \(d.source)")
            }
            entries[d.name] = d
        }
    }

    /// Adds or replaces an entry (hot reload).
    public func replace(_ d: MetricDescriptor) { lock.withLock { entries[d.name] = d } }

    /// Removes an entry.
    public func remove(_ name: String) { _ = lock.withLock { entries.removeValue(forKey: name) } }

    /// The entry called `name`.
    ///
    /// - Throws: ``MetricError/unknownMetric(name:known:)``.
    public func descriptor(_ name: String) throws -> MetricDescriptor {
        try lock.withLock {
            guard let d = entries[name] else { throw MetricError.unknownMetric(name: name, known: entries.keys.sorted()) }
            return d
        }
    }

    /// Whether `name` is registered.
    public func contains(_ name: String) -> Bool { lock.withLock { entries[name] != nil } }

    /// Builds the metric `name` with the given options.
    public func make(_ name: String, _ options: [String: OptionValue] = [:]) throws -> any Metric {
        try descriptor(name).make(options)
    }

    /// Builds a metric from a SPEC (`name` or `name:key=value,...`).
    public func make(spec: String) throws -> any Metric {
        let s = try MetricSpec(parsing: spec)
        return try make(s.name, s.options)
    }

    /// Every entry, sorted by name.
    public var all: [MetricDescriptor] { lock.withLock { entries.values.sorted { $0.name < $1.name } } }

    /// Every registered name, sorted.
    public var names: [String] { lock.withLock { entries.keys.sorted() } }

    /// A registry holding this one's entries (later changes are independent).
    public func copy() -> MetricRegistry { lock.withLock { MetricRegistry(Array(entries.values)) } }
}

/// A metric SPEC as the CLI takes it: `name` or `name:key=value,key=value`
/// (values: numbers, `true`/`false`, `None`, strings, `[a,b]` lists).
public struct MetricSpec: Sendable, Equatable {
    public let name: String
    public let options: [String: OptionValue]
    /// The text it was parsed from.
    public let text: String

    public init(parsing text: String) throws {
        self.text = text
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let n = parts.first?.trimmingCharacters(in: .whitespaces), !n.isEmpty else {
            throw MetricError.invalidOption(metric: text, option: "SPEC", expected: "name or name:key=value,...")
        }
        name = n
        var opts: [String: OptionValue] = [:]
        if parts.count == 2 && !parts[1].isEmpty {
            for item in OptionValue.splitTopLevel(parts[1]) {
                let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, !kv[0].isEmpty else {
                    throw MetricError.invalidOption(metric: n, option: item, expected: "key=value")
                }
                opts[kv[0]] = OptionValue(parsing: kv[1])
            }
        }
        options = opts
    }
}
