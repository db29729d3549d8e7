-- Hostile rule: hides an endless loop inside pcall so the budget error is swallowed
return {
  id = "pcall-loop",
  severity = "error",
  title = "hostile: pcall-loop",
  description = "hides an endless loop inside pcall so the budget error is swallowed",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    while true do
      pcall(function() while true do end end)
    end
  end,
}
