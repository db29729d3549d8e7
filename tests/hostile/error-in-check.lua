-- Hostile rule: raises an error from its check function
return {
  id = "error-in-check",
  severity = "error",
  title = "hostile: error-in-check",
  description = "raises an error from its check function",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local function inner() error("deliberate failure in " .. zone:origin()) end
    inner()
  end,
}
