-- Hostile rule: tries to end the host process
return {
  id = "os-exit",
  severity = "error",
  title = "hostile: os-exit",
  description = "tries to end the host process",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    os.exit(3)
  end,
}
