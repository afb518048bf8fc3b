extension Tensor {
    /// The shape two operands broadcast to (NumPy/PyTorch rules: align from the
    /// right; each pair of sizes must be equal or one of them 1).
    ///
    /// - Throws: ``TensorError/shapeMismatch(_:)`` when the shapes are incompatible.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let r = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
                throw TensorError.shapeMismatch("shapes \(a) and \(b) cannot be broadcast together")
            }
        }
        return out
    }

    /// Element strides of `shape` when broadcast to `outShape` (0 on broadcast dimensions).
    @usableFromInline
    static func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
        let r = outShape.count
        var strides = [Int](repeating: 0, count: r)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            let o = i + (r - shape.count)
            strides[o] = shape[i] == 1 && outShape[o] != 1 ? 0 : s
            s *= shape[i]
        }
        return strides
    }

    /// The tensor materialised at a broadcast shape.
    public func broadcast(to outShape: [Int]) throws -> Tensor {
        let target = try Tensor.broadcastShape(shape, outShape)
        guard target == outShape else {
            throw TensorError.shapeMismatch("cannot broadcast \(shape) to \(outShape)")
        }
        if shape == outShape { return self }
        switch dtype {
        case .float32: return broadcastCopy(Float.self, outShape)
        case .float64: return broadcastCopy(Double.self, outShape)
        case .int64: return broadcastCopy(Int64.self, outShape)
        case .int32: return broadcastCopy(Int32.self, outShape)
        case .uint8: return broadcastCopy(UInt8.self, outShape)
        case .bool: return broadcastCopy(Bool.self, outShape)
        }
    }

    private func broadcastCopy<T: TensorElement>(_: T.Type, _ outShape: [Int]) -> Tensor {
        // Reuse the binary kernel, (x, _) -> x, against a bool tensor of the target shape.
        Tensor.zipBroadcast(self, Tensor.zeros(outShape, dtype: .bool), Elementwise.First<T>())
    }

    /// Applies `f` elementwise over two operands already in its element types,
    /// broadcasting their shapes. The hot paths (equal shapes, one scalar) are
    /// flat loops the compiler vectorises; the general path walks the output
    /// with the innermost dimension as a strided inner loop.
    static func zipBroadcast<F: BinaryFunction>(_ a: Tensor, _ b: Tensor, _ f: F) -> Tensor {
        let outShape = (try? broadcastShape(a.shape, b.shape)) ?? a.shape
        var out = Tensor(uninitializedShape: outShape, dtype: F.O.dtype)
        let n = out.count
        a.withUnsafeBuffer(as: F.A.self) { pa in
            b.withUnsafeBuffer(as: F.B.self) { pb in
                out.withUnsafeMutableBuffer(as: F.O.self) { po in
                    let pa = pa.baseAddress!, pb = pb.baseAddress!, po = po.baseAddress!
                    if a.count == n && b.count == n {
                        Parallelism.forEachChunk(n) { _, r in
                            for i in r { po[i] = f(pa[i], pb[i]) }
                        }
                    } else if b.count == 1 && a.count == n {
                        let y = pb[0]
                        Parallelism.forEachChunk(n) { _, r in
                            for i in r { po[i] = f(pa[i], y) }
                        }
                    } else if a.count == 1 && b.count == n {
                        let x = pa[0]
                        Parallelism.forEachChunk(n) { _, r in
                            for i in r { po[i] = f(x, pb[i]) }
                        }
                    } else if n > 0 {
                        let r = outShape.count
                        let sa = broadcastStrides(a.shape, to: outShape)
                        let sb = broadcastStrides(b.shape, to: outShape)
                        let inner = outShape[r - 1]
                        let ia = sa[r - 1], ib = sb[r - 1]
                        let outer = n / inner
                        var idx = [Int](repeating: 0, count: r)
                        var offA = 0, offB = 0
                        for o in 0..<outer {
                            let base = o * inner
                            for j in 0..<inner { po[base + j] = f(pa[offA + j * ia], pb[offB + j * ib]) }
                            // Advance the outer index (dimensions 0..<r-1), odometer style.
                            var d = r - 2
                            while d >= 0 {
                                idx[d] += 1
                                offA += sa[d]
                                offB += sb[d]
                                if idx[d] < outShape[d] { break }
                                offA -= sa[d] * outShape[d]
                                offB -= sb[d] * outShape[d]
                                idx[d] = 0
                                d -= 1
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
