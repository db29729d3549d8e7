-- partial-wildcard: an owner label like "s*" that DNS reads literally.
local mxh = require "mxh"

return {
  id          = "partial-wildcard",
  severity    = "warning",
  title       = "Owner name with a partial wildcard label",
  description = [[
Only a label that is exactly `*` is a wildcard (RFC 4592 §2.1.1). A label
such as `s*` or `*mail` is an ordinary label that happens to contain an
asterisk: `s* MX 10 s5.xrea.com.` creates the one name `s*.hogehoge.com.`,
which nobody will ever send mail to, and `s1.hogehoge.com` stays without
records. Panels accept such owners and some documentation even suggests them
(seed 002), so the author believes every `s…` name is covered.

List the names explicitly, or use a full wildcard `*` if every name under
the parent should match.]],
  references  = { "RFC 4592 §2.1.1", "RFC 1034 §4.3.3", "seed 002" },
  example     = [[$ORIGIN hogehoge.com.
@    3600 IN SOA ns1.value-domain.com. root.hogehoge.com. 1 3600 900 604800 3600
s*   3600 IN MX  10 s5.xrea.com.
s*   3600 IN A   219.163.200.69
]],
  fix         = "Replace the partial wildcard by explicit names, or by a full `*` label.",

  needs       = { "hint:star-label" }, -- zone:hint: skip zones where it cannot fire

  check = function(zone, report)
    for node in zone:names() do
      local name = node:name()
      if name:find("*", 1, true) then
        local L, bad, bi = mxh.labels(name), nil, nil
        for i, l in ipairs(L) do
          -- RFC 4592 §2.1.1: only a label that is exactly "*" is a wildcard.
          if l ~= "*" and l:find("*", 1, true) then bad, bi = l, i; break end
        end
        local recs = bad and node:records() or {}
        if #recs > 0 then
          local types, seen = {}, {}
          for _, r in ipairs(recs) do
            local t = r:type()
            if not seen[t] then seen[t] = true; types[#types + 1] = t end
          end
          local ex, wl = {}, { "*" }
          for i, l in ipairs(L) do
            ex[i] = (i == bi) and (l:gsub("%*", "1")) or l
            if i > bi then wl[#wl + 1] = l end
          end
          local example = table.concat(ex, ".") .. "."
          local full = table.concat(wl, ".") .. "."
          report {
            owner    = name,
            at       = recs[1],
            message  = string.format("the label `%s` in %s is not a wildcard: DNS reads the `*` "
                         .. "literally (RFC 4592 §2.1.1), so its %s records match no real name",
                         bad, name, table.concat(types, "/")),
            evidence = recs,
            fix      = string.format("add the records at each real name (e.g. `%s`) or at the full "
                         .. "wildcard `%s`, and delete `%s`", example, full, name),
          }
        end
      end
    end
  end,
}
