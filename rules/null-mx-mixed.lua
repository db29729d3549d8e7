-- null-mx-mixed: a null MX next to other MX records.

return {
  id          = "null-mx-mixed",
  severity    = "error",
  title       = "Null MX shares the RRset with other MX records",
  description = [[
`MX 0 .` (a "null MX", RFC 7505) says that a domain accepts no mail at all.
RFC 7505 §3 forbids publishing any other MX record next to it: a domain
either takes no mail or names its exchanges. With both present, senders
disagree: some bounce at once on the null MX, others deliver to the remaining
exchanges, so the same message succeeds or fails depending on who sends it.]],
  references  = { "RFC 7505 §3", "RFC 7505 §4", "RFC 5321 §5.1" },
  needs       = { "MX", "hint:null-mx" }, -- zone:hint: skip zones where it cannot fire
  example     = [[$ORIGIN example.com.
@    3600 IN SOA ns1.example.com. hostmaster.example.com. 1 3600 900 604800 3600
@    3600 IN MX  0 .
@    3600 IN MX  10 mail
mail 3600 IN A   10.0.1.100
]],
  fix         = "Keep either the null MX (the domain takes no mail) or the real exchanges, not both.",

  check = function(zone, report)
    for _, d in ipairs(zone:mail_domains()) do
      local mx = zone:rrset(d, "MX")
      local null, others = nil, {}
      for _, r in ipairs(mx) do
        -- RFC 7505 §3: the null MX has the root as its exchange.
        if r:target() == "." then null = null or r else others[#others + 1] = r end
      end
      -- RFC 7505 §3: "MUST NOT" publish any other MX next to a null MX.
      if null and #others > 0 then
        local ev, names = { null }, {}
        for _, r in ipairs(others) do
          ev[#ev + 1] = r
          names[#names + 1] = string.format("`%s MX %d %s`", d, r:preference(), r:target())
        end
        report {
          owner    = d,
          at       = null,
          message  = string.format("%s publishes a null MX (`MX 0 .`, \"no mail\") together with %s",
                       d, table.concat(names, ", ")),
          evidence = ev,
          fix      = string.format("if %s takes mail, delete `%s MX 0 .`; if it takes none, "
                       .. "delete %s", d, d, table.concat(names, ", ")),
        }
      end
    end
  end,
}
