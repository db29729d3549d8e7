-- Calls methods and helpers with wrong arguments: each call must either
-- answer or raise a clean Lua error, never crash. Reports how many raised.
local mxh = require "mxh"

local junk = { nil, 42, -1, 1e300, 0/0, "", "..", "a..b", string.rep("x", 300),
               string.rep("a.", 200), "\0bad", {}, function() end, true }

return {
  id = "bad-args",
  severity = "info",
  title = "Wrong arguments everywhere",
  description = "Robustness of the bridge.",
  references = { "test" },
  check = function(zone, report)
    local rec = zone:rrset(zone:origin(), "MX")[1]
    local node = zone:node(zone:origin())
    local route = zone:mail_route(zone:origin())
    local lk = zone:lookup(zone:origin(), "MX")
    local x = route:exchanges()[1]
    local zs = zone:zoneset()
    local srv = zs:servers()[1]
    local objects = { zone = zone, rec = rec, node = node, route = route, lk = lk, x = x,
                      zs = zs, srv = srv }
    local methods = {
      zone = { "origin", "file", "incomplete", "records", "rrset", "names", "node", "has_type",
               "lookup", "mail_route", "mail_domains", "zoneset", "local_servers" },
      node = { "name", "exists", "is_ent", "is_wildcard", "is_apex", "is_cut", "below_cut",
               "records" },
      rec = { "owner", "type", "ttl", "class", "rdata", "target", "preference",
              "target_relative", "owner_text", "rdata_text", "file", "line", "source" },
      lk = { "status", "final_name", "records", "wildcard", "step" },
      route = { "domain", "kind", "step", "exchanges" },
      x = { "name", "preference", "record", "status", "addresses", "address_records",
            "via_wildcard", "via_cname", "steps" },
      zs = { "zone_for", "zones", "servers" },
      srv = { "name", "addresses", "domains", "source" },
    }
    local raised, calls = 0, 0
    for kind, list in pairs(methods) do
      local obj = objects[kind]
      for _, m in ipairs(list) do
        local f = obj[m]
        assert(type(f) == "function", kind .. ":" .. m)
        -- right object, junk arguments
        for i = 1, #junk + 1 do
          local a = junk[i]
          for _, b in ipairs({ "MX", "NOPE", 0, 70000, a }) do
            calls = calls + 1
            local ok = pcall(f, obj, a, b)
            if not ok then raised = raised + 1 end
          end
        end
        -- every other object in its place
        for other, o in pairs(objects) do
          if other ~= kind then
            calls = calls + 1
            if not pcall(f, o, "example.com.", "MX") then raised = raised + 1 end
          end
        end
        calls = calls + 1
        if not pcall(f) then raised = raised + 1 end
      end
    end
    for name, f in pairs({ is_ip = mxh.is_ip, is_ipv4 = mxh.is_ipv4, is_ipv6 = mxh.is_ipv6,
                           name_eq = mxh.name_eq, is_below = mxh.is_below,
                           is_strictly_below = mxh.is_strictly_below, parent = mxh.parent,
                           labels = mxh.labels, is_tld = mxh.is_tld,
                           public_suffix = mxh.public_suffix, spf_parse = mxh.spf_parse,
                           ip_in_cidr = mxh.ip_in_cidr, txt_strings = mxh.txt_strings,
                           cdn_provider = mxh.cdn_provider }) do
      for i = 1, #junk + 1 do
        for j = 1, #junk + 1 do
          calls = calls + 1
          if not pcall(f, junk[i], junk[j]) then raised = raised + 1 end
        end
        calls = calls + 1
        pcall(f, rec, junk[i])
        pcall(f, zone)
      end
    end
    for _, t in ipairs({ "v=spf1 " .. string.rep("a ", 5000), "v=spf1 %{", "v=spf1 a:%{s",
                         "v=spf1 ip4:1.2.3.4/", "v=spf1 ip6:::/", "v=spf1 a//", "v=spf1 =x",
                         "v=spf1 +", "v=spf1 -a:" .. string.rep("x.", 300) .. "com" }) do
      pcall(mxh.spf_parse, t)
    end
    report { owner = zone:origin(), message = raised .. "/" .. calls }
  end,
}
