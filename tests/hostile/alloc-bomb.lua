-- Hostile rule: doubles a string until the memory cap refuses
return {
  id = "alloc-bomb",
  severity = "error",
  title = "hostile: alloc-bomb",
  description = "doubles a string until the memory cap refuses",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local keep, s = {}, "x"
    while true do
      s = s .. s
      keep[#keep + 1] = s
    end
  end,
}
