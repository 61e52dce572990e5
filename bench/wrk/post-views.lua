-- POST /posts/{slug}/views over POSTS (default 10000) seeded posts post-1..post-n. With ZIPF_S > 0 (default 0.99) the
-- posts are drawn from a Zipf distribution, as views are in practice (a few posts get most of them); ZIPF_S=0 draws
-- them uniformly, the case least favourable to write-behind (no row is hot, every flushed post is read again).
dofile("bench/wrk/zipf.lua")
dofile("bench/wrk/auth.lua")
local posts = tonumber(os.getenv("POSTS") or "10000")
local s = tonumber(os.getenv("ZIPF_S") or "0.99")
local cdf

function init(args)
  if s > 0 then cdf = zipf_cdf(posts, s) end
end

request = function()
  local n = s > 0 and zipf_pick(cdf, posts) or math.random(1, posts)
  return wrk.format("POST", "/posts/post-" .. n .. "/views", auth())
end
