import ArgumentParser
import Foundation
import Vernier

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure kernel throughput (elements per second); build with -c release for meaningful numbers."
    )

    @Option(help: "Elements per kernel run.") var elements: Int = 4_000_000

    func run() throws {
        throw CLIError("kernel benchmarks are not in this build yet")
    }
}
