import Testing
@testable import VernierTensor

/// Whether `a` and `b` agree elementwise within `tolerance` (NaN matches NaN, infinities must be equal).
func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-6) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in
        (x.isNaN && y.isNaN) || x == y || Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(y))
    }
}

/// Checks that `body` throws a ``TensorError`` whose message contains `fragment`.
func expectTensorError(containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Any) {
    do {
        _ = try body()
        Issue.record("expected a TensorError containing '\(fragment)'", sourceLocation: sourceLocation)
    } catch let error as TensorError {
        #expect(error.description.contains(fragment), "message was: \(error.description)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
