-- Hostile rule: tries to read a file through io
return {
  id = "io-open",
  severity = "error",
  title = "hostile: io-open",
  description = "tries to read a file through io",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local f = io.open("/etc/passwd")
    report { message = f:read("a") }
  end,
}
