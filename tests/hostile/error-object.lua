-- Hostile rule: raises a table whose __tostring never returns.
return {
  id = "error-object",
  severity = "error",
  title = "hostile: error-object",
  description = "The error value itself is a trap for whoever prints it.",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    error(setmetatable({}, { __tostring = function() while true do end end }))
  end,
}
