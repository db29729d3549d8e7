-- SPDX-License-Identifier: MIT
-- Per-rule counts over a zone corpus, loading each file with the origin its
-- index names: lua5.4 tools/corpus_report.lua CORPUS_DIR [SUBDIR]
-- (CORPUS_DIR/index.tsv: path, ..., origin in column 7, fragment in column 8).
-- Needs the Lua module: build/lua/mxhazard.so (make all).
package.cpath = "build/lua/?.so;" .. package.cpath
local m = require "mxhazard"
local dir, sub = arg[1] or "../shared/corpus", arg[2] or "real/"
local zs = m.zoneset()
local loaded, failed = 0, 0
for line in io.lines(dir .. "/index.tsv") do
  local f = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = field end
  if f[1] ~= "path" and f[1]:sub(1, #sub) == sub and f[8] == "no" then
    local ok = zs:load(dir .. "/" .. f[1], { origin = f[7] })
    if ok then loaded = loaded + 1 else failed = failed + 1 end
  end
end
local counts, first = {}, {}
for _, fd in ipairs(m.scan(zs)) do
  counts[fd.rule] = (counts[fd.rule] or 0) + 1
  first[fd.rule] = first[fd.rule] or fd
end
print(("zones loaded: %d, not loaded: %d"):format(loaded, failed))
local ids = {}
for _, r in ipairs(m.rules()) do ids[#ids + 1] = r.id end
table.sort(ids)
for _, id in ipairs(ids) do
  local fd = first[id]
  print(("%-28s %4d  %s"):format(id, counts[id] or 0,
    fd and (fd.owner .. " — " .. fd.message:sub(1, 110)) or ""))
end
for id, n in pairs(counts) do
  if not first[id] or id == "rule-error" or id == "load-error" then
    print(("%-28s %4d"):format(id, n))
  end
end
