-- mx-relative-name: an MX exchange that lost its final dot.
local mxh = require "mxh"

-- RFC 1035 §3.3.9 address literals and forgotten final dots are reported by
-- mx-as-ip and mx-relative-name alone (one mistake, one finding); the checks
-- are computed in C, once per exchange (docs/rules.md, mxh.exchange_*).
local ip_literal = mxh.exchange_ip_literal      -- address as written, or nil
local forgotten_dot = mxh.exchange_missing_dot  -- name meant (final dot), or nil

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
exchange: this one explains it. "No records of its own" is not concluded from a
zone that could not be loaded completely (rejected lines, a failed $INCLUDE).]],
  references  = { "RFC 1035 §5.1", "RFC 5321 §5.1", "seed 002" },
  needs       = { "MX", "hint:mx-missing-dot" }, -- zone:hint: skip zones where it cannot fire
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
          if meant and not zone:incomplete_at(x:name()) then
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
