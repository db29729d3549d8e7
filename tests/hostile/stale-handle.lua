-- Hostile rule: keeps a record handle in a global and uses it on the next zone
return {
  id = "stale-handle",
  severity = "error",
  title = "hostile: stale-handle",
  description = "keeps a record handle in a global and uses it on the next zone",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    if saved then
      report { message = saved:owner() }
    end
    saved = zone:rrset(zone:origin(), "SOA")[1]
  end,
}
