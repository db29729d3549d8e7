-- wildcard-coverage: an MX exchange that resolves only through a wildcard.
local mxh = require "mxh"

-- RFC 1035 §3.3.9 address literals and forgotten final dots are reported by
-- mx-as-ip and mx-relative-name alone (one mistake, one finding); the checks
-- are computed in C, once per exchange (docs/rules.md, mxh.exchange_*).
local explained = mxh.exchange_explained        -- either of those, or a null MX root

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
wildcard synthesis. Give the mail host explicit address records. Not reported
when the answering zone could not be loaded completely (rejected lines, a failed
$INCLUDE): the host's own records may be in what was lost.]],
  references  = { "RFC 4592 §2.2", "RFC 4592 §3.3.1", "RFC 5321 §5.1", "seed 000" },
  needs       = { "MX", "hint:mx-wildcard" }, -- zone:hint: skip zones where it cannot fire
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
            local wild, host = nil, x:name()
            for _, s in ipairs(x:steps()) do
              if s.kind == "wildcard" then
                wild = s.target or (s.record and s.record:owner())
                host = s.name or host
              end
            end
            if zone:incomplete_at(host) then goto next_exchange end
            local rec = x:record()
            at = at or rec
            ev[#ev + 1] = rec
            for _, r in ipairs(x:address_records()) do ev[#ev + 1] = r end
            for _, a in ipairs(x:addresses()) do
              adds[#adds + 1] = string.format("`%s %s %s`", host, mxh.is_ipv6(a) and "AAAA" or "A", a)
            end
            what[#what + 1] = string.format("`%s` exists only through the wildcard `%s` (%s)",
                                host, wild or ("*." .. (mxh.parent(host) or "")),
                                table.concat(x:addresses(), ", "))
          end
          ::next_exchange::
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
