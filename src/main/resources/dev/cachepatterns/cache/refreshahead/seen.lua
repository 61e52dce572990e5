-- Helper: whether a Postgres snapshot (xmin, xmax, in-progress ids as csv) saw the committed transaction xid.
-- Ids are decimal strings (xid8 is 64-bit; Lua numbers are doubles), compared by length, then lexically.
local function less(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end
local function seen(xmin, xmax, running, xid)
  if less(xid, xmin) then return true end
  return less(xid, xmax) and not string.find(',' .. running .. ',', ',' .. xid .. ',', 1, true)
end
