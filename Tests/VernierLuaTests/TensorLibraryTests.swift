import Foundation
import Testing
import VernierCore
import VernierTensor
@testable import VernierLua

@Suite struct TensorLibraryTests {
    @Test func constructorsAndDTypes() throws {
        let ints = try #require(try evaluate("return tensor.new({{1, 2}, {3, 4}})").tensor)
        #expect(ints.dtype == .int64)
        #expect(ints.shape == [2, 2])
        #expect(ints.toInt64s() == [1, 2, 3, 4])
        let floats = try #require(try evaluate("return tensor.new({1.5, 2})").tensor)
        #expect(floats.dtype == .float32)
        #expect(floats.toDoubles() == [1.5, 2])
        #expect(try evaluate("return tensor.new({true, false})").tensor?.dtype == .bool)
        #expect(try evaluate("return tensor.new({1, 2}, 'float64')").tensor?.dtype == .float64)
        #expect(try doubles(evaluate("return tensor.full({2}, 7)")) == [7, 7])
        #expect(try evaluate("return tensor.full({2}, 7)").tensor?.dtype == .int64)
        #expect(try doubles(evaluate("return tensor.arange(5)")) == [0, 1, 2, 3, 4])
        #expect(try doubles(evaluate("return tensor.arange(1, 2, 0.25)")) == [1, 1.25, 1.5, 1.75])
        #expect(try doubles(evaluate("return tensor.linspace(0, 1, 5)")) == [0, 0.25, 0.5, 0.75, 1])
        #expect(try evaluate("return tensor.zeros({2, 3}, 'int32')").tensor?.shape == [2, 3])
        #expect(try evaluate("return tensor.scalar(3)").tensor?.dtype == .int64)
        #expect(try evaluate("return tensor.new({})").tensor?.shape == [0])
        #expect(try evaluate("return tensor.arange(5, 0)").tensor?.shape == [0])
        #expect(try evaluate("return tensor.arange(1e300, -1e300)").tensor?.shape == [0])
    }

    @Test func arithmeticMetamethodsWithNumbers() throws {
        // (t * 2 - 1) / 2 with t = [1, 2, 3] -> [0.5, 1.5, 2.5]; 10 - t -> [9, 8, 7]; -t; t ^ 2; t % 2; t // 2
        #expect(try doubles(evaluate("local t = tensor.new({1, 2, 3}); return (t * 2 - 1) / 2")) == [0.5, 1.5, 2.5])
        #expect(try doubles(evaluate("local t = tensor.new({1, 2, 3}); return 10 - t")) == [9, 8, 7])
        #expect(try doubles(evaluate("return -tensor.new({1, -2})")) == [-1, 2])
        #expect(try doubles(evaluate("return tensor.new({1, 2, 3}) ^ 2")) == [1, 4, 9])
        #expect(try doubles(evaluate("return tensor.new({-3, 3}) % 2")) == [1, 1])
        #expect(try doubles(evaluate("return tensor.new({-3, 3}) // 2")) == [-2, 1])
        #expect(try evaluate("return tensor.new({1, 2}) + 1").tensor?.dtype == .int64)
        #expect(try evaluate("return tensor.new({1, 2}) + 0.5").tensor?.dtype == .float32)
        // broadcasting [2,1] + [3] -> [2,3]
        let b = try #require(try evaluate("return tensor.new({{0}, {10}}) + tensor.new({1, 2, 3})").tensor)
        #expect(b.shape == [2, 3])
        #expect(b.toDoubles() == [1, 2, 3, 11, 12, 13])
    }

    @Test func comparisonsLogicalAndWhere() throws {
        #expect(try doubles(evaluate("return tensor.new({1, 2, 3}):gt(1.5)")) == [0, 1, 1])
        #expect(try doubles(evaluate("return tensor.new({1, 2, 3}):eq(tensor.new({1, 0, 3}))")) == [1, 0, 1])
        #expect(try doubles(evaluate("local a = tensor.new({true, false}); return a:logical_and(tensor.new({true, true}))")) == [1, 0])
        #expect(try doubles(evaluate("return tensor.new({true, false}):logical_not()")) == [0, 1])
        #expect(try doubles(evaluate("local t = tensor.new({1, -2, 3}); return tensor.where(t:gt(0), t, 0)")) == [1, 0, 3])
    }

    @Test func unaryMathAndNaN() throws {
        #expect(try doubles(evaluate("return tensor.new({4.0, 9.0}):sqrt()")) == [2, 3])
        #expect(try doubles(evaluate("return tensor.new({0.0}):sigmoid()")) == [0.5])
        #expect(try doubles(evaluate("return tensor.new({-1.5, 2}):abs()")) == [1.5, 2])
        #expect(try doubles(evaluate("return tensor.new({0.0/0.0, 1.0}):isnan()")) == [1, 0])
        #expect(try doubles(evaluate("return tensor.new({0.0/0.0, 1.0}):nan_to_num(-1)")) == [-1, 1])
        #expect(try doubles(evaluate("return tensor.new({-2, 0.5, 3}):clamp(0, 1)")) == [0, 0.5, 1])
        // every UnaryOp is bound
        for op in UnaryOp.allCases {
            #expect(try evaluate("return tensor.new({0.5}):\(op.rawValue)()").tensor?.count == 1)
        }
    }

    @Test func reductionsUseZeroBasedAxes() throws {
        let m = "local t = tensor.new({{1, 2, 3}, {4, 5, 6}}); "
        #expect(try doubles(evaluate(m + "return t:sum()")) == [21])
        #expect(try doubles(evaluate(m + "return t:sum(0)")) == [5, 7, 9])
        #expect(try doubles(evaluate(m + "return t:sum(1)")) == [6, 15])
        #expect(try doubles(evaluate(m + "return t:sum(-1)")) == [6, 15])
        #expect(try evaluate(m + "return t:sum(1, true)").tensor?.shape == [2, 1])
        #expect(try doubles(evaluate(m + "return t:mean(0)")) == [2.5, 3.5, 4.5])
        #expect(try doubles(evaluate(m + "return t:max(1)")) == [3, 6])
        #expect(try doubles(evaluate(m + "return t:min()")) == [1])
        #expect(try doubles(evaluate(m + "return t:prod(0)")) == [4, 10, 18])
        #expect(try doubles(evaluate(m + "return t:argmax(1)")) == [2, 2])
        #expect(try doubles(evaluate(m + "return t:argmin()")) == [0])
    }

    @Test func shapesAndIndexing() throws {
        let m = "local t = tensor.new({{1, 2, 3}, {4, 5, 6}}); "
        #expect(try evaluate(m + "return t:reshape(3, -1)").tensor?.shape == [3, 2])
        #expect(try evaluate(m + "return t:reshape({6})").tensor?.shape == [6])
        #expect(try doubles(evaluate(m + "return t:transpose()")) == [1, 4, 2, 5, 3, 6])
        #expect(try doubles(evaluate(m + "return t:permute({1, 0})")) == [1, 4, 2, 5, 3, 6])
        #expect(try doubles(evaluate(m + "return t:slice(1, 1)")) == [2, 3, 5, 6])
        #expect(try doubles(evaluate(m + "return t:slice(1, 0, 3, 2)")) == [1, 3, 4, 6])
        #expect(try doubles(evaluate(m + "return t:index_select(0, {1, 0})")) == [4, 5, 6, 1, 2, 3])
        #expect(try doubles(evaluate(m + "return t:index_select(1, tensor.new({2}))")) == [3, 6])
        #expect(try doubles(evaluate(m + "return tensor.cat({t, t}, 1):sum(1)")) == [12, 30])
        #expect(try evaluate(m + "return tensor.stack({t, t})").tensor?.shape == [2, 2, 3])
        #expect(try evaluate(m + "return t:flatten()").tensor?.shape == [6])
        let info = try evaluate(m + "local sh = t:shape(); return tensor.new({sh[1], sh[2], t:numel(), t:dim(), t:size(1)})")
        #expect(doubles(info) == [2, 3, 6, 2, 3])
    }

    @Test func conversionsToLua() throws {
        #expect(try doubles(evaluate("return tensor.new({2.5}):item() * 2")) == [5])
        #expect(try evaluate("return tensor.new({7}):item()").tensor?.dtype == .int64)
        let sum = "local l = tensor.new({{1, 2}, {3, 4}}):tolist(); return l[1][2] * 10 + l[2][1]"
        #expect(try doubles(evaluate(sum)) == [23])
        #expect(try doubles(evaluate("return tensor.new({1, 2}):float():dtype() == 'float32' and 1 or 0")) == [1])
        #expect(try doubles(evaluate("return tensor.new({1.7, -1.7}):long()")) == [1, -1])
        let text = "local s = tostring(tensor.new({1, 2})); return s:contains('int64') and 1 or 0"
        #expect(try doubles(evaluate(text)) == [1])
        #expect(try doubles(evaluate("return tensor.is_tensor(tensor.zeros({})) and not tensor.is_tensor({}) and 1 or 0")) == [1])
    }

    @Test func errorsCarryFileAndLine() throws {
        let cases: [(String, String)] = [
            ("return tensor.new({1, 2}) + tensor.new({1, 2, 3})", "probe.lua:9: tensor '+': shapes [2] and [3] cannot be broadcast together"),
            ("return tensor.new({1, 2}):sum(3)", "probe.lua:9: tensor.sum: axis 3 is out of range"),
            ("return tensor.new({1, 2}):item()", "probe.lua:9: tensor.item: the tensor has 2 elements"),
            ("return tensor.zeros({-1})", "probe.lua:9: tensor.zeros: invalid size -1"),
            ("return tensor.new({{1}, {1, 2}})", "probe.lua:9: tensor.new: ragged nested lists"),
            ("return tensor.new({1}):reshape(4611686018427387904, 4)", "probe.lua:9: tensor.reshape: shape"),
            ("return tensor.new({1}):to('float16')", "probe.lua:9: tensor.to: argument #2: expected a dtype name"),
            ("return tensor.arange(0, 1, 0)", "probe.lua:9: tensor.arange: start, end and step must be finite and step non-zero"),
            ("return tensor.new({1}):slice(0, 0, 1, 0)", "probe.lua:9: tensor.slice: slice: step must be positive"),
            ("return tensor.new({1, 2}) ^ -1", "probe.lua:9: tensor '^': pow: integers to negative integer powers"),
            ("return tensor.scalar(1):size(0)", "probe.lua:9: tensor.size: a 0-dim tensor has no axis 0"),
            ("return tensor.new({1}) + true", "probe.lua:9: tensor '+': argument #2: expected a tensor or a number, got boolean"),
            ("return tensor.new({{1, 2}}):dot(tensor.new({1, 2}))", "probe.lua:9: tensor.dot: argument #1: expected a 1-D tensor"),
            ("return tensor.new({1, 2}):dot(tensor.new({1, 2, 3}))", "probe.lua:9: tensor.dot: matmul: shapes [2] and [3] cannot be multiplied"),
            ("return tensor.zeros({0}):aminmax()", "probe.lua:9: tensor.aminmax: aminmax: cannot reduce an empty tensor"),
        ]
        for (body, expected) in cases {
            do {
                _ = try evaluate(body)
                Issue.record("no error for \(body)")
            } catch let LuaError.runtime(file, call, message, traceback) {
                #expect(file == "probe.lua")
                #expect(call == "compute")
                #expect(message.hasPrefix(expected), "\(message)")
                #expect(traceback.hasPrefix("stack traceback:"))
            }
        }
    }

    @Test func tensorErrorsAreCatchableWithPcall() throws {
        let body = "local ok, err = pcall(function() return tensor.new({1, 2}) + tensor.new({1, 2, 3}) end); return (not ok and err:contains('broadcast')) and 1 or 0"
        #expect(try doubles(evaluate(body)) == [1])
    }
}

extension TensorLibraryTests {
    @Test func sortingAndSelectionKernels() throws {
        let m = "local t = tensor.new({3, 1, 2, 1}); "
        #expect(try doubles(evaluate(m + "local v, i = t:sort(); return tensor.cat({v, i})")) == [1, 1, 2, 3, 1, 3, 2, 0])
        #expect(try doubles(evaluate(m + "local v, i = t:sort(0, true); return v")) == [3, 2, 1, 1])
        #expect(try doubles(evaluate(m + "return t:argsort()")) == [1, 3, 2, 0])
        // 20 elements, so the introsort partitions before its insertion sort and
        // ties leave input order (libstdc++'s std::sort gives the same).
        let tied = "local t = tensor.new({2, 0, 1, 0, 2, 1, 1, 0, 2, 2, 0, 1, 0, 1, 2, 0, 1, 2, 0, 1}); "
        #expect(try doubles(evaluate(tied + "return t:argsort(0, false, false)")) == [1, 18, 15, 12, 10, 7, 3, 6, 5, 11, 13, 2, 16, 19, 8, 9, 4, 14, 17, 0])
        #expect(try doubles(evaluate(tied + "return t:argsort(0, false)")) == [1, 3, 7, 10, 12, 15, 18, 2, 5, 6, 11, 13, 16, 19, 0, 4, 8, 9, 14, 17])
        #expect(try doubles(evaluate(m + "local v, i = t:topk(2); return tensor.cat({v, i})")) == [3, 2, 0, 2])
        #expect(try doubles(evaluate(m + "local v, inv, c = t:unique(true, true); return tensor.cat({v, inv, c})")) == [1, 2, 3, 2, 0, 1, 0, 2, 1, 1])
        #expect(try doubles(evaluate("return tensor.new({1, 3, 5}):searchsorted(tensor.new({0, 3, 6}))")) == [0, 1, 3])
        #expect(try doubles(evaluate("return tensor.new({1, 3, 5}):searchsorted(3, true)")) == [2])
        #expect(try doubles(evaluate(m + "return t:masked_select(t:gt(1))")) == [3, 2])
        #expect(try doubles(evaluate("return tensor.new({0, 5, 0, 7}):nonzero()")) == [1, 3])
        #expect(try doubles(evaluate(m + "return tensor.scalar(t:count_nonzero())")) == [4])
        #expect(try doubles(evaluate(m + "return tensor.new({t:gt(2):any(), t:gt(3):any(), t:gt(0):all()})")) == [1, 0, 1])
    }

    @Test func scanGatherAndCountKernels() throws {
        let m = "local t = tensor.new({{1, 2, 3}, {4, 5, 6}}); "
        #expect(try doubles(evaluate(m + "return t:cumsum(1)")) == [1, 3, 6, 4, 9, 15])
        #expect(try doubles(evaluate(m + "return t:cumprod(0)")) == [1, 2, 3, 4, 10, 18])
        #expect(try doubles(evaluate(m + "return t:diff()")) == [1, 1, 1, 1])
        #expect(try doubles(evaluate(m + "return t:gather(1, tensor.new({{2}, {0}}))")) == [3, 4])
        #expect(try doubles(evaluate("return tensor.zeros({3}, 'int64'):scatter_add(0, tensor.new({0, 2, 0}), tensor.new({1, 2, 3}))")) == [4, 0, 2])
        #expect(try doubles(evaluate("return tensor.new({0, 2, 2}):one_hot(3)")) == [1, 0, 0, 0, 0, 1, 0, 0, 1])
        #expect(try doubles(evaluate("return tensor.new({0, 2, 2}):bincount()")) == [1, 0, 2])
        #expect(try doubles(evaluate("return tensor.new({0, 2}):bincount(tensor.new({0.5, 1.5}), 4)")) == [0.5, 0, 1.5, 0])
        #expect(try doubles(evaluate(m + "return t:flip(1)")) == [3, 2, 1, 6, 5, 4])
        #expect(try evaluate(m + "return t:unsqueeze(0)").tensor?.shape == [1, 2, 3])
        #expect(try evaluate(m + "return t:unsqueeze(0):squeeze()").tensor?.shape == [2, 3])
        #expect(try doubles(evaluate("return tensor.new({1, 2}):tile(2)")) == [1, 2, 1, 2])
        #expect(try doubles(evaluate(m + "return t:matmul(tensor.new({1, 1, 1}))")) == [6, 15])
        #expect(try doubles(evaluate("return tensor.new({1.5, 2.0}):dot(tensor.new({2.0, -1.0}))")) == [1])
        #expect(try evaluate("return tensor.new({1, 2}):dot(tensor.new({3, 4}))").tensor.map { ($0.shape, $0.toInt64s()) } .map { $0.0 == [] && $0.1 == [11] } == true)
        #expect(try doubles(evaluate("local lo, hi = tensor.new({3.0, -1.0, 2.0}):aminmax(); return tensor.stack({lo, hi})")) == [-1, 3])
        #expect(try doubles(evaluate("local lo, hi = tensor.new({0.0/0.0, 1.0}):aminmax(); return tensor.stack({lo, hi}):isnan()")) == [1, 1])
        #expect(try doubles(evaluate("return tensor.new({1.0, 2.0, 3.0, 4.0}):var()")) == [5.0 / 3.0].map { Double(Float($0)) })
        #expect(try doubles(evaluate("return tensor.new({1.0, 3.0}):std(0, 0)")) == [1])
        let softmax = try #require(try doubles(evaluate("return tensor.new({0.0, 0.0}):softmax(0)")))
        #expect(softmax == [0.5, 0.5])
        let lse = try #require(try doubles(evaluate("return tensor.new({0.0, 0.0}, 'float64'):logsumexp(0)")))
        #expect(abs(lse[0] - log(2.0)) < 1e-12)
        #expect(try doubles(evaluate("return tensor.new({0.0, 0.0}, 'float64'):log_softmax(0)")).map { $0.map { abs($0 + log(2.0)) < 1e-12 } } == [true, true])
    }

    @Test func kernelsWithDataDependentSizesRespectTheBudget() throws {
        expectLimit(try attackError("tensor.new({1e12}, 'int64'):bincount()"), .tensorBytes)
        expectLimit(try attackError("tensor.new({1}):bincount(nil, 1 << 40)"), .tensorBytes)
        expectLimit(try attackError("tensor.new({0, 1}):one_hot(1 << 40)"), .tensorBytes)
        expectLimit(try attackError("tensor.new({1}):tile(1 << 40)"), .tensorBytes)
        expectLimit(try attackError("tensor.ones({1 << 12, 1}):matmul(tensor.ones({1, 1 << 12}))"), .tensorBytes)
    }
}
