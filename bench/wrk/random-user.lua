-- GET /users/{id} with ids drawn uniformly from 1..USERS (environment variable, default 10000).
local users = tonumber(os.getenv("USERS") or "10000")

request = function()
  return wrk.format("GET", "/users/" .. math.random(1, users))
end
