-- mx-as-ip: an MX exchange written as an IP address.
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
  id          = "mx-as-ip",
  severity    = "error",
  title       = "MX exchange is an IP address, not a host name",
  description = [[
An MX record names a host, never an address: RFC 1035 §3.3.9 defines the
EXCHANGE field as a domain name, and RFC 5321 §5.1 has the sender look that
name up for A/AAAA records. Control panels happily accept
`dm2.co.jp MX 162.43.120.172`, and two things can come of it. Written with a
final dot, the exchange is the name `162.43.120.172.`, which does not exist
in the DNS (there is no top-level domain "172"). Written without it, the zone
origin is appended and the exchange becomes `162.43.120.172.dm2.co.jp.`,
which exists only if a wildcard happens to cover it. Some senders try the
literal anyway, many do not: mail arrives from some correspondents and
bounces for others, which is what makes this mistake slow to notice
(seed 003).

The fix is to give the mail server a name with an address record and point
the MX at that name.]],
  references  = { "RFC 1035 §3.3.9", "RFC 5321 §5.1", "RFC 2181 §10.3", "seed 003" },
  needs       = { "MX" },
  example     = [[$ORIGIN dm2.co.jp.
@    3600 IN SOA ns1.xserver.jp. root.dm2.co.jp. 1 3600 900 604800 3600
@    3600 IN A   162.43.120.172
@    3600 IN MX  0 162.43.120.172
]],
  fix         = "Name the mail server (`mail.<domain>. A <address>`) and point the MX at that name.",

  check = function(zone, report)
    for _, d in ipairs(zone:mail_domains()) do
      local route = zone:mail_route(d)
      if route:kind() == "mx" then
        local ev, ips, at = {}, {}, nil
        for _, x in ipairs(route:exchanges()) do
          -- RFC 1035 §3.3.9: EXCHANGE is a <domain-name>, not an address.
          local ip = ip_literal(zone, x)
          if ip then
            local rec = x:record()
            at = at or rec
            ev[#ev + 1] = rec
            ips[#ips + 1] = { ip = ip, pref = x:preference(), name = x:name() }
          end
        end
        if #ips > 0 then
          local host = "mail." .. d
          if zone:node(host) and #zone:node(host):records() > 0 then host = "mx." .. d end
          local adds, mxs, shown = {}, {}, {}
          for i, e in ipairs(ips) do
            local h = (i == 1) and host or ("mx" .. i .. "." .. d)
            local rtype = mxh.is_ipv6(e.ip) and "AAAA" or "A"
            adds[#adds + 1] = string.format("`%s %s %s`", h, rtype, e.ip)
            mxs[#mxs + 1] = string.format("`%s MX %d %s`", d, e.pref, h)
            shown[#shown + 1] = string.format("`%s` (read as `%s`)", e.ip, e.name)
          end
          report {
            owner    = d,
            at       = at,
            message  = string.format("the MX of %s names the address %s instead of a host name; "
                         .. "many senders cannot deliver to it", d, table.concat(shown, ", ")),
            evidence = ev,
            fix      = string.format("add %s and change the MX to %s",
                         table.concat(adds, ", "), table.concat(mxs, ", ")),
          }
        end
      end
    end
  end,
}
