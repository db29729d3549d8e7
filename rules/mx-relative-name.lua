-- mx-relative-name: an MX exchange that lost its final dot.
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
  id          = "mx-relative-name",
  severity    = "error",
  title       = "MX exchange is missing its final dot",
  description = [[
In a zone file (RFC 1035 §5.1) and in most registrar panels, a name without a
final dot is relative: the zone origin is appended to it. The panel line
`mx @ s1.xrea.com 10` in the zone hogehoge.com therefore names the mail
server `s1.xrea.com.hogehoge.com.`, a name nobody created, and all mail to
the domain fails (seed 002: "最後のピリオドをわすれないように!").

The rule fires for an exchange that lies under the zone origin, has no
records of its own (an answer made up by a wildcard does not count: with
`* A …` in the zone the mistaken name even resolves, to the wrong server), and
whose part before the origin is a complete domain name (its last label is a
top-level domain in the public suffix list) or repeats the origin
(`mail.example.com.example.com.`). Other rules stay silent about such an
exchange: this one explains it.]],
  references  = { "RFC 1035 §5.1", "RFC 5321 §5.1", "seed 002" },
  needs       = { "MX" },
  example     = [[$ORIGIN hogehoge.com.
@    3600 IN SOA ns1.value-domain.com. root.hogehoge.com. 1 3600 900 604800 3600
@    3600 IN A   219.163.200.66
@    3600 IN MX  10 s1.xrea.com
]],
  fix         = "Write the exchange as an absolute name, with its final dot.",

  check = function(zone, report)
    for _, d in ipairs(zone:mail_domains()) do
      local route = zone:mail_route(d)
      if route:kind() == "mx" then
        local ev, fixes, names, at = {}, {}, {}, nil
        for _, x in ipairs(route:exchanges()) do
          -- RFC 1035 §5.1: a name without the final dot gets the origin appended.
          local meant = (ip_literal(zone, x) == nil) and forgotten_dot(zone, x)
          if meant then
            local rec = x:record()
            at = at or rec
            ev[#ev + 1] = rec
            names[#names + 1] = string.format("`%s` (meant `%s`)", x:name(), meant)
            fixes[#fixes + 1] = string.format("`%s MX %d %s`", d, x:preference(), meant)
          end
        end
        if #names > 0 then
          report {
            owner    = d,
            at       = at,
            message  = string.format("the MX of %s points at %s: the final dot is missing, so "
                         .. "the zone origin was appended and mail goes nowhere", d,
                         table.concat(names, ", ")),
            evidence = ev,
            fix      = string.format("write the exchange with its final dot: %s",
                         table.concat(fixes, ", ")),
          }
        end
      end
    end
  end,
}
