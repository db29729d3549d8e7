-- Reports www, then the apex (test fixture for ordering and selection).
return {
  id = "a-rule",
  severity = "info",
  title = "A rule",
  description = "Fixture rule A.",
  references = { "test" },
  needs = { "MX" },
  check = function(zone, report)
    report { owner = "WWW." .. zone:origin():upper(), message = "a on www" }
    report { owner = zone:origin(), message = "a on apex", severity = "error" }
  end,
}
