-- shared-host-local-delivery: a shared server delivers a domain locally
-- while the domain's public mail route goes elsewhere.
local mxh = require "mxh"

-- RFC 1035 §3.3.9 address literals and forgotten final dots are reported by
-- mx-as-ip and mx-relative-name alone (one mistake, one finding); the checks
-- are computed in C, once per exchange (docs/rules.md, mxh.exchange_*).
local explained = mxh.exchange_explained        -- either of those, or a null MX root

-- "No exchange reaches the server" is a conclusion from absence: not drawn
-- when the zone of the mail domain lost lines while loading (a rejected
-- record, a failed $INCLUDE: an MX to the server may be in what was lost), nor
-- when an exchange's NXDOMAIN/NODATA comes from such a zone. The zone is
-- already reported as a load error.
local function route_unsure(zone, d, xs)
  if zone:incomplete_at(d) then return true end
  for _, x in ipairs(xs) do
    local st = x:status()
    if (st == "nxdomain" or st == "nodata") and zone:incomplete_at(x:name()) then
      return true
    end
    for _, s in ipairs(x:steps()) do
      if s.kind == "cname" and s.target and (st == "nxdomain" or st == "nodata")
         and zone:incomplete_at(s.target) then
        return true
      end
    end
  end
  return false
end

return {
  id          = "shared-host-local-delivery",
  severity    = "error",
  title       = "Shared server delivers locally a domain whose mail goes elsewhere",
  description = [[
On a shared hosting server, mail between two customers of the same server
never looks at the DNS: when the recipient's domain is configured on the
server, the message is delivered locally. A customer who moved the mail of
D to an outside service (Microsoft 365, Google Workspace) but left D in the
server's local domains is then unreachable from every other customer on that
server: their messages go to the empty local mailbox and bounce with
"User unknown", while the rest of the Internet follows the MX (seed 004).

With an inventory of shared servers (mxh_zoneset_load_inventory), the rule
fires for a domain D that a server S delivers locally when no exchange of
D's mail route, explicit MX or the implicit MX of RFC 5321 §5.1, is named as
S or reaches one of S's addresses. An exchange outside the loaded data (such
as Microsoft 365) counts as not reaching S. The domains judged are the zone's
mail domains: its apex and every name with its own MX. A null MX or a
domain without any route reaches no server either; an exchange explained by
mx-as-ip or mx-relative-name leaves the domain to those rules. Nothing is
concluded from a zone that could not be loaded completely (rejected lines, a
failed $INCLUDE): an MX to the server may be in what was lost.

Fix per seed 004: remove D from S's local domains (the host renames it, e.g.
to `www.D`), or point the MX back to S.]],
  references  = { "RFC 5321 §5.1", "RFC 5321 §5", "seed 004" },
  example     = [[$ORIGIN example.co.jp.
@    3600 IN SOA ns1.example.co.jp. hostmaster.example.co.jp. 1 3600 900 604800 3600
@    3600 IN A   203.0.113.99
@    3600 IN MX  10 example-co-jp.mail.protection.outlook.com.
; inventory: dc99.svr 203.0.113.99 example.co.jp example.com
]],
  fix         = "Remove the domain from the server's local domains (e.g. rename it to `www.<domain>`), or point the MX back to the server.",

  needs       = { "hint:inventory" }, -- zone:hint: skip zones where it cannot fire

  check = function(zone, report)
    for _, d in ipairs(zone:mail_domains()) do
      local servers = zone:local_servers(d)
      if #servers > 0 then
        local route = zone:mail_route(d)
        local k = route:kind()
        -- RFC 5321 §5.1: explicit MX, else the domain itself (implicit MX);
        -- a null MX or no route at all reaches no server either.
        if k == "mx" or k == "implicit" or k == "null-mx" or k == "none" then
          local xs = route:exchanges()
          local skip = false
          for _, x in ipairs(xs) do
            if explained(zone, x) then skip = true end
          end
          if not skip and route_unsure(zone, d, xs) then skip = true end
          for _, s in ipairs(servers) do
            local sname, saddr = s:name(), {}
            for _, a in ipairs(s:addresses()) do saddr[a] = true end
            local reaches = false
            for _, x in ipairs(xs) do
              if x:name() == sname then reaches = true end
              for _, a in ipairs(x:addresses()) do
                if saddr[a] then reaches = true end
              end
            end
            if not reaches and not skip then
              -- The server object: the evidence carries the inventory's file and line.
              local ev, names = { s }, {}
              local at
              for _, x in ipairs(xs) do
                local r = x:record()
                if r then ev[#ev + 1] = r; at = at or r end
                for _, ar in ipairs(x:address_records()) do
                  ev[#ev + 1] = ar
                  at = at or ar
                end
                local st = x:status()
                names[#names + 1] = string.format("`%s`%s", x:name(),
                  st == "addresses" and (" (" .. table.concat(x:addresses(), ", ") .. ")")
                  or (" (" .. st .. ")"))
              end
              local route_text
              if k == "null-mx" then
                route_text = "publishes a null MX (no mail)"
              elseif k == "none" then
                route_text = "has no MX and no address"
              else
                route_text = "routes its mail to " .. table.concat(names, ", ")
              end
              if not at then
                local nd = zone:node(d)
                at = zone:rrset(d, "MX")[1] or (nd and nd:records()[1])
                if at then ev[#ev + 1] = at end
              end
              report {
                owner    = d,
                at       = at,
                message  = string.format("server %s delivers %s locally, but %s %s: senders on "
                             .. "%s get local delivery and bounces", sname, d, d, route_text, sname),
                evidence = ev,
                fix      = string.format("have the host drop %s from %s's local domains (rename "
                             .. "it to `www.%s`), or point the MX back to %s (`%s MX 10 %s`)",
                             d, sname, d, sname, d, sname),
              }
            end
          end
        end
      end
    end
  end,
}
