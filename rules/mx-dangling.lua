-- mx-dangling: an in-zone MX exchange that yields no address.
local mxh = require "mxh"

-- RFC 1035 §3.3.9 address literals and forgotten final dots are reported by
-- mx-as-ip and mx-relative-name alone (one mistake, one finding); the checks
-- are computed in C, once per exchange (docs/rules.md, mxh.exchange_*).
local explained = mxh.exchange_explained        -- either of those, or a null MX root

local WHY = {
  nxdomain = "does not exist",
  nodata   = "has no A or AAAA record",
  loop     = "is a CNAME loop",
}

-- The last name reached on the exchange's CNAME chain.
local function final_name(x)
  local last = x:name()
  for _, s in ipairs(x:steps()) do
    if s.kind == "cname" and s.target then last = s.target end
  end
  return last
end

return {
  id          = "mx-dangling",
  severity    = "error",
  title       = "MX exchange has no address",
  description = [[
A sender looks up the A and AAAA records of each MX exchange (RFC 5321 §5.1).
When the exchange lies inside the loaded, authoritative data and the lookup
ends in NXDOMAIN, in NODATA (the name exists but has no address), in a CNAME
loop, or in a CNAME chain that ends in one of these, that exchange can never
take mail. If it is the only exchange, the domain receives nothing.

Exchanges outside the loaded zones, or below a delegation whose child zone is
not loaded, are unknown rather than wrong and are never reported; so is an
NXDOMAIN or NODATA answer from a zone that could not be loaded completely
(rejected lines, a failed $INCLUDE: the name may be in what was lost). An exchange
already explained by mx-as-ip or mx-relative-name is left to those rules.]],
  references  = { "RFC 5321 §5.1", "RFC 1034 §4.3.2", "RFC 2181 §10.3" },
  needs       = { "MX", "hint:mx-dangling" }, -- zone:hint: skip zones where it cannot fire
  example     = [[$ORIGIN example.com.
@    3600 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 604800 3600
@    3600 IN A   10.0.1.100
@    3600 IN MX  10 mail
]],
  fix         = "Give the exchange an A/AAAA record, or point the MX at a host that has one.",

  check = function(zone, report)
    for _, d in ipairs(zone:mail_domains()) do
      local route = zone:mail_route(d)
      if route:kind() == "mx" then
        local ev, what, fixes, at = {}, {}, {}, nil
        local working = nil -- an exchange of the same domain that does resolve
        for _, x in ipairs(route:exchanges()) do
          if x:status() == "addresses" then working = working or x end
        end
        for _, x in ipairs(route:exchanges()) do
          local st = x:status()
          -- RFC 5321 §5.1: the exchange must resolve to an address; external
          -- and delegated names are unknown here, never wrong.
          -- A loop is made of CNAMEs that were read, so it stands; NXDOMAIN
          -- and NODATA from an incomplete zone do not (RFC 1034 §4.3.2: the
          -- answer is only as good as the authoritative data behind it).
          if WHY[st] and not explained(zone, x)
             and (st == "loop" or not zone:incomplete_at(final_name(x))) then
            local rec = x:record()
            at = at or rec
            ev[#ev + 1] = rec
            for _, s in ipairs(x:steps()) do
              if s.record and s.record ~= rec then ev[#ev + 1] = s.record end
            end
            local last = final_name(x)
            if st == "loop" then
              what[#what + 1] = string.format("`%s` (it %s)", x:name(), WHY[st])
            elseif last ~= x:name() then
              what[#what + 1] = string.format("`%s` (an alias of `%s`, which %s)", x:name(), last, WHY[st])
            else
              what[#what + 1] = string.format("`%s` (it %s)", x:name(), WHY[st])
            end
            if working then
              -- Another exchange works: the dead one only delays delivery.
              fixes[#fixes + 1] = string.format("delete `%s MX %d %s` (mail already reaches `%s`, "
                                  .. "%s) or give `%s` an address record", d, x:preference(),
                                  x:name(), working:name(),
                                  table.concat(working:addresses(), ", "), last)
            elseif st == "loop" then
              fixes[#fixes + 1] = string.format("break the CNAME loop at `%s` and give the mail "
                                  .. "host an address record", x:name())
            else
              fixes[#fixes + 1] = string.format("add `%s A <address of the mail server>` (or "
                                  .. "point `%s MX %d` at a host that has one)", last, d,
                                  x:preference())
            end
          end
        end
        if #what > 0 then
          report {
            owner    = d,
            at       = at,
            message  = string.format("mail for %s cannot be delivered to %s", d,
                         table.concat(what, ", ")),
            evidence = ev,
            fix      = table.concat(fixes, "; "),
          }
        end
      end
    end
  end,
}
