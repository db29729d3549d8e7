-- no-mx-implicit: the apex has addresses but no MX.
local mxh = require "mxh"

-- Host labels that show the zone is meant to handle mail.
local MAIL_HOSTS = { "mail", "smtp", "imap", "pop", "pop3", "webmail", "mx",
                     "mail1", "mail2", "mx1", "mx2", "smtp1", "imap4" }

-- Whether an SPF record authorizes at least one sender (RFC 7208 §4.6.2:
-- only a "+" result passes; "v=spf1 -all" and "~all" authorize nobody).
local function spf_authorizes(text)
  local spf = mxh.spf_parse(text)
  if not spf then return false end
  if spf.redirect then return true end
  for _, t in ipairs(spf.terms or {}) do
    if (t.qualifier or "+") == "+" then return true end
  end
  return false
end

local function is_spf(text)
  local v = text:sub(1, 7):lower()
  return v == "v=spf1" or v == "v=spf1 "
end

-- The first sign that the zone is meant to handle mail, as text, or nil.
local function mail_intent(zone, origin)
  for _, r in ipairs(zone:rrset(origin, "TXT")) do
    local t = mxh.txt_strings(r)
    if is_spf(t) and spf_authorizes(t) then
      return string.format("its SPF authorizes senders (`%s`)", t), r
    end
  end
  for _, r in ipairs(zone:rrset("_dmarc." .. origin, "TXT")) do
    if mxh.txt_strings(r):sub(1, 8):lower() == "v=dmarc1" then
      return "it publishes a DMARC policy", r
    end
  end
  local dk = zone:node("_domainkey." .. origin)
  if dk and dk:exists() then
    for n in zone:names() do
      local rs = n:records()
      if #rs > 0 and mxh.is_strictly_below(n:name(), "_domainkey." .. origin) then
        return "it publishes DKIM keys", rs[1]
      end
    end
    return "it publishes DKIM keys", nil
  end
  for _, l in ipairs(MAIL_HOSTS) do
    local n = zone:node(l .. "." .. origin)
    if n and n:exists() then
      local rs = n:records()
      return string.format("it has a host named `%s`", l .. "." .. origin), rs[1]
    end
  end
  if #zone:local_servers(origin) > 0 then
    return "a shared server delivers it locally (inventory)", nil
  end
  return nil
end

return {
  id          = "no-mx-implicit",
  severity    = "warning",
  title       = "Apex has addresses but no MX: mail follows the website",
  description = [[
When a domain has no MX records, senders deliver to the domain's own A/AAAA
addresses: the "implicit MX" of RFC 5321 §5.1. Mail then works as long as the
web server also runs a mail server, and silently moves whenever the website
moves (a CDN, a new host). Seed 002 even recommends omitting the MX ("省略して
もAレコードがしっかり設定してさえあれば動作します").

The rule looks at the zone apex only. It is a warning when the zone shows
that mail is meant to work: an SPF record authorizing some sender, a DMARC
or DKIM record, a host named like `mail`, `smtp`, `imap`, `pop`, `webmail` or
`mx`, or the domain in the shared-host inventory. Otherwise it is only
information: most web-only zones look like this, and the remedy there is to
say so with a null MX.

A zone that could not be loaded completely (rejected lines, a failed
$INCLUDE) is not judged: its MX may be in what was lost.

Fix: publish an explicit MX; for a domain that takes no mail, publish
`MX 0 .` (RFC 7505) and `v=spf1 -all`.]],
  references  = { "RFC 5321 §5.1", "RFC 7505 §3", "RFC 7208 §4.6.2", "seed 002" },
  example     = [[$ORIGIN hogehoge.com.
@    3600 IN SOA ns1.value-domain.com. root.hogehoge.com. 1 3600 900 604800 3600
@    3600 IN A   219.163.200.66
@    3600 IN TXT "v=spf1 a ~all"
]],
  fix         = "Publish an explicit MX, or `MX 0 .` plus `v=spf1 -all` for a domain that takes no mail.",

  needs       = { "hint:implicit-apex" }, -- zone:hint: skip zones where it cannot fire

  check = function(zone, report)
    local origin = zone:origin()
    local route = zone:mail_route(origin)
    -- RFC 5321 §5.1: no MX (and no null MX) but addresses: implicit MX.
    if route:kind() ~= "implicit" then return end
    -- "No MX" is absence: not concluded from a zone that lost lines while
    -- loading (already reported as a load error).
    if zone:incomplete() then return end
    local ev, addrs = {}, {}
    for _, x in ipairs(route:exchanges()) do
      for _, r in ipairs(x:address_records()) do
        ev[#ev + 1] = r
        addrs[#addrs + 1] = r
      end
    end
    local why, wrec = mail_intent(zone, origin)
    if wrec then ev[#ev + 1] = wrec end
    local list = {}
    for _, r in ipairs(addrs) do list[#list + 1] = r:rdata() end
    local host = "mail." .. origin
    local hn = zone:node(host)
    local sample = addrs[1]
    local explicit
    if hn and (#hn:records("A") + #hn:records("AAAA")) > 0 then
      explicit = string.format("`%s MX 10 %s`", origin, host)
    elseif sample then
      explicit = string.format("`%s MX 10 %s` with `%s %s %s`", origin, host, host,
                               sample:type(), sample:rdata())
    else
      explicit = string.format("`%s MX 10 %s`", origin, host)
    end
    local nomail = string.format("`%s MX 0 .` and `%s TXT \"v=spf1 -all\"` (RFC 7505)", origin, origin)
    if why then
      report {
        owner    = origin,
        at       = addrs[1],
        message  = string.format("%s has no MX, so its mail goes to the website's address (%s) "
                     .. "through the implicit MX, although %s", origin,
                     table.concat(list, ", "), why),
        evidence = ev,
        fix      = string.format("publish an explicit MX: %s; if %s takes no mail, publish %s",
                     explicit, origin, nomail),
      }
    else
      report {
        owner    = origin,
        at       = addrs[1],
        severity = "info",
        message  = string.format("%s has no MX: any mail for it goes to the website's address (%s) "
                     .. "through the implicit MX", origin, table.concat(list, ", ")),
        evidence = ev,
        fix      = string.format("if %s takes no mail, publish %s; otherwise publish an explicit "
                     .. "MX: %s", origin, nomail, explicit),
      }
    end
  end,
}
