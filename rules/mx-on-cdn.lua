-- mx-on-cdn: an MX exchange resolves into a CDN/WAF front end that takes no mail.
local mxh = require "mxh"

return {
  id          = "mx-on-cdn",
  severity    = "error",
  title       = "MX exchange resolves to a CDN/WAF address",
  description = [[
The exchange an MX record names resolves (directly, through a CNAME or a
wildcard) to an address inside a published range of a CDN or WAF front end
(Cloudflare, Fastly, Amazon CloudFront, Imperva, Sucuri; the built-in list is
data/cdn-ranges.txt, users can add their own ranges). Those front ends proxy
web traffic only: senders look the exchange up (RFC 5321 §5.1), connect to
port 25 of the front end and fail, so mail is not delivered.

This is what happens in seeds 000 and 001 when the website's name is also
the mail server's and the website moves behind a CDN/WAF: the A record
change drags the mail along. The finding is an error when every exchange of
the domain is on a CDN (no mail arrives), a warning when another exchange
still takes mail (delivery depends on the backup).

Only explicit MX routes are checked: a domain without MX whose own address is
on a CDN is no-mx-implicit's business.]],
  references  = { "RFC 5321 §5.1", "seed 000", "seed 001" },
  needs       = { "MX", "hint:mx-cdn" }, -- zone:hint: skip zones where it cannot fire
  example     = [[$ORIGIN example.com.
@    3600 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 604800 3600
@    3600 IN MX  10 example.com.
@    3600 IN A   104.16.132.229
]],
  fix         = "Give the mail server a host name of its own with its real address (e.g. mail.example.com.) and point the MX at it; keep the CDN address for the website only.",

  check = function(zone, report)
    local provider_of = mxh.cdn_provider
    if provider_of == nil then
      return -- an engine without the CDN table: nothing to compare against
    end
    for _, d in ipairs(zone:mail_domains()) do
      local route = zone:mail_route(d)
      if route:kind() == "mx" then
        local on_cdn, usable = {}, 0
        for _, x in ipairs(route:exchanges()) do
          local status = x:status()
          if status == "addresses" then
            local bad, good = {}, 0
            for _, r in ipairs(x:address_records()) do
              local p = provider_of(r:rdata())
              if p then
                bad[#bad + 1] = { rec = r, provider = p }
              else
                good = good + 1
              end
            end
            if #bad > 0 then
              on_cdn[#on_cdn + 1] = { x = x, bad = bad }
            end
            if good > 0 then usable = usable + 1 end
          elseif status == "external" or status == "delegated" then
            usable = usable + 1 -- not visible here: assume it takes mail
          end
        end
        if #on_cdn > 0 then
          local first = on_cdn[1]
          local b = first.bad[1]
          local ev = { route }
          for _, e in ipairs(on_cdn) do
            for _, bb in ipairs(e.bad) do ev[#ev + 1] = bb.rec end
          end
          local via = ""
          if first.x:via_cname() then via = " (through a CNAME)"
          elseif first.x:via_wildcard() then via = " (through a wildcard)" end
          report {
            owner    = d,
            at       = first.x:record(),
            severity = usable > 0 and "warning" or "error",
            message  = ("mail for %s goes to %s, which resolves%s to %s, an address of %s: "
                        .. "a CDN/WAF front end that does not accept mail%s"):format(
                          d, first.x:name(), via, b.rec:rdata(), b.provider,
                          usable > 0 and " (another exchange still does)" or ""),
            evidence = ev,
            fix      = ("add `mail.%s A <the mail server's address>`, point the MX at mail.%s, "
                        .. "and keep %s for the website only"):format(d, d, b.rec:owner()),
          }
        end
      end
    end
  end,
}
