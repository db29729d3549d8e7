-- wildcard-blocked: a name the wildcard MX no longer covers.
local mxh = require "mxh"

-- Findings of their own at most; the rest are summed up at the wildcard.
local MAX_EACH = 1000

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
MX, and delegated names, are also left alone. A zone that could not be loaded
completely (rejected lines, a failed $INCLUDE) is not judged: the missing MX may
be in what was lost.]],
  references  = { "RFC 4592 §2.2", "RFC 4592 §2.2.1", "RFC 5321 §5.1", "seed 002" },
  needs       = { "MX", "hint:wildcard-mx" }, -- zone:hint: skip zones where it cannot fire
  example     = [[$ORIGIN example.com.
@    3600 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 604800 3600
@    3600 IN MX  10 mail
*    3600 IN MX  10 mail
mail 3600 IN A   10.0.1.100
sel._domainkey.news 3600 IN TXT "v=DKIM1; p=MIGf"
]],
  fix         = "Give the name its own MX records (a copy of the wildcard's).",

  check = function(zone, report)
    -- "Has no MX of its own" is absence: not concluded from a zone that lost
    -- lines while loading (already reported as a load error).
    if zone:incomplete() then return end
    -- Wildcard MX owners, keyed by the parent they cover (mxh.wildcard_mx:
    -- the MX records with a wildcard owner, zone:records() order, from C).
    local wild, any = {}, false
    for _, rec in ipairs(mxh.wildcard_mx(zone)) do
      local owner = rec:owner()
      local p = owner:sub(3)
      wild[p] = wild[p] or { owner = owner, mx = zone:rrset(owner, "MX") }
      any = true
    end
    if not any then return end
    -- Pass 1: the blocked names, among the names directly under a wildcard's
    -- parent only (mxh.children_of: one pass in C, zone:names() order).
    -- Pass 2 (only when some are empty non-terminals): the first record below
    -- each (mxh.first_record_below, the same order).
    local blocked, ents = {}, {}
    for _, name in ipairs(mxh.children_of(zone, wild)) do
      local node = zone:node(name)
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
          local b = { name = name, w = w, kind = k, ent = node:is_ent(), at = node:records()[1] }
          blocked[#blocked + 1] = b
          if b.ent then ents[name] = b end
        end
      end
    end
    if next(ents) then
      local below = mxh.first_record_below(zone, ents)
      for name, b in pairs(ents) do
        if not b.at then b.at = below[name] end
      end
    end
    -- A pathological zone (thousands of blocked names) gets MAX_EACH findings
    -- of their own and one summary at the wildcard for the rest.
    local rest = {}
    for i = MAX_EACH + 1, #blocked do
      local b = blocked[i]
      local r = rest[b.w.owner]
      if not r then r = { w = b.w, n = 0, names = {} }; rest[b.w.owner] = r; rest[#rest + 1] = r end
      r.n = r.n + 1
      if #r.names < 20 then r.names[#r.names + 1] = b.name end
    end
    for _, r in ipairs(rest) do
      report {
        owner    = r.w.owner,
        at       = r.w.mx[1],
        message  = string.format("%d more names under %s exist without an MX of their own, so the "
                     .. "wildcard MX does not cover them (RFC 4592 §2.2), e.g. %s", r.n,
                     mxh.parent(r.w.owner), table.concat(r.names, ", ")),
        evidence = r.w.mx,
        fix      = string.format("give each of those names its own MX records (a copy of `%s`'s), "
                     .. "or stop relying on the wildcard MX", r.w.owner),
      }
    end
    for i = 1, math.min(#blocked, MAX_EACH) do
      local b = blocked[i]
      local name, w, at = b.name, b.w, b.at
      local why
      if b.ent then
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
      local fate = (b.kind == "implicit") and "falls back to its own address (implicit MX)"
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
  end,
}
