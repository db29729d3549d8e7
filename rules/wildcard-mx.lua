-- wildcard-mx: MX records at a wildcard owner.
local mxh = require "mxh"

return {
  id          = "wildcard-mx",
  severity    = "warning",
  title       = "Wildcard owner holds MX records",
  description = [[
`* MX 10 mail.example.net.` makes every name under the parent that does not
exist on its own a mail domain (RFC 4592 §2.1.1). It looks like a catch-all,
but it covers only names that do not exist: any name that gets some record
later, even only a name below it (a DKIM key, a verification token), blocks
the wildcard for itself (RFC 4592 §2.2) and silently loses its MX. It also
accepts mail for every typo of every host name. Seed 002 advises against it
("ワイルドカードMXを使用とすると、問題を起こす可能性があります").

Name the mail domains explicitly instead; the rule wildcard-blocked reports
the names a wildcard MX already fails to cover.]],
  references  = { "RFC 4592 §2.1.1", "RFC 4592 §2.2", "RFC 1912 §2.7", "seed 002" },
  needs       = { "MX", "hint:wildcard-mx" }, -- zone:hint: skip zones where it cannot fire
  example     = [[$ORIGIN hogehoge.com.
@    3600 IN SOA ns1.value-domain.com. root.hogehoge.com. 1 3600 900 604800 3600
@    3600 IN MX  10 s1.xrea.com.
*    3600 IN MX  10 s1.xrea.com.
]],
  fix         = "Replace the wildcard MX by MX records at each name that takes mail.",

  check = function(zone, report)
    local seen = {}
    -- mxh.wildcard_mx: the MX records whose owner is a wildcard (RFC 4592
    -- §2.1.1: its first label is exactly "*"), in zone:records() order.
    for _, rec in ipairs(mxh.wildcard_mx(zone)) do
      local owner = rec:owner()
      if not seen[owner] then
        seen[owner] = true
        local parent = owner:sub(3)
        local mx = zone:rrset(owner, "MX")
        local lines = {}
        for _, r in ipairs(mx) do
          lines[#lines + 1] = string.format("`%s MX %d %s`", parent, r:preference(), r:target())
        end
        report {
          owner    = owner,
          at       = rec,
          message  = string.format("the wildcard %s holds MX records: it covers only names under "
                       .. "%s that do not exist, and loses any name that later gets a record",
                       owner, parent),
          evidence = mx,
          fix      = string.format("delete the MX at `%s` and add explicit MX records at each name "
                       .. "that takes mail, e.g. %s", owner, table.concat(lines, ", ")),
        }
      end
    end
  end,
}
