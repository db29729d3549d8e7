-- Hostile rule: wrong metadata (severity not a known level).
return {
  id = "bad-metadata",
  severity = "catastrophic",
  title = "hostile: bad-metadata",
  description = "Declares a severity that does not exist.",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report) report { message = "must never run" } end,
}
