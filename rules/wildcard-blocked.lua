-- wildcard-blocked: a name the wildcard MX no longer covers.
local mxh = require "mxh"

-- Whether an implicit route already reaches only the wildcard MX's own hosts
-- (e.g. the mail host itself, directly under P): the fallback then lands
-- where the wildcard would have sent the mail.
local function same_host(zone, route, w)
  if route:kind() ~= "implicit" then return false end
  if not w.addrs then
    w.addrs = {}
    for _, x in ipairs(zone:mail_route(w.owner):exchanges()) do
      for _, a in ipairs(x:addresses()) do w.addrs[a] = true end
    end
  end
  local n = 0
  for _, x in ipairs(route:exchanges()) do
    for _, a in ipairs(x:addresses()) do
      if not w.addrs[a] then return false end
      n = n + 1
    end
  end
  return n > 0
end

return {
  id          = "wildcard-blocked",
  severity    = "warning",
  title       = "Existing name is not covered by the wildcard MX",
  description = [[
A wildcard `*.P MX …` answers only for names under P that do not exist
(RFC 4592 §2.1.1). A name directly under P that exists, because it has
records of its own or only because some name below it exists (an empty
non-terminal, RFC 4592 §2.2: e.g. after `sel._domainkey.news.P` was added for
DKIM), is not covered: the wildcard's MX does not apply to it. Without an MX
of its own, its mail falls back to its A record (RFC 5321 §5.1) or cannot be
delivered at all, although the zone author expects the wildcard to catch it.

Names starting with an underscore (`_dmarc`, `_domainkey`) are not mail
domains and are ignored; names whose mail follows a CNAME to a domain with an
MX, and delegated names, are also left alone.]],
  references  = { "RFC 4592 §2.2", "RFC 4592 §2.2.1", "RFC 5321 §5.1", "seed 002" },
  needs       = { "MX" },
  example     = [[$ORIGIN example.com.
@    3600 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 604800 3600
@    3600 IN MX  10 mail
*    3600 IN MX  10 mail
mail 3600 IN A   10.0.1.100
sel._domainkey.news 3600 IN TXT "v=DKIM1; p=MIGf"
]],
  fix         = "Give the name its own MX records (a copy of the wildcard's).",

  check = function(zone, report)
    -- Wildcard MX owners, keyed by the parent they cover.
    local wild, any = {}, false
    for rec in zone:records("MX") do
      local owner = rec:owner()
      if owner:sub(1, 2) == "*." then
        local p = owner:sub(3)
        wild[p] = wild[p] or { owner = owner, mx = zone:rrset(owner, "MX") }
        any = true
      end
    end
    if not any then return end
    for node in zone:names() do
      local name = node:name()
      local first = name:match("^([^.]*)%.")
      local p = mxh.parent(name)
      local w = p and wild[p]
      -- RFC 4592 §2.2: an existing name (with data or an empty non-terminal)
      -- blocks the wildcard for itself.
      if w and first ~= "*" and first:sub(1, 1) ~= "_" and node:exists()
         and not node:is_cut() and not node:below_cut()
         and #node:records("MX") == 0 then
        local route = zone:mail_route(name)
        local k = route:kind()
        if k ~= "mx" and k ~= "null-mx" and k ~= "external" and k ~= "delegated"
           and not same_host(zone, route, w) then
          local own = node:records()
          local at, why = own[1], nil
          if node:is_ent() then
            -- Find the record below that makes this name exist.
            for n in zone:names() do
              local r = n:records()
              if #r > 0 and mxh.is_strictly_below(n:name(), name) then at = r[1]; break end
            end
            why = string.format("exists only as an empty non-terminal above `%s`",
                                at and at:owner() or "a deeper name")
          else
            why = "has records of its own"
          end
          local ev = {}
          if at then ev[1] = at end
          for _, r in ipairs(w.mx) do ev[#ev + 1] = r end
          local lines = {}
          for _, r in ipairs(w.mx) do
            lines[#lines + 1] = string.format("`%s MX %d %s`", name, r:preference(), r:target())
          end
          local fate = (k == "implicit") and "falls back to its own address (implicit MX)"
                       or "cannot be delivered"
          report {
            owner    = name,
            at       = at or w.mx[1],
            message  = string.format("%s %s, so the wildcard MX at %s does not cover it "
                         .. "(RFC 4592 §2.2): its mail %s", name, why, w.owner, fate),
            evidence = ev,
            fix      = string.format("add %s", table.concat(lines, ", ")),
          }
        end
      end
    end
  end,
}
