-- Hostile rule: runs a backtracking pattern that never ends inside C
return {
  id = "pattern-bomb",
  severity = "error",
  title = "hostile: pattern-bomb",
  description = "runs a backtracking pattern that never ends inside C",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local s = string.rep("a", 40000)
    local found = s:find(string.rep("a*", 12) .. "b")
    report { message = tostring(found) }
  end,
}
