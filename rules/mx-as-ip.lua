-- mx-as-ip: an MX exchange written as an IP address.
local mxh = require "mxh"

-- RFC 1035 §3.3.9 address literals and forgotten final dots are reported by
-- mx-as-ip and mx-relative-name alone (one mistake, one finding); the checks
-- are computed in C, once per exchange (docs/rules.md, mxh.exchange_*).
local ip_literal = mxh.exchange_ip_literal      -- address as written, or nil

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
  needs       = { "MX", "hint:mx-ip" }, -- zone:hint: skip zones where it cannot fire
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
