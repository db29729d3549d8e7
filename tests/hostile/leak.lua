-- Hostile rule: keeps growing its globals across zones
return {
  id = "leak",
  severity = "error",
  title = "hostile: leak",
  description = "keeps growing its globals across zones",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    hoard = hoard or {}
    hoard[#hoard + 1] = string.rep("z", 3 * 1024 * 1024)
  end,
}
