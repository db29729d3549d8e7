-- Hostile rule: spins forever; the instruction budget must stop it
return {
  id = "loop",
  severity = "error",
  title = "hostile: loop",
  description = "spins forever; the instruction budget must stop it",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local n = 0
    while true do n = n + 1 end
  end,
}
