-- custom_rule.lua — a rule a hosting provider adds for its own customers:
-- every customer MX must be one of our mail clusters, unless the customer's
-- mail is knowingly hosted by a provider we list below.
--
--   mxhazard scan --rules examples/ zones/          (the CLI)
--   mxh_engine_load_rules(e, "examples/custom_rule.lua")   (C)
--   m.scan(zs, { rules = "examples/custom_rule.lua" })     (Lua module)
--
-- Edit the configuration table; the rest need not change.
local config = {
  provider = "Example Hosting",
  -- Exchanges at or below these names are ours.
  cluster_names = { "mx.example-hosting.net." },
  -- An exchange whose in-zone addresses all lie in these ranges is ours too.
  cluster_ranges = { "192.0.2.0/27", "2001:db8:25::/48" },
  -- Mail hosted elsewhere on purpose (the customer told support): quiet.
  allowed_elsewhere = { "google.com.", "outlook.com.", "protection.outlook.com." },
  -- What to tell the customer.
  fix = "point the MX at mx1.mx.example-hosting.net. (preference 10) and "
     .. "mx2.mx.example-hosting.net. (preference 20), or ask support to record "
     .. "where your mail is hosted",
}

local mxh = require "mxh"

local function below_any(name, list)
  for _, suffix in ipairs(list) do
    if mxh.is_below(name, suffix) then return true end
  end
  return false
end

-- true when the exchange resolves, in the loaded zones, only to cluster addresses
local function in_cluster_ranges(x)
  local addrs = x:addresses()
  if #addrs == 0 then return false end
  for _, a in ipairs(addrs) do
    local inside = false
    for _, cidr in ipairs(config.cluster_ranges) do
      if mxh.ip_in_cidr(a, cidr) then inside = true; break end
    end
    if not inside then return false end
  end
  return true
end

return {
  id          = "custom_rule",
  severity    = "warning",
  title       = "MX is not one of " .. config.provider .. "'s mail clusters",
  description = [[A customer's MX names a host that is neither one of our mail clusters
nor a mail provider the customer told us about. Often a leftover of an old
provider, a typo, or a name missing its final dot: mail then goes to a server
that will not keep it, and nobody notices until the customer complains.]],
  references  = { "RFC 5321 §5.1", "local policy" },
  needs       = { "MX" },
  example     = [[$ORIGIN shop.example.
@ MX 10 mail.old-isp.example.]],
  fix         = config.fix,
  check = function(zone, report)
    for _, domain in ipairs(zone:mail_domains()) do
      local route = zone:mail_route(domain)
      if route:kind() == "mx" then
        for _, x in ipairs(route:exchanges()) do
          local name = x:name()
          if not (below_any(name, config.cluster_names)
                  or below_any(name, config.allowed_elsewhere)
                  or in_cluster_ranges(x)) then
            report {
              owner    = domain,
              message  = ("the MX of %s names %s, which is not one of %s's mail clusters")
                         :format(domain, name, config.provider),
              at       = x:record(),
              evidence = { x:record() },
            }
          end
        end
      end
    end
  end,
}
