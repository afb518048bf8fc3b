import ArgumentParser
import Foundation
import Vernier

/// Options shared by the commands that build metrics.
struct MetricSourceOptions: ParsableArguments {
    @Option(name: .customLong("plugins"), help: "A folder of Lua metric plugins to load, recursively (repeatable).")
    var pluginDirectories: [String] = []

    /// The registry: built-ins plus the plugins. Plugins that fail to load
    /// are reported on stderr; the others are used.
    func registry() throws -> MetricRegistry {
        let registry = MetricRegistry.builtins()
        try loadPlugins(into: registry)
        return registry
    }

    /// The reference scripts' registry plus the plugins (for `--impl lua`).
    func referenceRegistry() throws -> MetricRegistry {
        let (registry, report) = try ReferenceScripts.registry()
        for f in report.failures { printError("vernier: reference script \(f)") }
        try loadPlugins(into: registry)
        return registry
    }

    func loadPlugins(into registry: MetricRegistry) throws {
        if pluginDirectories.isEmpty { return }
        for d in pluginDirectories where !FileManager.default.fileExists(atPath: d) {
            throw CLIError("--plugins: no such folder \(d)")
        }
        let host = PluginHost(directories: pluginDirectories.map { URL(fileURLWithPath: $0) }, registry: registry)
        let report = host.load()
        for f in report.failures { printError("vernier: plugin \(f)") }
    }
}
