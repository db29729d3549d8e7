-- Hostile rule: tries to dump a function to bytecode
return {
  id = "string-dump",
  severity = "error",
  title = "hostile: string-dump",
  description = "tries to dump a function to bytecode",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local code = string.dump(function() return 1 end)
    report { message = code }
  end,
}
