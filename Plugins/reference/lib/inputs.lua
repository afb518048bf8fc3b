-- Input checks shared by the reference scripts and their modules.
local M = {}

-- The floating-point dtypes, as a set: FLOAT[t:dtype()].
M.FLOAT = { float32 = true, float64 = true }

-- Whether x holds floats.
function M.is_float(x) return x:dtype() == "float32" or x:dtype() == "float64" end

-- The integer dtypes, as a set: INTEGER[t:dtype()].
M.INTEGER = { int64 = true, int32 = true, uint8 = true }

-- Whether tensors a and b have the same shape.
function M.same_shape(a, b)
  local x, y = a:shape(), b:shape()
  if #x ~= #y then return false end
  for i = 1, #x do if x[i] ~= y[i] then return false end end
  return true
end

-- Flat scores p and int64 labels t of a binary task without the positions
-- whose label is ignore_index (when set); every other label must be 0 or 1.
function M.kept_binary(p, t, opt)
  local valid = t:eq(0):logical_or(t:eq(1))
  if opt.ignore_index ~= nil then
    local keep = t:ne(opt.ignore_index)
    metric.check(valid:logical_or(keep:logical_not()):all(), "target", "values 0, 1 or ignore_index")
    return p:masked_select(keep), t:masked_select(keep)
  end
  metric.check(valid:all(), "target", "values 0 or 1")
  return p, t
end

-- (N, K, ...) as [N*E, K] rows: axis 1 (classes or labels) last, every
-- other position a row.
function M.rows_by_class(x)
  local r = x:dim()
  if r == 2 then return x end
  local order = { 0 }
  for i = 2, r - 1 do order[#order + 1] = i end
  order[#order + 1] = 1
  return x:permute(order):reshape(-1, x:shape()[2])
end

return M
