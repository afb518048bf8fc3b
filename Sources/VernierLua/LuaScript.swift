internal import CLuaShim
import Foundation
import VernierCore

/// A loaded Lua metric script: its source and what its `metric.define`
/// declared. Loading runs the script once in a fresh sandbox to validate it;
/// every ``LuaMetric`` made from it then gets its own Lua state (instances
/// share no Lua data). The modules the script imports (`metric.import`, from
/// ``moduleFolder``) are read during that first run; every instance runs
/// the same module text.
///
/// ```swift
/// let script = try LuaScript.load(path: "Plugins/examples/cost_weighted_error.lua")
/// let metric = try script.makeMetric(["num_classes": .int(3)])
/// try metric.update(preds: p, target: t)
/// print(try metric.compute().summary)
/// ```
public final class LuaScript: Sendable {
    /// The file path, or the chunk name of a script loaded from a string.
    public let file: String
    /// The source text.
    public let source: String
    /// The limits every instance runs under: the host's limits with the
    /// script's `limits = {...}` requests applied, capped by the host's maximum.
    public let limits: LuaLimits
    let definition: LuaMetricDefinition
    let chunkName: String
    let log: LuaLogHandler
    /// Finds the metrics named by `metric.builtin` (nil: the script was
    /// loaded without a registry, so it cannot have `uses`).
    let lookup: MetricLookup?
    /// The folder `metric.import` reads modules from: `lib` in the plugin
    /// folder (nil: the script was loaded from a string without one, and
    /// cannot import).
    public let moduleFolder: String?
    /// The modules the script imported while it loaded, as read then; every
    /// instance runs this text.
    let modules: [LuaModule]

    /// The modules the script imported (names given to `metric.import`), in load order.
    public var importedModules: [String] { modules.map(\.name) }

    /// The registry name declared by `metric.define`.
    public var name: String { definition.name }
    /// The one-line summary (`summary` field; may be empty).
    public var summary: String { definition.summary }
    /// `higher_is_better`, nil when not declared.
    public var higherIsBetter: Bool? { definition.higherIsBetter }
    /// The update arguments, in order.
    public var inputs: [String] { definition.inputs }
    /// Update arguments that may be absent (nil in Lua).
    public var optionalInputs: [String] { definition.optionalInputs }
    /// The declared options, sorted by name.
    public var options: [OptionSpec] { definition.options }
    /// The `uses` members: member name and the registry name each builds on, sorted by member name.
    public var uses: [(member: String, metric: String)] { definition.uses.map { ($0.member, $0.metric) } }

    /// Largest source accepted (a script, not a data file).
    public static let maximumSourceBytes = 4 << 20

    /// Loads and validates the script at `path`.
    ///
    /// - Parameters:
    ///   - limits: the limits instances run under unless the script asks for others.
    ///   - maximumLimits: the most a script may ask for (default: `limits`, so scripts can only lower them).
    ///   - log: receives `print`/`warn` output.
    ///   - registry: where `metric.builtin` names are looked up, each time an
    ///     instance is made (nil: the script may not have `uses`).
    ///   - pluginFolder: the folder whose `lib/` holds the modules `metric.import`
    ///     reads (default: the folder holding the script; a ``PluginHost``
    ///     passes the directory it found the script under).
    /// - Throws: ``LuaError/load(file:message:)`` for an unreadable file or a
    ///   syntax error (with the line), ``LuaError/contract(file:call:message:)``
    ///   for a bad definition or a `uses` member that cannot be made (call
    ///   `uses`), or the error the script (or a module it imported) raised.
    public static func load(
        path: String, limits: LuaLimits = .default, maximumLimits: LuaLimits? = nil, log: @escaping LuaLogHandler = luaStderrLogger,
        registry: MetricRegistry? = nil, pluginFolder: String? = nil
    ) throws -> LuaScript {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LuaError.load(file: path, message: "cannot read the file: \(error.localizedDescription)")
        }
        guard data.count <= maximumSourceBytes else {
            throw LuaError.load(file: path, message: "the file has \(data.count) bytes, more than the \(maximumSourceBytes) accepted for a script")
        }
        let url = URL(fileURLWithPath: path)
        let folder = pluginFolder.map { URL(fileURLWithPath: $0) } ?? url.deletingLastPathComponent()
        return try LuaScript(
            file: path, chunkName: url.lastPathComponent, source: String(decoding: data, as: UTF8.self), limits: limits,
            maximumLimits: maximumLimits, log: log, lookup: registry.map(LuaScript.lookup(in:)),
            moduleFolder: LuaScript.moduleFolder(in: folder)
        )
    }

    /// Loads and validates a script held in a string; `chunkName` names it in
    /// messages (`chunkName:LINE:`); `registry` as for
    /// ``load(path:limits:maximumLimits:log:registry:pluginFolder:)``.
    /// Without `pluginFolder` the script has no `lib/` folder: `metric.import`
    /// raises an error saying so.
    public static func load(
        source: String, chunkName: String, limits: LuaLimits = .default, maximumLimits: LuaLimits? = nil,
        log: @escaping LuaLogHandler = luaStderrLogger, registry: MetricRegistry? = nil, pluginFolder: String? = nil
    ) throws -> LuaScript {
        guard source.utf8.count <= maximumSourceBytes else {
            throw LuaError.load(file: chunkName, message: "the source has more than \(maximumSourceBytes) bytes")
        }
        return try LuaScript(
            file: chunkName, chunkName: chunkName, source: source, limits: limits, maximumLimits: maximumLimits, log: log,
            lookup: registry.map(LuaScript.lookup(in:)), moduleFolder: pluginFolder.map { moduleFolder(in: URL(fileURLWithPath: $0)) }
        )
    }

    /// The `lib` folder of a plugin folder (a standardized path).
    static func moduleFolder(in pluginFolder: URL) -> String {
        pluginFolder.appendingPathComponent("lib").standardizedFileURL.path
    }

    /// Loads `source` for the script at `file` (the plugin host reads files
    /// itself, so the text it compares is the text it loads).
    init(
        file: String, chunkName: String, source: String, limits: LuaLimits, maximumLimits: LuaLimits?, log: @escaping LuaLogHandler,
        lookup: MetricLookup?, moduleFolder: String?
    ) throws {
        self.file = file
        self.chunkName = chunkName
        self.source = source
        self.log = log
        self.lookup = lookup
        self.moduleFolder = moduleFolder
        let (sandbox, definition) = try LuaScript.run(
            file: file, chunkName: chunkName, source: source, limits: limits, modules: moduleFolder.map { .folder($0) } ?? .none, log: log
        )
        self.definition = definition
        modules = sandbox.importer.loaded
        var wanted = limits
        if let v = definition.requestedHeapBytes { wanted.heapBytes = v }
        if let v = definition.requestedTensorBytes { wanted.tensorBytes = v }
        if let v = definition.requestedInstructions { wanted.instructionsPerCall = v }
        if let v = definition.requestedSeconds { wanted.secondsPerCall = v }
        self.limits = wanted.capped(by: maximumLimits ?? limits)
        // Fail at load time on errors in `states` and `uses` when the defaults allow an instance.
        if definition.options.allSatisfy({ $0.kind.accept($0.defaultValue) != nil }) {
            sandbox.setLimits(self.limits)
            _ = try LuaMetric(script: self, sandbox: sandbox, options: MetricOptions.resolve([:], specs: definition.options, metric: definition.name))
        }
    }

    /// A fresh sandbox that has run the script (used for each instance), with
    /// the module text read when the script loaded.
    func makeSandbox() throws -> LuaSandbox {
        let source: LuaModuleSource = moduleFolder.map { folder in
            .snapshot(folder: folder, modules: Dictionary(uniqueKeysWithValues: modules.map { ($0.name, $0) }))
        } ?? .none
        let (sandbox, def) = try LuaScript.run(file: file, chunkName: chunkName, source: self.source, limits: limits, modules: source, log: log)
        guard def.name == definition.name, def.options.map(\.name) == definition.options.map(\.name) else {
            throw LuaError.contract(file: file, call: "load", message: "the script defined a different metric on a second run (\(def.name) instead of \(definition.name))")
        }
        return sandbox
    }

    /// Loads the chunk into a new sandbox, runs it (importing modules from
    /// `modules`), and returns the definition.
    static func run(
        file: String, chunkName: String, source: String, limits: LuaLimits, modules: LuaModuleSource, log: @escaping LuaLogHandler
    ) throws -> (LuaSandbox, LuaMetricDefinition) {
        let sandbox = try LuaSandbox(file: file, limits: limits, modules: modules, log: log)
        try sandbox.protected { s in
            let status = source.utf8.withContiguousStorageIfAvailable { buf in
                buf.withMemoryRebound(to: CChar.self) { vl_load_chunk(s.L, $0.baseAddress, $0.count, "=" + chunkName) }
            } ?? Array(source.utf8).withUnsafeBufferPointer { buf in
                buf.withMemoryRebound(to: CChar.self) { vl_load_chunk(s.L, $0.baseAddress, $0.count, "=" + chunkName) }
            }
            guard status == LUA_OK else {
                throw LuaError.load(file: file, message: s.string(at: -1) ?? "not enough memory")
            }
            let chunk = s.top
            s.pushValue(chunk)
            sandbox.importer.acceptsNewModules = true
            defer { sandbox.importer.acceptsNewModules = false }
            try sandbox.call("load", nargs: 0, nresults: 1)
            guard sandbox.definition != nil else {
                throw LuaError.contract(file: file, call: "load", message: "the script must end with `return metric.define { ... }`")
            }
            guard s.type(at: -1) == LUA_TNIL || s.isTable(at: -1) else {
                throw LuaError.contract(file: file, call: "load", message: "the script returned a \(s.typeName(at: -1)); expected the table given to metric.define")
            }
            guard vl_seal_environment(s.L, chunk) == LUA_OK else {
                throw LuaError.setup(file: file, message: "not enough memory")
            }
        }
        return (sandbox, sandbox.definition!)
    }

    /// The registry entry: domain `.plugin`, source = the file, and a factory
    /// making one ``LuaMetric`` (one Lua state) per call.
    public var descriptor: MetricDescriptor {
        MetricDescriptor(
            name: name, domain: .plugin, summary: summary, options: options, inputs: inputs, optionalInputs: optionalInputs,
            source: file, factory: { [self] opts in try LuaMetric(script: self, options: opts) }
        )
    }

    /// A new instance with options given by name (unknown or ill-typed
    /// options are ``MetricError/invalidOption(metric:option:expected:)``).
    public func makeMetric(_ options: [String: OptionValue] = [:]) throws -> LuaMetric {
        try LuaMetric(script: self, options: MetricOptions.resolve(options, specs: self.options, metric: name))
    }
}
