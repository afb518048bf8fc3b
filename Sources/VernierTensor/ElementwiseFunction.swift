import Foundation

/// A function of two elements, as a type: kernels generic over it are
/// specialised per function, so the call inlines into the loop and the loop
/// can vectorise (a closure would cost an indirect call per element once the
/// loop runs inside a parallel chunk).
protocol BinaryFunction {
    associatedtype A: TensorElement
    associatedtype B: TensorElement
    associatedtype O: TensorElement
    func callAsFunction(_ a: A, _ b: B) -> O
}

/// A function of one element, as a type (see ``BinaryFunction``).
protocol UnaryFunction {
    associatedtype A: TensorElement
    associatedtype O: TensorElement
    func callAsFunction(_ x: A) -> O
}

/// The element functions behind ``BinaryOp``, ``CompareOp``, ``LogicalOp`` and ``UnaryOp``.
enum Elementwise {
    // MARK: Floating-point arithmetic

    struct Add<T: FloatElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a + b }
    }
    struct Sub<T: FloatElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a - b }
    }
    struct Mul<T: FloatElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a * b }
    }
    struct Div<T: FloatElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a / b }
    }
    struct Pow<T: FloatElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { T(fromDouble: Foundation.pow(a.doubleValue, b.doubleValue)) }
    }
    /// Maximum that propagates NaN (Swift.max would drop it).
    struct Maximum<T: FloatElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }
    }
    /// Minimum that propagates NaN (Swift.min would drop it).
    struct Minimum<T: FloatElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }
    }
    /// Python-style modulo: the result takes the sign of `b`.
    struct Remainder<T: FloatElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T {
            let r = a.truncatingRemainder(dividingBy: b)
            return r != 0 && ((r < 0) != (b < 0)) ? r + b : r
        }
    }
    struct FloorDivide<T: FloatElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { (a / b).rounded(.down) }
    }

    // MARK: Integer arithmetic (wrapping, like PyTorch)

    struct IntAdd<T: IntegerElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a &+ b }
    }
    struct IntSub<T: IntegerElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a &- b }
    }
    struct IntMul<T: IntegerElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a &* b }
    }
    /// Exponentiation by squaring; the caller rejects negative exponents.
    struct IntPow<T: IntegerElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ base: T, _ e: T) -> T {
            var result: T = 1, b = base, k = e
            while k > 0 {
                if k & 1 == 1 { result = result &* b }
                b = b &* b
                k >>= 1
            }
            return result
        }
    }
    struct IntMaximum<T: IntegerElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { Swift.max(a, b) }
    }
    struct IntMinimum<T: IntegerElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { Swift.min(a, b) }
    }
    /// Python-style modulo; the caller rejects zero divisors. The reporting
    /// form gives `min % -1 == 0` instead of trapping.
    struct IntRemainder<T: IntegerElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T {
            let r = a.remainderReportingOverflow(dividingBy: b).partialValue
            return r != 0 && ((r < 0) != (b < 0)) ? r + b : r
        }
    }
    /// Floor division; the caller rejects zero divisors. `min / -1` wraps to `min`.
    struct IntFloorDivide<T: IntegerElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T {
            let q = a.dividedReportingOverflow(by: b).partialValue
            let r = a.remainderReportingOverflow(dividingBy: b).partialValue
            return r != 0 && ((a < 0) != (b < 0)) ? q - 1 : q
        }
    }

    // MARK: Comparisons and logic

    struct Equal<T: NumericElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool { a == b }
    }
    struct NotEqual<T: NumericElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool { a != b }
    }
    struct Less<T: NumericElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool { a < b }
    }
    struct LessEqual<T: NumericElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool { a <= b }
    }
    struct Greater<T: NumericElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool { a > b }
    }
    struct GreaterEqual<T: NumericElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool { a >= b }
    }
    struct And: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: Bool, _ b: Bool) -> Bool { a && b }
    }
    struct Or: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: Bool, _ b: Bool) -> Bool { a || b }
    }
    struct Xor: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: Bool, _ b: Bool) -> Bool { a != b }
    }
    /// The first operand, ignoring the second: broadcasting as a binary kernel.
    struct First<T: TensorElement>: BinaryFunction {
        @inline(__always) func callAsFunction(_ a: T, _: Bool) -> T { a }
    }

    // MARK: Unary

    /// A libm function evaluated in Float64. The closure call is no loss here:
    /// the libm call it makes is out of line anyway.
    struct Math<T: FloatElement>: UnaryFunction {
        let f: (Double) -> Double
        @inline(__always) func callAsFunction(_ x: T) -> T { T(fromDouble: f(x.doubleValue)) }
    }
    struct Abs<T: FloatElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { Swift.abs(x) }
    }
    struct Negate<T: FloatElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { -x }
    }
    struct SquareRoot<T: FloatElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { x.squareRoot() }
    }
    struct Round<T: FloatElement>: UnaryFunction {
        let rule: FloatingPointRoundingRule
        @inline(__always) func callAsFunction(_ x: T) -> T { x.rounded(rule) }
    }
    /// -1, 0 or 1 by sign; NaN stays NaN.
    struct Sign<T: FloatElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { x.isNaN ? x : (x > 0 ? 1 : (x < 0 ? -1 : 0)) }
    }
    struct Reciprocal<T: FloatElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { 1 / x }
    }
    struct Square<T: FloatElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { x * x }
    }
    struct IntAbs<T: IntegerElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { x < 0 ? 0 &- x : x }
    }
    struct IntNegate<T: IntegerElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { 0 &- x }
    }
    struct IntSign<T: IntegerElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? 0 &- 1 : 0) }
    }
    struct IntSquare<T: IntegerElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> T { x &* x }
    }
    struct IsNaN<T: FloatElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> Bool { x.isNaN }
    }
    struct IsInfinite<T: FloatElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> Bool { x.isInfinite }
    }
    struct IsFinite<T: FloatElement>: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: T) -> Bool { x.isFinite }
    }
    struct Not: UnaryFunction {
        @inline(__always) func callAsFunction(_ x: Bool) -> Bool { !x }
    }
    /// `min(max(x, lo), hi)` in one pass; NaN stays NaN.
    struct Clamp<T: FloatElement>: UnaryFunction {
        let lo: T, hi: T
        @inline(__always) func callAsFunction(_ x: T) -> T { x.isNaN ? x : Swift.min(Swift.max(x, lo), hi) }
    }
    struct IntClamp<T: IntegerElement>: UnaryFunction {
        let lo: T, hi: T
        @inline(__always) func callAsFunction(_ x: T) -> T { Swift.min(Swift.max(x, lo), hi) }
    }
    /// NaN, +inf and -inf replaced by the given values.
    struct NanToNum<T: FloatElement>: UnaryFunction {
        let nan: T, posinf: T, neginf: T
        @inline(__always) func callAsFunction(_ x: T) -> T {
            x.isNaN ? nan : (x == .infinity ? posinf : (x == -.infinity ? neginf : x))
        }
    }
}
