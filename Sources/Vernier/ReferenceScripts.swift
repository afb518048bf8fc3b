import Foundation

/// The Lua reference scripts (`Plugins/reference/<domain>/<name>.lua`): an
/// independent implementation of every built-in metric, registered under the
/// built-in's name in a registry of their own, so native and Lua can be
/// checked against each other and against the fixtures.
public enum ReferenceScripts {
    /// The reference folder: `VERNIER_REFERENCE_DIR`, else `Plugins/reference`
    /// in the current folder or one of its parents, else in the source
    /// checkout this library was built from.
    public static func locate() -> URL? {
        let fm = FileManager.default
        if let p = ProcessInfo.processInfo.environment["VERNIER_REFERENCE_DIR"] { return URL(fileURLWithPath: p) }
        var dir = URL(fileURLWithPath: fm.currentDirectoryPath)
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("Plugins/reference")
            if fm.fileExists(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = checkout.appendingPathComponent("Plugins/reference")
        return fm.fileExists(atPath: candidate.path) ? candidate : nil
    }

    /// A registry holding the reference scripts under `folder` (default
    /// ``locate()``), with the load report (files that failed to load).
    public static func registry(at folder: URL? = nil, limits: LuaLimits = .default) throws -> (MetricRegistry, PluginReport) {
        guard let folder = folder ?? locate() else {
            throw MetricError.failed(metric: "reference", detail: "Plugins/reference not found; set VERNIER_REFERENCE_DIR")
        }
        let registry = MetricRegistry()
        let host = PluginHost(directories: [folder], registry: registry, limits: limits)
        let report = host.load()
        return (registry, report)
    }
}
