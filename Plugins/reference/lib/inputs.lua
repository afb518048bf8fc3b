-- Input checks shared by the reference scripts and their modules.
local M = {}

-- The floating-point dtypes, as a set: FLOAT[t:dtype()].
M.FLOAT = { float32 = true, float64 = true }

-- The integer dtypes, as a set: INTEGER[t:dtype()].
M.INTEGER = { int64 = true, int32 = true, uint8 = true }

-- Whether tensors a and b have the same shape.
function M.same_shape(a, b)
  local x, y = a:shape(), b:shape()
  if #x ~= #y then return false end
  for i = 1, #x do if x[i] ~= y[i] then return false end end
  return true
end

return M
