import VernierTensor

/// One rank's view of a collective: what it asked for, used to check that
/// every rank asked for the same thing.
struct CollectiveCall: Equatable, Sendable, CustomStringConvertible {
    enum Kind: Equatable, Sendable {
        case allReduce(AllReduceOp, DType, shape: [Int])
        /// `elementShape` is the shape after the first axis; `rank` the tensor's rank.
        case allGather(DType, rank: Int, elementShape: [Int])
        case barrier
    }

    let kind: Kind
    /// What is being reduced (for messages only: never compared).
    let label: String

    static func == (a: CollectiveCall, b: CollectiveCall) -> Bool { a.kind == b.kind }

    static func allReduce(_ t: Tensor, _ op: AllReduceOp, label: String) -> CollectiveCall {
        CollectiveCall(kind: .allReduce(op, t.dtype, shape: t.shape), label: label)
    }

    static func allGather(_ t: Tensor, label: String) -> CollectiveCall {
        CollectiveCall(kind: .allGather(t.dtype, rank: t.rank, elementShape: Array(t.shape.dropFirst())), label: label)
    }

    static func barrier(label: String) -> CollectiveCall { CollectiveCall(kind: .barrier, label: label) }

    /// `allReduce(sum)`, `allGather`, `barrier`.
    var operation: String {
        switch kind {
        case .allReduce(let op, _, _): return "allReduce(\(op.rawValue))"
        case .allGather: return "allGather"
        case .barrier: return "barrier"
        }
    }

    /// What is wrong with this call on its own (nil when it is valid).
    var problem: String? {
        switch kind {
        case .allReduce(_, let dt, _) where !AllReduceOp.supportedDTypes.contains(dt):
            return "a float32, float64 or int64 tensor, got \(dt.rawValue)"
        case .allGather(_, let rank, _) where rank == 0:
            return "a tensor of rank >= 1 (rows along the first axis), got a zero-dimensional tensor"
        default:
            return nil
        }
    }

    /// `allReduce(sum) of float32 [3] for 'label'`.
    var description: String {
        let what: String
        switch kind {
        case let .allReduce(_, dt, shape): what = " of \(dt.rawValue) \(shape)"
        case let .allGather(dt, rank, elementShape): what = rank == 0 ? " of \(dt.rawValue) []" : " of \(dt.rawValue) [*\(elementShape.map { ", \($0)" }.joined())]"
        case .barrier: what = ""
        }
        return operation + what + (label.isEmpty ? "" : " for \(label)")
    }
}
