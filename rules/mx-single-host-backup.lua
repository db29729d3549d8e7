-- mx-single-host-backup: a backup MX on the primary's own server.
local mxh = require "mxh"

-- RFC 1035 §3.3.9 address literals and forgotten final dots are reported by
-- mx-as-ip and mx-relative-name alone (one mistake, one finding); the checks
-- are computed in C, once per exchange (docs/rules.md, mxh.exchange_*).
local explained = mxh.exchange_explained        -- either of those, or a null MX root

return {
  id          = "mx-single-host-backup",
  severity    = "warning",
  title       = "Backup MX runs on the same server as the primary",
  description = [[
Several MX preferences promise a backup: when the preferred exchange is down,
senders try the next one (RFC 5321 §5.1). When every exchange resolves to the
same addresses, the "backup" sits on the primary's own server and fails with
it, while the zone looks redundant (seed 002: "同じサーバにセカンドメールサーバを
作っても効果がありません"). It can also hide that a real backup was meant and
never set up.

The rule fires when the MX RRset has more than one preference and every
exchange resolves to the same set of addresses. Exchanges that are unknown
(outside the loaded zones) or that do not resolve keep it quiet, and so does
a zone that could not be loaded completely (rejected lines, a failed
$INCLUDE): another MX or address may be in what was lost.]],
  references  = { "RFC 5321 §5.1", "RFC 974", "seed 002" },
  needs       = { "MX", "hint:mx-multi" }, -- zone:hint: skip zones where it cannot fire
  example     = [[$ORIGIN hogehoge.com.
@     3600 IN SOA ns1.value-domain.com. root.hogehoge.com. 1 3600 900 604800 3600
@     3600 IN MX  10 mail
@     3600 IN MX  20 mail2
mail  3600 IN A   219.163.200.70
mail2 3600 IN A   219.163.200.70
]],
  fix         = "Put the backup exchange on a different server, or drop it.",

  check = function(zone, report)
    -- zone:mail_domains("mx-multi"): only the mail domains whose own MX has
    -- two or more exchanges, all with addresses and none explained (from the
    -- zone hints, computed once in C): the others cannot fire.
    for _, d in ipairs(zone:mail_domains("mx-multi")) do
      -- mxh.mx_one_host (in C, on the domain's route as the hints computed
      -- it) rules out most mail domains of a large zone before any table or
      -- route handle is made: a single exchange, a single preference, an
      -- exchange without addresses, or exchanges on different addresses.
      -- "Every exchange on the same addresses" needs the whole MX RRset and
      -- every address RRset: not concluded when the zone answering for either
      -- lost lines while loading (a rejected record, a failed $INCLUDE;
      -- already a load error).
      local route = mxh.mx_one_host(zone, d) and not zone:incomplete_at(d) and
                    zone:mail_route(d)
      local xs = route and route:kind() == "mx" and route:exchanges()
      if xs and #xs >= 2 then
        local prefs, npref, key, same = {}, 0, nil, true
        for _, x in ipairs(xs) do
          if x:status() ~= "addresses" or explained(zone, x) then same = false; break end
          local ar = x:address_records()[1]
          if ar and zone:incomplete_at(ar:owner()) then same = false; break end
          local p = x:preference()
          if not prefs[p] then prefs[p] = true; npref = npref + 1 end
          local a = x:addresses()
          table.sort(a)
          local k = table.concat(a, " ")
          if key == nil then key = k elseif key ~= k then same = false; break end
        end
        -- RFC 5321 §5.1: lower preferences are tried when the first fails;
        -- on the same addresses they cannot succeed where it failed.
        if same and npref >= 2 then
          local ev = {}
          for _, x in ipairs(xs) do
            ev[#ev + 1] = x:record()
            for _, r in ipairs(x:address_records()) do ev[#ev + 1] = r end
          end
          local shown = key:gsub(" ", ", ")
          local names = {}
          for i, x in ipairs(xs) do
            names[i] = string.format("`%s` (MX %d)", x:name(), x:preference())
          end
          local backups = {}
          for i = 2, #xs do
            if xs[i]:preference() ~= xs[1]:preference() then
              backups[#backups + 1] = string.format("`%s MX %d %s`", d, xs[i]:preference(), xs[i]:name())
            end
          end
          report {
            owner    = d,
            at       = xs[2]:record(),
            message  = string.format("every MX of %s resolves to %s: %s; the backup fails "
                         .. "together with the primary", d, shown, table.concat(names, ", ")),
            evidence = ev,
            fix      = string.format("point %s at a server other than %s, or remove it",
                         table.concat(backups, ", "), shown),
          }
        end
      end
    end
  end,
}
