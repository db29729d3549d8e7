-- Hostile rule: passes a zone where a record method expects a record
return {
  id = "wrong-handle",
  severity = "error",
  title = "hostile: wrong-handle",
  description = "passes a zone where a record method expects a record",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    local rec = zone:rrset(zone:origin(), "SOA")[1]
    report { message = rec.owner(zone) }
  end,
}
