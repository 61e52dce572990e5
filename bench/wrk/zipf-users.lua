-- GET /users/{id} with ids drawn from a Zipf distribution over 1..USERS (exponent ZIPF_S, default 0.99 as in YCSB),
-- and WRITE_PERCENT (default 5) of the requests a PUT of the same user's profile (same email, so never a 409).
-- Env: USERS (default 100000), ZIPF_S, WRITE_PERCENT. Rank 1 is the hottest id; ids are ranks shuffled by a fixed
-- multiplier so the hot ids are spread over the id space.
dofile("bench/wrk/zipf.lua")
local users = tonumber(os.getenv("USERS") or "100000")
local s = tonumber(os.getenv("ZIPF_S") or "0.99")
local write_percent = tonumber(os.getenv("WRITE_PERCENT") or "5")
local cdf
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(4242 + id)
  cdf = zipf_cdf(users, s)
end

local function id_of(rank)
  -- 7919 is prime and does not divide USERS, so rank -> id is a permutation of 1..USERS.
  return ((rank - 1) * 7919) % users + 1
end

request = function()
  local id = id_of(zipf_pick(cdf, users))
  if math.random(1, 100) <= write_percent then
    local body = string.format(
      '{"name":"User %d v%d","email":"user%d@example.com","avatarUrl":"https://img.example.com/u/%d.png"}',
      id, math.random(1, 1000000), id, id)
    return wrk.format("PUT", "/users/" .. id, auth({ ["Content-Type"] = "application/json" }), body)
  end
  return wrk.format("GET", "/users/" .. id)
end
