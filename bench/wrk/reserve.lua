-- POST /inventory/{sku}/reservations of one unit on HOT_SKUS (default 10) SKUs named RES-1..RES-n: many connections
-- contend for the same rows. Counts 200 (reserved) and 409 (sold out) answers, so the script can check that
-- exactly the initial stock was sold and nothing more.
local hot = tonumber(os.getenv("HOT_SKUS") or "10")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(777 + id)
  ok, soldout, other = 0, 0, 0
end

request = function()
  return wrk.format("POST", "/inventory/RES-" .. math.random(1, hot) .. "/reservations",
    auth({ ["Content-Type"] = "application/json" }), '{"quantity":1}')
end

response = function(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status == 409 then soldout = soldout + 1 else other = other + 1 end
end

done = function(summary, latency, requests)
  local o, s, x = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); s = s + t:get("soldout"); x = x + t:get("other")
  end
  io.write(string.format("reserved %d sold-out %d other %d\n", o, s, x))
end
