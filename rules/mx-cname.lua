-- mx-cname: an MX exchange that is an alias.
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
  id          = "mx-cname",
  severity    = "warning",
  title       = "MX exchange is an alias (CNAME)",
  description = [[
The exchange named by an MX record must be the host's canonical name, not an
alias: RFC 2181 §10.3 says MX data must not point at a CNAME, and RFC 5321
§5.1 describes how senders cope when it does. Many do, some do not: an extra
lookup that can fail, mail loops when the receiving host does not know it
is also known under the alias, and senders that rewrite the address domain
to the canonical name (seed 002: "メールサーバの設定でCNAMEレコードはタブー").

The rule fires when the exchange itself owns a CNAME (also one made up by a
wildcard CNAME). An exchange already explained by mx-as-ip or
mx-relative-name is left to those rules.]],
  references  = { "RFC 2181 §10.3", "RFC 5321 §5.1", "RFC 1034 §3.6.2", "seed 002" },
  needs       = { "MX" },
  example     = [[$ORIGIN hogehoge.com.
@    3600 IN SOA ns1.value-domain.com. root.hogehoge.com. 1 3600 900 604800 3600
@    3600 IN MX  10 mail
mail 3600 IN CNAME s6.xrea.com.
]],
  fix         = "Point the MX at the host's canonical name, not at an alias.",

  check = function(zone, report)
    for _, d in ipairs(zone:mail_domains()) do
      local route = zone:mail_route(d)
      if route:kind() == "mx" then
        local ev, what, fixes, at = {}, {}, {}, nil
        for _, x in ipairs(route:exchanges()) do
          if x:via_cname() and not explained(zone, x) then
            local name, canon, cnames, own = x:name(), nil, {}, false
            for _, s in ipairs(x:steps()) do
              if s.kind == "cname" then
                if #cnames == 0 and s.name == name then own = true end
                cnames[#cnames + 1] = s.record
                canon = s.target
              end
            end
            -- RFC 2181 §10.3: the exchange itself owns a CNAME.
            if own then
              at = at or x:record()
              ev[#ev + 1] = x:record()
              for _, c in ipairs(cnames) do ev[#ev + 1] = c end
              what[#what + 1] = string.format("`%s` is an alias of `%s`", name, canon)
              local addrs = x:addresses()
              if (canon == d or mxh.is_below(canon, zone:origin())) and #addrs > 0 then
                -- The alias leads back into this zone (maybe to the website's
                -- own name): give the mail host its own addresses instead.
                local rr = {}
                for _, a in ipairs(addrs) do
                  rr[#rr + 1] = string.format("`%s %s %s`", name, mxh.is_ipv6(a) and "AAAA" or "A", a)
                end
                fixes[#fixes + 1] = string.format("replace the CNAME at `%s` by %s", name,
                                      table.concat(rr, ", "))
              else
                fixes[#fixes + 1] = string.format("point the MX at the canonical name: `%s MX %d %s`",
                                      d, x:preference(), canon)
              end
            end
          end
        end
        if #what > 0 then
          report {
            owner    = d,
            at       = at,
            message  = string.format("the MX of %s names an alias: %s", d, table.concat(what, "; ")),
            evidence = ev,
            fix      = table.concat(fixes, "; "),
          }
        end
      end
    end
  end,
}
