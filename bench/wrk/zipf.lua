-- Zipf sampling shared by the wrk scripts (loaded with dofile, run from the repository root): zipf_cdf(n, s) builds
-- the cumulative distribution over ranks 1..n with exponent s; zipf_pick(cdf, n) draws a rank (1 is the most likely).
function zipf_cdf(n, s)
  local cdf, sum = {}, 0
  for k = 1, n do
    sum = sum + 1 / (k ^ s)
    cdf[k] = sum
  end
  for k = 1, n do
    cdf[k] = cdf[k] / sum
  end
  return cdf
end

function zipf_pick(cdf, n)
  local u = math.random()
  local lo, hi = 1, n
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo
end
