-- Asks "if the apex A moves to 11.11.11.11 (a CDN/WAF), does mail move?"
-- through zone:whatif, and reports when it does.
return {
  id = "whatif-apex-move",
  severity = "warning",
  title = "Moving the apex address moves mail",
  description = "The website's move to another address would take mail along.",
  references = { "RFC 5321 section 5.1" },
  check = function(zone, report)
    local origin = zone:origin()
    local view, err = zone:whatif("set @ A 11.11.11.11")
    if not view then
      report { message = "whatif failed: " .. err }
      return
    end
    -- asked twice: the same view (one copy of the zone set)
    assert(rawequal(view, zone:whatif("set @ A 11.11.11.11")), "view not shared")
    local entry = assert(view:compare(origin))
    local route = view:mail_route(origin)
    assert(rawequal(route, view:mail_route(origin)), "route not cached")
    local after = {}
    for _, x in ipairs(route:exchanges()) do
      for _, a in ipairs(x:addresses()) do after[#after + 1] = x:name() .. "=" .. a end
    end
    if entry.change ~= "unchanged" then
      local ev = {}
      for _, rr in ipairs(entry.causes) do ev[#ev + 1] = rr end
      report {
        owner = origin,
        at = zone:rrset(origin, "MX")[1],   -- the record that would carry mail along
        message = string.format("%s: mail %s from %s to %s (route after: %s)", origin,
          entry.change, table.concat(entry.before, ","), table.concat(entry.after, ","),
          table.concat(after, ",")),
        evidence = ev,
      }
    end
  end,
}
