-- Hostile rule: makes table.insert shift a trillion slots inside C
return {
  id = "table-shift",
  severity = "error",
  title = "hostile: table-shift",
  description = "makes table.insert shift a trillion slots inside C",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local t = setmetatable({}, { __len = function() return 1e12 end })
    table.insert(t, 1, "x")
  end,
}
