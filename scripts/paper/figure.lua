-- paper/figure.lua: the headline figure of a paper script, drawn with
-- gnuplot into the script's report folder beside gcb.report's output:
-- NAME.gp (the script, rerunnable: `cd DIR && gnuplot NAME.gp`), its data
-- NAME_<panel>_<series>.dat, and NAME.png + NAME.svg.
--
--   local figure = dofile(arg[0]:match("^(.*)/") .. "/figure.lua")
--   figure.write{ dir = "report/x", name = "x", title = "...", cols = 2,
--     panels = { { title = "...", xlabel = "...", ylabel = "...", logx = true, logy = false,
--                  categories = { "a", "b" },   -- bars: x tick labels, points' x = 1..n
--                  onebar = true,               -- bars: series side by side unless set
--                  key = "top left",            -- gnuplot key position, default right of the plot
--                  series = { { title = "marksweep", colour = figure.colour("marksweep"),
--                               style = "linespoints" | "points" | "bars",
--                               points = { { x, y [, label] }, ... } } } } } }
--
-- Points whose x or y is NaN (a measurement a collector does not have, e.g.
-- the `go` collector's unavailable fields, whose medians are NaN) are left
-- out; a panel with no point left says "no data".  One colour per
-- collector in every paper figure (figure.colour); gnuplot missing is
-- reported, not an error.
local figure = {}

local palette = {
  marksweep = "#4e79a7", freetracked = "#e15759", malloc = "#f28e2b", mimalloc = "#ff9da7",
  jemalloc = "#59a14f", boehm = "#b07aa1", nogc = "#9c755f", arena = "#76b7b2",
  ballast = "#edc948", go = "#555555", regions = "#af7aa1",
}
local extra = { "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#2ca02c", "#9467bd", "#7f7f7f" }
local assigned, nextextra = {}, 1

-- The colour of a collector by its name, the same in every paper figure;
-- any other series name (a variant such as "go runtimefreegc") gets the
-- next colour of `extra`, stable within one gcbench run.
function figure.colour(name)
  if palette[name] then return palette[name] end
  if not assigned[name] then
    assigned[name] = extra[(nextextra - 1) % #extra + 1]
    nextextra = nextextra + 1
  end
  return assigned[name]
end

local function q(s) return "'" .. tostring(s):gsub("'", "''") .. "'" end
local function finite(v) return type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge end

local function panel(gp, dir, name, p, pi)
  gp:write("reset\n")   -- settings cleared per panel; the multiplot stays
  gp:write("set title ", q(p.title or ""), "\nset grid\n")
  if p.xlabel then gp:write("set xlabel ", q(p.xlabel), "\n") end
  if p.ylabel then gp:write("set ylabel ", q(p.ylabel), "\n") end
  if p.logx then gp:write("set logscale x\n") end
  if p.logy then gp:write("set logscale y\n") end
  if p.yzero and not p.logy then gp:write("set yrange [0:*]\nset offsets 0, 0, graph 0.08, 0\n") end
  if p.zero then gp:write("set xzeroaxis lt -1\n") end
  if p.key == "off" then gp:write("unset key\n")
  else gp:write("set key ", p.key or "outside right top vertical Left reverse", " noenhanced\n") end
  local bars = p.categories ~= nil
  local nbar = 0
  for _, s in ipairs(p.series) do if (s.style or "linespoints") == "bars" then nbar = nbar + 1 end end
  if bars then
    local tics = {}
    for i, c in ipairs(p.categories) do tics[#tics + 1] = q(c) .. " " .. i end
    gp:write("set xtics (", table.concat(tics, ", "), ") rotate by 25 right\nset lmargin 12\n")
    gp:write(string.format("set xrange [0.4:%f]\nset style fill solid 0.85 border -1\n", #p.categories + 0.6))
  end
  local plots, bi = {}, 0
  for si, s in ipairs(p.series) do
    local file = string.format("%s_%d_%d.dat", name, pi, si)
    local f = assert(io.open(dir .. "/" .. file, "w"))
    local style = s.style or "linespoints"
    local n, off, width = 0, 0, 0
    if style == "bars" and p.onebar then
      width = 0.7   -- one bar per category, each series owning its categories
    elseif style == "bars" then
      width = 0.8 / nbar
      off = (bi - (nbar - 1) / 2) * width
      bi = bi + 1
    end
    for _, pt in ipairs(s.points) do
      if finite(pt[1]) and finite(pt[2]) and (not p.logy or pt[2] > 0) and (not p.logx or pt[1] > 0) then
        f:write(string.format("%.9g %.9g %s\n", pt[1] + off, pt[2], pt[3] and string.format("%q", pt[3]) or '""'))
        n = n + 1
      end
    end
    f:close()
    if n > 0 then
      local lc = "lc rgb " .. q(s.colour or figure.colour(s.title))
      local t = "title " .. q(s.title)
      if style == "bars" then
        plots[#plots + 1] = string.format("%s using 1:2:(%f) with boxes %s %s", q(file), width * 0.95, lc, t)
      elseif style == "points" then
        plots[#plots + 1] = string.format("%s using 1:2 with points pt %d ps 1.6 %s %s", q(file), s.pt or 9, lc, t)
      else
        plots[#plots + 1] = string.format("%s using 1:2 with linespoints lw 2 pt %d ps 0.9 %s %s",
                                          q(file), s.pt or 7, lc, t)
      end
      if s.labels then
        plots[#plots + 1] = string.format("%s using 1:2:3 with labels offset 0,0.9 font ',8' tc rgb %s notitle",
                                          q(file), q(s.colour or figure.colour(s.title)))
      end
    end
  end
  if #plots == 0 then
    gp:write("unset logscale\nset xrange [0:1]\nset yrange [0:1]\nunset xtics\nunset ytics\n",
             "set label 1 'no data' at graph 0.5,0.5 center\nplot NaN notitle\n")
  else
    gp:write("plot ", table.concat(plots, ", \\\n     "), "\n")
  end
end

function figure.write(spec)
  local dir, name = spec.dir, spec.name
  os.execute("mkdir -p '" .. dir:gsub("'", "'\\''") .. "'")
  local cols = spec.cols or #spec.panels
  local rows = (#spec.panels + cols - 1) // cols
  local w, h = spec.width or math.max(760, cols * 660), spec.height or rows * 420
  local gp = assert(io.open(dir .. "/" .. name .. ".gp", "w"))
  gp:write("# ", name, ": written by ", arg and arg[0] or "a paper script", "; rerun: gnuplot ", name, ".gp\n")
  gp:write("pngterm = strstrt(GPVAL_TERMINALS, 'pngcairo') > 0 ? 'pngcairo' : 'png'\n")
  local terms = {
    { "set terminal @pngterm size %d,%d noenhanced font ',10'\n", ".png" },
    { "set terminal svg size %d,%d noenhanced font 'sans,11' background '#ffffff'\n", ".svg" },
  }
  for _, t in ipairs(terms) do
    gp:write("reset\n", string.format(t[1], w, h), "set output ", q(name .. t[2]), "\n")
    gp:write(string.format("set multiplot layout %d,%d title %s\n", rows, cols, q(spec.title or name)))
    for pi, p in ipairs(spec.panels) do panel(gp, dir, name, p, pi) end
    gp:write("unset multiplot\nunset output\n")
  end
  gp:close()
  local ok = os.execute("cd '" .. dir:gsub("'", "'\\''") .. "' && gnuplot " .. name .. ".gp")
  if ok then
    print(string.format("wrote %s/%s.{png,svg}", dir, name))
  else
    io.stderr:write(string.format("%s: gnuplot failed or is missing; the script is %s/%s.gp\n",
                                  arg and arg[0] or "figure", dir, name))
  end
end

return figure
