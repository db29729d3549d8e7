-- Exercises every object and method of docs/rules.md on example.zone (with
-- the inventory "srv1 192.0.2.10 example.com"). Any mismatch raises an error,
-- which the engine turns into a rule-error finding; success reports "ok".
local function eq(got, want, what)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end
local function yes(v, what) if not v then error(what .. " is false", 2) end end

return {
  id = "methods",
  severity = "info",
  title = "Object method walk-through",
  description = "Calls every method the rule API lists and checks its answer.",
  references = { "docs/rules.md" },
  needs = { "MX", "A" },
  check = function(zone, report)
    -- zone
    eq(zone:origin(), "example.com.", "origin")
    eq(zone:file(), "db:example", "file")
    eq(zone:incomplete(), false, "incomplete")
    eq(tostring(zone), "zone example.com.", "tostring(zone)")
    local all, mx = 0, 0
    for r in zone:records() do all = all + 1 end
    eq(all, 15, "records()")
    local firstmx
    for r in zone:records("MX") do mx = mx + 1; firstmx = firstmx or r end
    eq(mx, 3, "records('MX')")
    eq(firstmx:preference(), 10, "first MX preference")
    local set = zone:rrset("example.com.", "MX")
    eq(#set, 2, "#rrset")
    eq(set[1], firstmx, "rrset()[1] == records()")
    yes(rawequal(set[1], firstmx), "the same record is the same userdata")
    eq(#zone:rrset("nothing.example.com.", "A"), 0, "empty rrset")
    eq(#zone:rrset("Example.COM", "mx"), 2, "rrset with user-form name and type")
    local names, ent = {}, nil
    for n in zone:names() do
      names[n:name()] = true
      if n:name() == "b.c.example.com." then ent = n end
    end
    yes(names["example.com."] and names["mail.example.com."], "names() has apex and mail")
    yes(ent and ent:is_ent() and ent:exists(), "b.c is an empty non-terminal")
    eq(#ent:records(), 0, "ENT has no records")
    local mail = zone:node("mail.example.com.")
    eq(mail:name(), "mail.example.com.", "node:name")
    eq(mail:is_ent(), false, "mail is not an ENT")
    eq(#mail:records(), 2, "mail records")
    eq(mail:records("A")[1]:rdata(), "192.0.2.10", "mail A")
    eq(zone:node("nope.example.com."), nil, "missing node")
    yes(zone:node("example.com."):is_apex(), "apex")
    eq(mail:is_apex(), false, "mail not apex")
    yes(zone:node("*.wild.example.com."):is_wildcard(), "wildcard node")
    eq(mail:is_wildcard(), false, "mail not wildcard")
    yes(zone:node("deleg.example.com."):is_cut(), "deleg is a cut")
    eq(zone:node("example.com."):is_cut(), false, "apex is not a cut")
    yes(zone:node("x.deleg.example.com."):below_cut(), "x.deleg below the cut")
    eq(mail:below_cut(), false, "mail not below a cut")
    yes(zone:has_type("MX"), "has MX")
    eq(zone:has_type("SRV"), false, "has no SRV")

    -- records
    local a = mail:records("A")[1]
    eq(a:owner(), "mail.example.com.", "owner")
    eq(a:type(), "A", "type")
    eq(a:ttl(), 3600, "ttl")
    eq(a:class(), "IN", "class")
    eq(a:target(), nil, "A has no target")
    eq(a:preference(), 0, "A preference")
    eq(a:owner_text(), "mail", "owner_text")
    eq(a:rdata_text(), "192.0.2.10", "rdata_text")
    eq(a:file(), "db:example", "record file")
    eq(a:line(), 10, "record line")
    eq(a:source(), "db:example:10", "source")
    yes(tostring(a):find("IN A 192.0.2.10", 1, true), "tostring(record): " .. tostring(a))
    local submx = zone:rrset("sub.example.com.", "MX")[1]
    eq(submx:target(), "s1.xrea.com.example.com.", "relative target")
    eq(submx:target_relative(), true, "target_relative")
    eq(firstmx:target_relative(), true, "mail written relative")
    eq(zone:rrset("example.com.", "MX")[2]:target_relative(), false, "absolute target")
    eq(firstmx:target(), "mail.example.com.", "MX target")

    -- lookup
    local lk = zone:lookup("www.example.com.", "A")
    eq(lk:status(), "answer", "www status")
    eq(lk:final_name(), "example.com.", "www final name")
    eq(lk:records()[1]:rdata(), "192.0.2.1", "www answer")
    eq(lk:wildcard(), false, "www not wildcard")
    yes(#lk >= 1, "#lookup")
    local kind, name, target, rec = lk:step(1)
    eq(kind, "cname", "step 1 kind")
    eq(name, "www.example.com.", "step 1 name")
    eq(target, "example.com.", "step 1 target")
    eq(rec:type(), "CNAME", "step 1 record")
    eq(lk:step(99), nil, "step out of range")
    yes(rawequal(lk, zone:lookup("www.example.com", "a")), "lookups are cached")
    local wl = zone:lookup("foo.wild.example.com.", "A")
    eq(wl:status(), "answer", "wildcard status")
    eq(wl:wildcard(), true, "wildcard answer")
    eq(wl:records()[1]:owner(), "*.wild.example.com.", "wildcard's own record")
    eq(zone:lookup("nope.example.com.", "A"):status(), "nxdomain", "nxdomain")
    eq(zone:lookup("mail.example.com.", "TXT"):status(), "nodata", "nodata")
    eq(zone:lookup("example.org.", "A"):status(), "external", "external")

    -- route and exchanges
    local route = zone:mail_route("example.com.")
    yes(rawequal(route, zone:mail_route("EXAMPLE.com")), "routes are shared per zone")
    eq(route:domain(), "example.com.", "route domain")
    eq(route:kind(), "mx", "route kind")
    yes(#route >= 3, "#route")
    local k1, n1, t1, r1, x1 = route:step(1)
    eq(k1, "mx", "route step 1 kind")
    eq(n1, "example.com.", "route step 1 name")
    eq(t1, "mail.example.com.", "route step 1 target")
    eq(r1, firstmx, "route step 1 record")
    eq(x1, 1, "route step 1 exchange")
    yes(tostring(route):find("mail.example.com.", 1, true), "tostring(route)")
    local xs = route:exchanges()
    eq(#xs, 2, "exchanges")
    local x = xs[1]
    eq(x:name(), "mail.example.com.", "exchange name")
    eq(x:preference(), 10, "exchange preference")
    eq(x:record(), firstmx, "exchange record")
    eq(x:status(), "addresses", "exchange status")
    local addrs = table.concat(x:addresses(), ",")
    yes(addrs:find("192.0.2.10", 1, true) and addrs:find("2001:db8::10", 1, true), "addresses " .. addrs)
    eq(#x:address_records(), 2, "address records")
    eq(x:address_records()[1]:owner(), "mail.example.com.", "address record owner")
    eq(x:via_wildcard(), false, "via_wildcard")
    eq(x:via_cname(), false, "via_cname")
    local steps = x:steps()
    yes(#steps >= 1 and steps[1].kind and steps[1].name, "exchange steps")
    eq(xs[2]:status(), "external", "external exchange")
    eq(xs[2]:name(), "backup.example.net.", "second exchange")
    yes(rawequal(xs[1], route:exchanges()[1]), "exchange handles are cached")
    eq(zone:mail_route("sub.example.com."):exchanges()[1]:status(), "nxdomain", "dangling exchange")
    eq(zone:mail_route("ns1.example.com."):kind(), "implicit", "implicit route")
    eq(zone:mail_route("www.example.com."):kind(), "mx", "route through a CNAME")

    -- mail domains
    local md = zone:mail_domains()
    eq(#md, 2, "mail_domains")
    eq(md[1], "example.com.", "mail_domains apex first")
    eq(md[2], "sub.example.com.", "mail_domains sub")

    -- zone set and inventory
    local zs = zone:zoneset()
    eq(zs:zone_for("mail.example.com."):origin(), "example.com.", "zone_for")
    eq(zs:zone_for("example.com."), zone, "zone_for gives the same zone")
    eq(zs:zone_for("example.org."), nil, "zone_for external")
    local nz = 0
    for z in zs:zones() do nz = nz + 1; yes(z:origin(), "zones() zone") end
    eq(nz, 1, "zones()")
    local servers = zs:servers()
    eq(#servers, 1, "servers")
    local s = servers[1]
    eq(s:name(), "srv1.", "server name")
    eq(s:addresses()[1], "192.0.2.10", "server address")
    eq(s:domains()[1], "example.com.", "server domain")
    eq(s:source(), "inv:1", "server source")
    local ls = zone:local_servers("example.com.")
    eq(#ls, 1, "local_servers")
    yes(rawequal(ls[1], s), "server handles are cached")
    eq(#zone:local_servers("sub.example.com."), 0, "no local servers")

    report { owner = zone:origin(), message = "ok", at = firstmx, evidence = { route } }
  end,
}
