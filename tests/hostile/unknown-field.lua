-- Hostile rule: a misspelt field name.
return {
  id = "unknown-field",
  severity = "warning",
  title = "hostile: unknown-field",
  description = "Misspells references.",
  refrences = { "tests/check_sandbox.c" },
  check = function(zone, report) report { message = "must never run" } end,
}
