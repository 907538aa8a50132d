-- stats.lua: the median and the percentile bootstrap the bench scripts
-- share (overhead.lua, micro.lua).  Loaded with
--   local stats = dofile((arg[0]:match("^(.*)/") or ".") .. "/stats.lua")
-- Resampling uses math.random: seed it (math.randomseed) first for
-- reproducible intervals.
local stats = {}

-- Median of the numbers in t (not modified); t is not empty.
function stats.median(t)
  local s = {}
  for i, v in ipairs(t) do s[i] = v end
  table.sort(s)
  local n = #s
  return n % 2 == 1 and s[(n + 1) // 2] or (s[n // 2] + s[n // 2 + 1]) / 2
end

-- 95 % percentile-bootstrap interval (lo, hi) of statistic f over the
-- samples t: `resamples` resamples of #t drawn with replacement
-- (default 2000).
function stats.bootstrap(t, f, resamples)
  local n = resamples or 2000
  local v, a = {}, {}
  for k = 1, n do
    for i = 1, #t do a[i] = t[math.random(#t)] end
    v[k] = f(a)
  end
  table.sort(v)
  return v[math.floor(0.025 * n) + 1], v[math.ceil(0.975 * n)]
end

-- The same over samples in groups (a list of non-empty lists) whose
-- members share state a group fixes (one process's rounds): each
-- resample draws #groups groups with replacement, then from each drawn
-- group as many of its samples with replacement, and applies f to them
-- all.  Both levels' variation reach the interval.
function stats.bootstrap_nested(groups, f, resamples)
  local n = resamples or 2000
  local v = {}
  for k = 1, n do
    local a = {}
    for _ = 1, #groups do
      local g = groups[math.random(#groups)]
      for _ = 1, #g do a[#a + 1] = g[math.random(#g)] end
    end
    v[k] = f(a)
  end
  table.sort(v)
  return v[math.floor(0.025 * n) + 1], v[math.ceil(0.975 * n)]
end

return stats
