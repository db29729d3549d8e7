-- mx-cname: an MX exchange that is an alias.
local mxh = require "mxh"

-- RFC 1035 §3.3.9 address literals and forgotten final dots are reported by
-- mx-as-ip and mx-relative-name alone (one mistake, one finding); the checks
-- are computed in C, once per exchange (docs/rules.md, mxh.exchange_*).
local explained = mxh.exchange_explained        -- either of those, or a null MX root

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
  needs       = { "MX", "hint:mx-cname" }, -- zone:hint: skip zones where it cannot fire
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
