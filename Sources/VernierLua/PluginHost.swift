import Dispatch
import Foundation
import VernierCore

/// A Lua metric registered by a ``PluginHost``: its registry name and file.
public struct LoadedPlugin: Sendable, Equatable, CustomStringConvertible {
    /// The registry name.
    public let name: String
    /// The script's path.
    public let file: String
    /// `name (file)`.
    public var description: String { "\(name) (\(file))" }
}

/// A file that could not be (re)loaded, and why.
public struct PluginFailure: Sendable, Equatable, CustomStringConvertible {
    /// The script's path (or the directory that could not be read).
    public let file: String
    /// The error, with `file:line` when Lua reported one.
    public let message: String
    /// `file: message`.
    public var description: String { "\(file): \(message)" }
}

/// What a ``PluginHost/load()`` or ``PluginHost/reload()`` did.
///
/// `failures` lists every file that is currently broken (also when it
/// failed before and did not change). A broken new version of a plugin that
/// loaded before keeps its last good version in service: it is listed in
/// `failures`, and not in `removed`.
public struct PluginReport: Sendable, CustomStringConvertible {
    /// Plugins registered for the first time.
    public var added: [LoadedPlugin] = []
    /// Plugins whose file changed and loaded again (the registry entry was replaced).
    public var updated: [LoadedPlugin] = []
    /// Plugins no longer registered (file removed, renamed metric, or lost a name collision).
    public var removed: [LoadedPlugin] = []
    /// Plugins left as they were.
    public var unchanged: [LoadedPlugin] = []
    /// Files that failed, with the error.
    public var failures: [PluginFailure] = []

    /// No failures.
    public var isClean: Bool { failures.isEmpty }
    /// Whether anything was added, updated or removed.
    public var hasChanges: Bool { !added.isEmpty || !updated.isEmpty || !removed.isEmpty }

    /// One line per change and failure, then a count.
    public var description: String {
        var lines: [String] = []
        for p in added { lines.append("added \(p)") }
        for p in updated { lines.append("updated \(p)") }
        for p in removed { lines.append("removed \(p)") }
        for f in failures { lines.append("failed \(f)") }
        lines.append("\(added.count + updated.count + unchanged.count) loaded, \(failures.count) failed")
        return lines.joined(separator: "\n")
    }
}

/// Loads every `*.lua` file under some directories (recursively) as one
/// metric each, registers them in a ``MetricRegistry``, and hot-reloads them.
///
/// - Files under a directory's top-level `lib/` folder are not metrics: they
///   are the helper modules scripts of that directory load with
///   `metric.import` (a module that fails to load fails the scripts importing it).
/// - One bad file does not stop the others: its error is in the report.
/// - A registry name already taken (by a built-in, or by another file) is a
///   failure naming both sources; between two files, the one that held the
///   name keeps it, otherwise the first path in sorted order.
/// - ``reload()`` picks up added, changed and removed files; a file that
///   fails after a change keeps its last good version registered. A changed,
///   added or removed module reloads the scripts that imported it, and
///   retries the scripts of that directory that failed.
///
/// ```swift
/// let host = PluginHost(directories: [URL(fileURLWithPath: "Plugins")], registry: registry)
/// let report = host.load()
/// host.startWatching(every: 1) { report in print(report) }
/// ```
public final class PluginHost: @unchecked Sendable {
    /// The directories scanned, in order.
    public let directories: [URL]
    /// The registry plugins are registered in.
    public let registry: MetricRegistry
    /// The limits plugins run under (see ``LuaScript/load(path:limits:maximumLimits:log:registry:pluginFolder:)``).
    public let limits: LuaLimits
    /// The most a plugin may ask for in its `limits` field.
    public let maximumLimits: LuaLimits
    private let log: LuaLogHandler

    private struct FileEntry {
        var source: Data
        /// The `lib` folder of the directory the file was found under.
        var moduleFolder: String
        var script: LuaScript?
        var error: String?
        /// The last load failed on `uses` (a used metric may appear later), so
        /// the file is loaded again on every reload even when unchanged.
        var waitsForUses = false
    }

    /// Scripts loaded during the current reload, by name: `uses` resolves
    /// names in the registry first, then here, so plugins may use each other
    /// whatever their load order.
    private let loadedThisPass = LoadedScripts()

    private var files: [String: FileEntry] = [:]
    /// The bytes of every module file (under a directory's `lib/`) at the last reload.
    private var moduleFiles: [String: Data] = [:]
    /// Registry names this host registered, and the file each came from.
    private var owned: [String: (path: String, script: LuaScript)] = [:]
    private let lock = NSLock()
    private var timer: DispatchSourceTimer?
    /// The failures of the last reload (the watcher reports only changes).
    private var currentFailures: [PluginFailure] = []

    /// A host for `directories` registering into `registry`. Nothing is read
    /// until ``load()``.
    public init(
        directories: [URL], registry: MetricRegistry, limits: LuaLimits = .default, maximumLimits: LuaLimits? = nil,
        log: @escaping LuaLogHandler = luaStderrLogger
    ) {
        self.directories = directories
        self.registry = registry
        self.limits = limits
        self.maximumLimits = maximumLimits ?? limits
        self.log = log
    }

    deinit { timer?.cancel() }

    /// Loads every plugin (the first ``reload()``).
    @discardableResult
    public func load() -> PluginReport { reload() }

    /// The plugins currently registered, sorted by name.
    public var plugins: [LoadedPlugin] {
        lock.withLock { owned.map { LoadedPlugin(name: $0.key, file: $0.value.path) }.sorted { $0.name < $1.name } }
    }

    /// The script registered under `name` by this host.
    public func script(named name: String) -> LuaScript? { lock.withLock { owned[name]?.script } }

    /// Rescans the directories and applies added, changed and removed files
    /// to the registry.
    @discardableResult
    public func reload() -> PluginReport {
        lock.withLock { reloadLocked() }
    }

    /// Calls ``reload()`` every `seconds` on a background queue and passes
    /// each report with changes, or with a different set of failures, to
    /// `onChange`. Replaces a previous watcher.
    public func startWatching(every seconds: Double, onChange: @escaping @Sendable (PluginReport) -> Void) {
        stopWatching()
        let queue = DispatchQueue(label: "vernier.plugin-host.watch")
        let t = DispatchSource.makeTimerSource(queue: queue)
        t.schedule(deadline: .now() + seconds, repeating: seconds)
        t.setEventHandler { [weak self] in
            guard let self else { return }
            let before = self.lock.withLock { self.currentFailures }
            let report = self.reload()
            if report.hasChanges || report.failures != before { onChange(report) }
        }
        lock.withLock { timer = t }
        t.resume()
    }

    /// Stops the watcher started by ``startWatching(every:onChange:)``.
    public func stopWatching() {
        lock.withLock {
            timer?.cancel()
            timer = nil
        }
    }

    // MARK: Reload

    private func reloadLocked() -> PluginReport {
        var report = PluginReport()
        var seen = Set<String>()
        var toLoad: [(path: String, moduleFolder: String, data: Data)] = []
        defer { loadedThisPass.removeAll() }
        let (found, modules) = scan(&report)
        let changedModules = Set(modules.keys).union(moduleFiles.keys).filter { modules[$0] != moduleFiles[$0] }
        moduleFiles = modules
        for (path, moduleFolder, readResult) in found {
            seen.insert(path)
            let data: Data
            switch readResult {
            case .success(let d): data = d
            case .failure(let e):
                files[path] = FileEntry(
                    source: Data(), moduleFolder: moduleFolder, script: files[path]?.script, error: "cannot read the file: \(e.localizedDescription)"
                )
                continue
            }
            if let old = files[path], old.source == data, old.moduleFolder == moduleFolder, !old.waitsForUses,
               !changedModules.contains(where: { $0.hasPrefix(moduleFolder + "/") }) || !needsReload(old, modules: modules) {
                continue
            }
            toLoad.append((path, moduleFolder, data))
        }
        for path in files.keys where !seen.contains(path) { files[path] = nil }
        // Files failing on `uses` are tried again while another file loaded
        // in the previous round (each round loads at least one more, so it ends).
        while !toLoad.isEmpty {
            var retry: [(path: String, moduleFolder: String, data: Data)] = []
            for item in toLoad where !load(item.path, moduleFolder: item.moduleFolder, item.data) { retry.append(item) }
            if retry.count == toLoad.count { break }
            toLoad = retry
        }

        var desired: [String: (path: String, script: LuaScript)] = [:]
        var collisions: [String: String] = [:]
        let candidates = files.keys.sorted().compactMap { p in files[p]!.script.map { (p, $0) } }
        // Current holders keep their names; then the others claim in path order.
        for (path, script) in candidates where owned[script.name]?.path == path {
            desired[script.name] = (path, script)
        }
        for (path, script) in candidates where desired[script.name]?.path != path {
            if let holder = desired[script.name] {
                collisions[path] = "registry name '\(script.name)' is also defined by \(holder.path); this file is not registered"
            } else if owned[script.name] == nil, let existing = try? registry.descriptor(script.name) {
                collisions[path] = "registry name '\(script.name)' is already taken by \(existing.source); this file is not registered"
            } else {
                desired[script.name] = (path, script)
            }
        }

        for (name, old) in owned.sorted(by: { $0.key < $1.key }) where desired[name] == nil {
            registry.remove(name)
            report.removed.append(LoadedPlugin(name: name, file: old.path))
        }
        for (name, new) in desired.sorted(by: { $0.key < $1.key }) {
            let plugin = LoadedPlugin(name: name, file: new.path)
            if let old = owned[name] {
                if old.script === new.script { report.unchanged.append(plugin); continue }
                registry.replace(new.script.descriptor)
                report.updated.append(plugin)
            } else {
                do {
                    try registry.register(new.script.descriptor)
                    report.added.append(plugin)
                } catch {
                    collisions[new.path] = String(describing: error)
                    desired[name] = nil
                }
            }
        }
        owned = desired
        for path in files.keys.sorted() {
            if let e = files[path]?.error { report.failures.append(PluginFailure(file: path, message: e)) }
            if let c = collisions[path] { report.failures.append(PluginFailure(file: path, message: c)) }
        }
        report.failures.sort { $0.file < $1.file }
        currentFailures = report.failures
        return report
    }

    /// Whether a file whose directory's modules changed must load again: it
    /// failed (perhaps on a module), or a module it imported changed or went away.
    private func needsReload(_ entry: FileEntry, modules: [String: Data]) -> Bool {
        guard entry.error == nil, let script = entry.script else { return true }
        return script.modules.contains { modules[$0.path] != $0.bytes }
    }

    /// Loads one file's new text into `files`; false when it failed on `uses`.
    private func load(_ path: String, moduleFolder: String, _ data: Data) -> Bool {
        var entry = files[path] ?? FileEntry(source: data, moduleFolder: moduleFolder)
        entry.source = data
        entry.moduleFolder = moduleFolder
        entry.waitsForUses = false
        do {
            let script = try LuaScript(
                file: path, chunkName: URL(fileURLWithPath: path).lastPathComponent, source: String(decoding: data, as: UTF8.self),
                limits: limits, maximumLimits: maximumLimits, log: log, lookup: lookup, moduleFolder: entry.moduleFolder
            )
            entry.script = script
            entry.error = nil
            loadedThisPass.add(script)
        } catch {
            if case LuaError.contract(_, "uses", _) = error { entry.waitsForUses = true }
            entry.error = String(describing: error) + (entry.script == nil ? "" : " (the last good version stays in service)")
        }
        files[path] = entry
        return !entry.waitsForUses
    }

    /// The registry, then the scripts loaded in the current reload. Holds the
    /// registry weakly: the registry holds the scripts' descriptors.
    private var lookup: MetricLookup {
        { [weak registry, loadedThisPass] name in
            guard let registry else { throw MetricError.unknownMetric(name: name, known: []) }
            if registry.contains(name) { return try registry.descriptor(name) }
            if let script = loadedThisPass[name] { return script.descriptor }
            return try registry.descriptor(name)
        }
    }

    /// Every `*.lua` regular file under the directories (sorted, standardized
    /// paths) with the `lib` folder of the first directory it was found under
    /// and its bytes, leaving out the modules (files under a directory's
    /// `lib/`); and the bytes of the modules (unreadable ones left out). A
    /// missing directory is a failure.
    private func scan(_ report: inout PluginReport) -> (
        scripts: [(path: String, moduleFolder: String, data: Result<Data, Error>)], modules: [String: Data]
    ) {
        var paths: [String: String] = [:]
        var modules: [String: Data] = [:]
        for dir in directories {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
                report.failures.append(PluginFailure(file: dir.path, message: "not a directory"))
                continue
            }
            let moduleFolder = LuaScript.moduleFolder(in: dir)
            guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in e where url.pathExtension == "lua" {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let path = url.standardizedFileURL.path
                if path.hasPrefix(moduleFolder + "/") {
                    modules[path] = try? Data(contentsOf: url)
                } else if paths[path] == nil {
                    paths[path] = moduleFolder
                }
            }
        }
        let scripts = paths.keys.sorted().map { p in
            (p, paths[p]!, Result { () throws -> Data in
                let d = try Data(contentsOf: URL(fileURLWithPath: p))
                guard d.count <= LuaScript.maximumSourceBytes else {
                    throw LuaError.load(file: p, message: "the file has \(d.count) bytes, more than the \(LuaScript.maximumSourceBytes) accepted for a script")
                }
                return d
            })
        }
        return (scripts, modules)
    }
}

/// Scripts by name, first loaded wins (read by `uses` lookups from any thread).
private final class LoadedScripts: @unchecked Sendable {
    private let lock = NSLock()
    private var scripts: [String: LuaScript] = [:]

    subscript(name: String) -> LuaScript? { lock.withLock { scripts[name] } }

    func add(_ script: LuaScript) { lock.withLock { if scripts[script.name] == nil { scripts[script.name] = script } } }

    func removeAll() { lock.withLock { scripts = [:] } }
}
