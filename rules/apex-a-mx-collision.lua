-- apex-a-mx-collision: the mail host is the website's own name.

-- Addresses of name (A and AAAA, following CNAMEs), as a set; nil when the
-- answer lies outside the loaded data (the website is hosted elsewhere).
local function web_addresses(zone, name)
  local set, n = {}, 0
  for _, t in ipairs({ "A", "AAAA" }) do
    local lk = zone:lookup(name, t)
    local st = lk:status()
    if st == "external" or st == "delegated" then return nil, true end
    if st == "answer" then
      for _, r in ipairs(lk:records()) do
        set[r:rdata()] = true
        n = n + 1
      end
    end
  end
  return set, n > 0
end

return {
  id          = "apex-a-mx-collision",
  severity    = "warning",
  title       = "Mail host is the website's own name",
  description = [[
When a mail domain D routes its mail to D's own address records (`D MX 10 D.`,
directly or through an alias of D), the one name D stands for the domain,
the website and the mail server at once. Moving the website (to a CDN, a
WAF, a new host) means changing D's A/AAAA records, and that silently moves
the mail too: senders look up the exchange's addresses (RFC 5321 §5.1) and
deliver to a web front end that takes no mail (seeds 000 and 001).

The rule fires for the apex and for every name with its own MX. It stays
quiet when D is the apex and `www.D` exists with addresses disjoint from D's
(or is hosted outside the loaded data): D is then the mail host only and the
website lives under www (seed 000, example 1).

Fix before moving anything: give the mail host its own name with the current
address and point the MX there.]],
  references  = { "RFC 5321 §5.1", "RFC 1034 §3.6.2", "seed 000", "seed 001" },
  needs       = { "MX", "hint:mx-own-address" }, -- zone:hint: skip zones where it cannot fire
  example     = [[$ORIGIN example.com.
@    3600 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 604800 3600
@    3600 IN A   10.0.1.100
@    3600 IN MX  10 example.com.
]],
  fix         = "Add an address record for a dedicated mail host name, point the MX at it, then move the website.",

  check = function(zone, report)
    local origin = zone:origin()
    for _, d in ipairs(zone:mail_domains()) do
      local route = zone:mail_route(d)
      if route:kind() == "mx" and d:sub(1, 2) ~= "*." then
        local own, addrs, ev, at, pref = {}, {}, {}, nil, nil
        for _, x in ipairs(route:exchanges()) do
          if x:status() == "addresses" then
            local mine = false
            for _, r in ipairs(x:address_records()) do
              -- RFC 5321 §5.1: the exchange's addresses are D's own records.
              if r:owner() == d then
                mine = true
                if not own[r:rdata()] then
                  own[r:rdata()] = true
                  addrs[#addrs + 1] = r
                end
              end
            end
            if mine then
              at = at or x:record()
              pref = pref or x:preference()
              ev[#ev + 1] = x:record()
            end
          end
        end
        local website = #addrs > 0
        if website and d == origin then
          -- Seed 000, example 1: www.D on other addresses means D is the mail host only.
          local www, has = web_addresses(zone, "www." .. d)
          if www == nil then
            website = false
          elseif has then
            local overlap = false
            for a in pairs(www) do if own[a] then overlap = true; break end end
            website = overlap
          end
        end
        if website then
          for _, r in ipairs(addrs) do ev[#ev + 1] = r end
          -- A host name for the mail server that is free or already on these addresses.
          local host
          for _, c in ipairs({ "mail.", "mx.", "smtp.", "mail1.", "mx1." }) do
            local n = zone:node(c .. d)
            if not n or #n:records() == 0 then host = c .. d; break end
            local same = true
            for _, r in ipairs(n:records()) do
              if (r:type() == "A" or r:type() == "AAAA") and not own[r:rdata()] then same = false end
            end
            if same and (#n:records("A") + #n:records("AAAA")) > 0 then host = c .. d; break end
          end
          host = host or ("mail." .. d)
          local adds = {}
          local hn = zone:node(host)
          if not hn or (#hn:records("A") + #hn:records("AAAA")) == 0 then
            for _, r in ipairs(addrs) do
              adds[#adds + 1] = string.format("`%s %s %s`", host, r:type(), r:rdata())
            end
          end
          local list = {}
          for _, r in ipairs(addrs) do list[#list + 1] = r:rdata() end
          local fix
          local move = (d == origin) and "then move the apex"
                       or string.format("then move the website at `%s`", d)
          if #adds > 0 then
            fix = string.format("add %s, change the MX to `%s`, %s",
                    table.concat(adds, ", "), host, move)
          else
            fix = string.format("change the MX to `%s` (it already has %s), %s",
                    host, table.concat(list, ", "), move)
          end
          report {
            owner    = d,
            at       = at,
            message  = string.format("%s receives its mail on its own address (%s), which also "
                         .. "serves the website: moving the site to a CDN or WAF moves the mail "
                         .. "with it", d, table.concat(list, ", ")),
            evidence = ev,
            fix      = fix,
          }
        end
      end
    end
  end,
}
