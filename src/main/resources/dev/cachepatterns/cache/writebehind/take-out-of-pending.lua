-- Helper of the scripts that finish an entry: takes the entry's delta out of the pending hash.
-- f is the entry's flat field list {'e', entity, 'f', field, 'd', delta, 'id', accept id}.
local function takeOutOfPending(pendingKey, f)
  local e, fld, d
  for j = 1, #f, 2 do
    if f[j] == 'e' then e = f[j + 1] elseif f[j] == 'f' then fld = f[j + 1] elseif f[j] == 'd' then d = f[j + 1] end
  end
  if e and fld and d and tonumber(d) then
    local k = e .. ':' .. fld
    if redis.call('HEXISTS', pendingKey, k) == 1 and redis.call('HINCRBY', pendingKey, k, 0 - tonumber(d)) == 0 then
      redis.call('HDEL', pendingKey, k)
    end
  end
end
