-- Hostile rule: tries to reach the os library through require
return {
  id = "require-escape",
  severity = "error",
  title = "hostile: require-escape",
  description = "tries to reach the os library through require",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local os_lib = require("os")
    os_lib.execute("echo escaped")
  end,
}
