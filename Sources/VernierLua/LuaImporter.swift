internal import CLuaShim
import Foundation

/// A helper module a script imported with `metric.import`, as read when the
/// script loaded.
struct LuaModule: Sendable, Equatable {
    /// The name given to `metric.import` (`curves`, `stats.moments`).
    let name: String
    /// The file: `<plugin folder>/lib/curves.lua`, `<plugin folder>/lib/stats/moments.lua`.
    let path: String
    /// The file's bytes (the plugin host compares them to notice a change).
    let bytes: Data
}

/// Where `metric.import` reads modules from.
enum LuaModuleSource: Sendable {
    /// No plugin folder (a script loaded from a string): every import is an error.
    case none
    /// The `lib` folder on disk; read while the script loads for the first time.
    case folder(String)
    /// The modules read by that first load: every instance of a script runs
    /// the module text its validation ran, whatever happened on disk since.
    case snapshot(folder: String, modules: [String: LuaModule])

    var folder: String? {
        switch self {
        case .none: return nil
        case .folder(let f), .snapshot(let f, _): return f
        }
    }
}

/// `metric.import(name)`: loads `<plugin folder>/lib/<name>.lua` once per Lua
/// state and returns its value.
///
/// The module's chunk runs as ordinary Lua code called by a small Lua
/// function (`importGlue`), so it runs under the limits of the call that
/// imports it (heap, instructions, deadline), and its errors carry their own
/// `lib/name.lua:LINE:` and traceback. The host side resolves the name,
/// loads the text (never bytecode) with a private environment over the
/// sandbox's read-only base, and keeps the value.
///
/// - New modules load only while the script's main chunk runs (loading the
///   script); later calls (`states`, `update`, `compute`, reducers) get the
///   modules imported then, and importing another one is an error.
/// - A module's value is cached per state: importing twice gives the same
///   value. A table value is returned as a read-only view (like the library
///   tables), so a script cannot change the helpers another module of the
///   same state uses.
/// - After its chunk has run, a module's globals are read-only (as for scripts).
/// - Names are identifiers separated by dots (`stats.moments` is
///   `lib/stats/moments.lua`); nothing else reaches the file system.
final class LuaImporter {
    let source: LuaModuleSource
    /// The modules read in this state, in load order.
    private(set) var loaded: [LuaModule] = []
    /// The modules whose chunk is running, outermost first (an import of one
    /// of them is a cycle).
    private(set) var running: [String] = []
    /// True while the script's main chunk runs.
    var acceptsNewModules = false

    init(source: LuaModuleSource) { self.source = source }

    /// Longest accepted module name.
    static let maximumNameLength = 200

    /// The Lua side of `metric.import`. `begin` answers `"cached", value`,
    /// `"error", message`, or `"run", chunk, guard`; the guard's `__close`
    /// takes the module off `running` however the chunk ends. Errors are
    /// raised here at level 2, so they point at the script line calling
    /// `metric.import`.
    static let importGlue = """
        local begin, finish = ...
        return function(name)
          local state, chunk, guard = begin(name)
          if state == "cached" then return chunk end
          if state == "error" then error(chunk, 2) end
          local _ <close> = guard
          local value, message = finish(name, chunk, chunk())
          if message ~= nil then error(message, 2) end
          return value
        end
        """

    /// Adds `import` to the `metric` library table at `library` (host code,
    /// inside the sandbox's setup scope).
    static func install(in stack: LuaStack, library: Int32) throws {
        let s = stack
        let sandbox = s.sandbox
        try s.reserve(8)
        s.newTable(array: 2)
        s.newTable()
        s.rawSet(-2, index: 1)
        s.newTable(record: 2)
        sandbox.pushHostFunction(nil) { s in try close(s) }
        s.rawSet(-2, "__close")
        s.pushBool(false)
        s.rawSet(-2, "__metatable")
        s.rawSet(-2, index: 2)
        vl_set_slot(s.L, LuaSlot.modules.rawValue)

        var glue = importGlue
        let status = glue.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { vl_load_chunk(s.L, $0.baseAddress, $0.count, "=metric.import") }
        }
        guard status == LUA_OK else { throw LuaError.setup(file: sandbox.file, message: s.string(at: -1) ?? "not enough memory") }
        sandbox.pushHostFunction(nil) { s in try begin(s) }
        sandbox.pushHostFunction(nil) { s in try finish(s) }
        try sandbox.call("setup", nargs: 2, nresults: 1)
        s.rawSet(library, "import")
    }

    /// Whether `name` is identifiers joined by single dots.
    static func isModuleName(_ name: String) -> Bool {
        guard name.utf8.count <= maximumNameLength else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { MetricLibrary.isIdentifier(String($0)) }
    }

    /// `begin(name)`: the cached value, an error message, or the loaded chunk
    /// and its guard (the module is then `running`).
    private static func begin(_ s: LuaStack) throws -> Int32 {
        let importer = s.sandbox.importer
        try s.reserve(8)
        func fail(_ message: String) -> Int32 {
            s.pushString("error")
            s.pushString(message)
            return 2
        }
        guard s.type(at: 1) == LUA_TSTRING, let name = s.string(at: 1), isModuleName(name) else {
            let got = s.type(at: 1) == LUA_TSTRING ? "\"\(String((s.string(at: 1) ?? "").prefix(80)))\"" : "a \(s.typeName(at: 1))"
            return fail("metric.import: argument #1: expected a module name (letters, digits and '_', not starting with a digit; "
                + "dots separate folders: \"curves\" is lib/curves.lua, \"stats.moments\" is lib/stats/moments.lua), got \(got)")
        }
        let call = "metric.import(\"\(name)\")"
        vl_get_slot(s.L, LuaSlot.modules.rawValue)
        let slot = s.top
        s.rawGet(slot, index: 1)
        let cache = s.top
        if s.rawGet(cache, name) != LUA_TNIL {
            s.pushString("cached")
            vl_insert(s.L, -2)
            return 2
        }
        if let first = importer.running.firstIndex(of: name) {
            return fail("\(call): an import cycle: " + (importer.running[first...] + [name]).joined(separator: " imports "))
        }
        guard importer.acceptsNewModules else {
            return fail("\(call): modules load while the script loads; import '\(name)' at the top of the script "
                + "(later calls get the modules imported then)")
        }
        let module: LuaModule
        switch importer.source {
        case .none:
            return fail("\(call): this script has no plugin folder (it was loaded from a string), so there is no lib/ folder to import from")
        case .folder(let folder):
            switch read(name, in: folder) {
            case .success(let m): module = m
            case .failure(let message): return fail("\(call): \(message.text)")
            }
        case .snapshot(let folder, let modules):
            guard let m = modules[name] else {
                return fail("\(call): no module '\(name)' was imported from \(folder) when the script was first loaded")
            }
            module = m
        }
        let chunkName = "=lib/" + name.replacingOccurrences(of: ".", with: "/") + ".lua"
        let status = module.bytes.withUnsafeBytes { buf in
            vl_load_chunk(s.L, buf.baseAddress?.assumingMemoryBound(to: CChar.self), buf.count, chunkName)
        }
        guard status == LUA_OK else {
            let message = s.string(at: -1) ?? "not enough memory"
            s.pop()
            return fail("\(call): cannot load \(module.path): \(message)")
        }
        let chunk = s.top
        if !importer.loaded.contains(where: { $0.name == name }) { importer.loaded.append(module) }
        importer.running.append(name)
        s.pushString("run")
        s.pushValue(chunk)
        s.newTable(array: 1)
        s.pushString(name)
        s.rawSet(-2, index: 1)
        s.rawGet(slot, index: 2)
        lua_setmetatable(s.L, -2)
        return 3
    }

    /// `finish(name, chunk, ...)`: keeps the one value the chunk returned
    /// (a table as a read-only view) and seals the module's globals; or nil
    /// and a message.
    private static func finish(_ s: LuaStack) throws -> Int32 {
        try s.reserve(6)
        let name = s.string(at: 1) ?? "?"
        let results = s.top - 2
        let file = "lib/" + name.replacingOccurrences(of: ".", with: "/") + ".lua"
        guard results == 1, !s.isNoneOrNil(3) else {
            s.pushNil()
            let got = results > 1 ? "it returned \(results) values" : "it returned nothing"
            s.pushString("metric.import(\"\(name)\"): \(file) must end with `return <value>` (one value, typically a table of functions); \(got)")
            return 2
        }
        guard vl_seal_environment(s.L, 2) == LUA_OK else { throw LuaBindingError("not enough memory") }
        s.pushValue(3)
        if s.isTable(at: -1) { vl_freeze(s.L, name) }
        vl_get_slot(s.L, LuaSlot.modules.rawValue)
        s.rawGet(-1, index: 1)
        s.pushValue(-3)
        s.rawSet(-2, name)
        s.pop(2)
        return 1
    }

    /// The guard's `__close`: the module named in `guard[1]` no longer runs.
    private static func close(_ s: LuaStack) throws -> Int32 {
        guard s.isTable(at: 1) else { return 0 }
        s.rawGet(1, index: 1)
        defer { s.pop() }
        let importer = s.sandbox.importer
        if let name = s.string(at: -1), let i = importer.running.lastIndex(of: name) { importer.running.remove(at: i) }
        return 0
    }

    /// A message for a module that cannot be read.
    struct ReadFailure: Error {
        let text: String
    }

    /// Reads module `name` from the `lib` folder `folder`: a regular file of
    /// at most ``LuaScript/maximumSourceBytes``, inside the folder once
    /// symbolic links are resolved.
    static func read(_ name: String, in folder: String) -> Result<LuaModule, ReadFailure> {
        let path = folder + "/" + name.replacingOccurrences(of: ".", with: "/") + ".lua"
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else {
            return .failure(ReadFailure(text: "no module '\(name)': \(path) does not exist (modules are the .lua files under \(folder))"))
        }
        let real = url.resolvingSymlinksInPath().path
        let root = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        guard real.hasPrefix(root + "/") else {
            return .failure(ReadFailure(text: "\(path) leads outside \(folder) (a symbolic link); modules must be files in that folder"))
        }
        let values = try? URL(fileURLWithPath: real).resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
        guard values?.isRegularFile == true else {
            return .failure(ReadFailure(text: "\(path) is not a regular file"))
        }
        func tooLarge(_ size: Int) -> ReadFailure {
            ReadFailure(text: "\(path) has \(size) bytes, more than the \(LuaScript.maximumSourceBytes) accepted for a module")
        }
        // Refused before reading when the size is known; checked again on what was read.
        if let size = values?.fileSize, size > LuaScript.maximumSourceBytes { return .failure(tooLarge(size)) }
        do {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: real))
            guard bytes.count <= LuaScript.maximumSourceBytes else { return .failure(tooLarge(bytes.count)) }
            return .success(LuaModule(name: name, path: path, bytes: bytes))
        } catch {
            return .failure(ReadFailure(text: "cannot read \(path): \(error.localizedDescription)"))
        }
    }
}
