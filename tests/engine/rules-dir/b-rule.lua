-- Reports the zone apex and www (test fixture for ordering and selection).
return {
  id = "b-rule",
  severity = "warning",
  title = "B rule",
  description = "Fixture rule B.",
  references = { "test" },
  check = function(zone, report)
    report { owner = "www." .. zone:origin(), message = "b on www" }
    report { owner = zone:origin(), message = "b on apex" }
  end,
}
