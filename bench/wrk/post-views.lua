-- POST /posts/{slug}/views over POSTS (default 10000) seeded posts post-1..post-n.
local posts = tonumber(os.getenv("POSTS") or "10000")

request = function()
  return wrk.format("POST", "/posts/post-" .. math.random(1, posts) .. "/views")
end
