-- A well-behaved rule: one finding at the zone apex, on every zone.
return {
  id = "good",
  severity = "info",
  title = "Always reports the apex",
  description = "Proves the engine still runs rules after a hostile one failed.",
  references = { "test" },
  check = function(zone, report)
    local soa = zone:rrset(zone:origin(), "SOA")[1]
    report { owner = zone:origin(), message = "good rule ran", at = soa }
  end,
}
