import ArgumentParser
import Foundation

/// The `vernier` command line: a thin layer over the library.
@main
struct VernierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vernier",
        abstract: "Machine-learning evaluation metrics: native Swift, cross-checked against Lua reference scripts.",
        subcommands: [Eval.self, Verify.self, Crosscheck.self, Metrics.self, Plugins.self, Demo.self, Bench.self],
        defaultSubcommand: nil
    )
}

/// Errors the CLI reports with a message and exit code 1 (or 2 for usage).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Writes to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
