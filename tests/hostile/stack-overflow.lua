-- Hostile rule: recurses without end (not a tail call), filling the Lua stack.
return {
  id = "stack-overflow",
  severity = "error",
  title = "hostile: stack-overflow",
  description = "Unbounded recursion.",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local function dive(n) return 1 + dive(n + 1) end
    dive(1)
  end,
}
