-- wildcard-coverage: an MX exchange that resolves only through a wildcard.
local mxh = require "mxh"

-- An exchange that mx-as-ip or mx-relative-name explains is left to those
-- rules: no other rule reports on it (one mistake, one finding).
local function prefix_labels(name, origin)
  if not mxh.is_strictly_below(name, origin) then return nil end
  local L, n = mxh.labels(name), #mxh.labels(origin)
  local p = {}
  for i = 1, #L - n do p[i] = L[i] end
  return p, L
end

-- RFC 1035 §3.3.9: the exchange must be a host name; an address literal,
-- absolute or made relative by a missing final dot, is not one.
local function ip_literal(zone, x)
  local name = x:name()
  if mxh.is_ip(name) then return name:sub(1, -2) end
  local p = prefix_labels(name, zone:origin())
  if p and #p > 0 then
    local s = table.concat(p, ".")
    if mxh.is_ip(s) then return s end
  end
  -- Made relative to another $ORIGIN: the exchange as written is an address.
  local rec = x:record()
  if rec and rec:target_relative() then
    for w in (rec:rdata_text() or ""):gmatch("%S+") do
      if w:find("[.:]") and mxh.is_ip(w) then return (w:gsub("%.$", "")) end
    end
  end
  return nil
end

-- A forgotten trailing dot: under the origin, no records of its own (a
-- wildcard answer does not count), and the part before the origin is a
-- full domain name (ends in a TLD) or repeats the origin.
local function forgotten_dot(zone, x)
  local name, origin = x:name(), zone:origin()
  local p = prefix_labels(name, origin)
  if not p or #p == 0 then return nil end
  if x:status() == "delegated" then return nil end
  local node = zone:node(name)
  if node and (#node:records() > 0 or node:below_cut()) then return nil end
  local O = mxh.labels(origin)
  if #O > 0 and #p >= #O then
    local same = true
    for i = 1, #O do
      if p[#p - #O + i] ~= O[i] then same = false; break end
    end
    if same then return table.concat(p, ".") .. "." end
  end
  if #p >= 2 and mxh.is_tld(p[#p]) then return table.concat(p, ".") .. "." end
  return nil
end

-- The root as exchange is a null MX (RFC 7505 §3): null-mx-mixed's business.
local function explained(zone, x)
  if x:name() == "." then return true end
  return ip_literal(zone, x) ~= nil or forgotten_dot(zone, x) ~= nil
end

return {
  id          = "wildcard-coverage",
  severity    = "warning",
  title       = "MX exchange has addresses only through a wildcard",
  description = [[
Many hosting panels create `*.example.com A <server>` by default. An MX that
points at `mail.example.com` then works even though nobody created
`mail.example.com`: the wildcard synthesizes its address (RFC 4592 §2.1.1,
§3.3.1). Mail works by accident. When the wildcard changes (a new server, a
CDN, a cleanup), or when someone adds any record under `mail.example.com`
(which blocks the wildcard for that name, RFC 4592 §2.2), the mail host
silently moves or vanishes. Seed 000 recommends exactly this MX change on
XServer, where the wildcard happens to cover `mail.`: it is a working state,
but a fragile one.

The rule fires when an exchange, after any CNAMEs, gets its addresses only by
wildcard synthesis. Give the mail host explicit address records.]],
  references  = { "RFC 4592 §2.2", "RFC 4592 §3.3.1", "RFC 5321 §5.1", "seed 000" },
  needs       = { "MX" },
  example     = [[$ORIGIN example.com.
@    3600 IN SOA ns1.xserver.jp. root.example.com. 1 3600 900 604800 3600
@    3600 IN A   11.11.11.11
*    3600 IN A   10.0.1.100
@    3600 IN MX  10 mail.example.com.
]],
  fix         = "Add explicit A/AAAA records for the mail host so it no longer depends on the wildcard.",

  check = function(zone, report)
    for _, d in ipairs(zone:mail_domains()) do
      local route = zone:mail_route(d)
      if route:kind() == "mx" then
        local ev, what, adds, at = {}, {}, {}, nil
        for _, x in ipairs(route:exchanges()) do
          -- RFC 4592 §3.3.1: the answer was synthesized from a wildcard.
          if x:status() == "addresses" and x:via_wildcard() and not explained(zone, x) then
            local rec = x:record()
            at = at or rec
            ev[#ev + 1] = rec
            local wild, host = nil, x:name()
            for _, s in ipairs(x:steps()) do
              if s.kind == "wildcard" then
                wild = s.target or (s.record and s.record:owner())
                host = s.name or host
              end
            end
            for _, r in ipairs(x:address_records()) do ev[#ev + 1] = r end
            for _, a in ipairs(x:addresses()) do
              adds[#adds + 1] = string.format("`%s %s %s`", host, mxh.is_ipv6(a) and "AAAA" or "A", a)
            end
            what[#what + 1] = string.format("`%s` exists only through the wildcard `%s` (%s)",
                                host, wild or ("*." .. (mxh.parent(host) or "")),
                                table.concat(x:addresses(), ", "))
          end
        end
        if #what > 0 then
          report {
            owner    = d,
            at       = at,
            message  = string.format("mail for %s works only by accident: %s", d,
                         table.concat(what, "; ")),
            evidence = ev,
            fix      = string.format("add %s explicitly, so the mail host no longer moves with "
                         .. "the wildcard", table.concat(adds, ", ")),
          }
        end
      end
    end
  end,
}
