-- spf-misses-mail-host: the domain's own MX hosts would not pass its SPF.
local mxh = require "mxh"

-- RFC 1035 §3.3.9 address literals and forgotten final dots are reported by
-- mx-as-ip and mx-relative-name alone (one mistake, one finding); the checks
-- are computed in C, once per exchange (docs/rules.md, mxh.exchange_*).
local explained = mxh.exchange_explained        -- either of those, or a null MX root
-- RFC 7208 §4.6.2 for the common cases: leading ip4/ip6 terms, "mx", an
-- include whose result can only be unknown.
local spf_mx_settled = mxh.spf_mx_settled

-- RFC 7208 §4.6.4: at most 10 terms that cause DNS lookups.
local MAX_LOOKUPS = 10
local RESULT = { ["+"] = "pass", ["-"] = "fail", ["~"] = "softfail", ["?"] = "neutral" }

-- RFC 7208 §4.5: the one SPF record of domain. Returns rec, text; or nil, why
-- ("none", "permerror", "unknown"): zone:spf_record reads the TXT lookup.
local function spf_of(zone, domain)
  return zone:spf_record(domain)
end

-- Split "name/24//64" into name, cidr4, cidr6 (RFC 7208 §5.6 dual-cidr-length).
local function split_cidr(value, c4, c6)
  if not value then return nil, c4, c6 end
  local name, rest = value:match("^([^/]*)(/.*)$")
  if not name then return value, c4, c6 end
  local a, b = rest:match("^/(%d+)//(%d+)$")
  if a then return name, c4 or tonumber(a), c6 or tonumber(b) end
  a = rest:match("^//(%d+)$")
  if a then return name, c4, c6 or tonumber(a) end
  a = rest:match("^/(%d+)$")
  if a then return name, c4 or tonumber(a), c6 end
  return name, c4, c6
end

-- v4: whether ip is IPv4 (known once per evaluation: ctx.v4).
local function in_net(ip, v4, net, c4, c6)
  if v4 ~= mxh.is_ipv4(net) then return false end
  return mxh.ip_in_cidr(ip, net .. "/" .. tostring(v4 and (c4 or 32) or (c6 or 128)))
end

-- Whether ip is in one of the addresses of a looked-up set, widened to the
-- mechanism's prefix lengths. A full-length prefix is a plain set lookup, so
-- a domain with thousands of exchanges costs no more than a few.
local function in_set(ip, v4, set, c4, c6)
  local c = v4 and (c4 or 32) or (c6 or 128)
  if c == (v4 and 32 or 128) then return set.has[ip] == true end
  for _, a in ipairs(set.list) do
    if in_net(ip, v4, a, c4, c6) then return true end
  end
  return false
end

-- Memoized per scan of one zone (ctx.memo): the SPF record of a domain, the
-- addresses of a name, the exchange addresses of a domain.
-- mxh.spf_parse is a pure function of the text and its result is only read:
-- parsed records are kept across zones (most zones share a few texts),
-- forgotten in one go when too many different ones piled up.
local parsed, nparsed = {}, 0
local function spf_parse(text)
  local spf = parsed[text]
  if spf == nil then
    spf = mxh.spf_parse(text) or false
    if nparsed >= 256 then parsed, nparsed = {}, 0 end
    parsed[text] = spf
    nparsed = nparsed + 1
  end
  return spf or nil
end

-- ctx.memo is { t = answers by key, n = how many }: a cache of pure answers
-- (the zone does not change during a scan), so forgetting it changes no
-- result. It is emptied between mail domains once it holds MEMO_MAX
-- answers: a zone with 100,000 mail domains keeps a bounded working set, not
-- one table per domain for the whole scan.
local MEMO_MAX = 4096
local function memo_get(ctx, key) return ctx.memo.t[key] end
local function memo_put(ctx, key, m)
  local memo = ctx.memo
  memo.t[key] = m
  memo.n = memo.n + 1
end

local function memo_spf(ctx, domain)
  local key = "spf " .. domain
  local m = memo_get(ctx, key)
  if not m then
    local rec, text = spf_of(ctx.zone, domain)
    m = { rec = rec, text = text }
    if rec then m.spf = spf_parse(text) end
    memo_put(ctx, key, m)
  end
  return m
end

-- NXDOMAIN/NODATA is evidence only from a zone loaded completely: when the
-- answering zone lost lines (a rejected record, a failed $INCLUDE), the name
-- may be in what was lost, and the term's result is unknown (RFC 7208 §5:
-- a mechanism is evaluated against the DNS data, which we do not fully have).
local function memo_a(ctx, name, rtype)
  local key = rtype .. " " .. name
  local m = memo_get(ctx, key)
  if not m then
    local lk = ctx.zone:lookup(name, rtype)
    m = { status = lk:status(), has = {}, list = {} }
    if (m.status == "nxdomain" or m.status == "nodata")
       and ctx.zone:incomplete_at(lk:final_name() or name) then
      m.status = "unknown"
    end
    if m.status == "answer" then
      for _, r in ipairs(lk:records()) do
        local a = r:rdata()
        m.has[a] = true
        m.list[#m.list + 1] = a
      end
    end
    memo_put(ctx, key, m)
  end
  return m
end

local function memo_mx(ctx, domain)
  local key = "mx " .. domain
  local m = memo_get(ctx, key)
  if not m then
    local route = ctx.zone:mail_route(domain)
    m = { kind = route:kind(), has = {}, list = {}, unknown = false }
    if m.kind ~= "mx" and m.kind ~= "null-mx" and ctx.zone:incomplete_at(domain) then
      -- "No MX" from a zone that lost lines: its MX may be in what was lost.
      m.kind = "unknown"
    end
    if m.kind == "mx" then
      for _, x in ipairs(route:exchanges()) do
        local st = x:status()
        if st == "addresses" then
          for _, a in ipairs(x:addresses()) do
            if not m.has[a] then
              m.has[a] = true
              m.list[#m.list + 1] = a
            end
          end
        elseif (st ~= "nxdomain" and st ~= "nodata")
               or ctx.zone:incomplete_at(x:name()) then
          m.unknown = true
        end
      end
    end
    memo_put(ctx, key, m)
  end
  return m
end

local check_host

-- One mechanism: true (matches), false, or "unknown" (needs data we lack).
local function match(ctx, ip, domain, t)
  local m = t.mechanism or "" -- mxh.spf_parse gives it in lower case
  local target, c4, c6 = split_cidr(t.value, t.cidr4, t.cidr6)
  if target and target:find("%", 1, true) then return "unknown" end -- RFC 7208 §7 macros
  if target == "" then target = nil end
  if m == "all" then
    return true
  elseif m == "ip4" or m == "ip6" then
    if not target then return "unknown" end
    return in_net(ip, ctx.v4, target, c4, c6)
  elseif m == "a" or m == "mx" or m == "include" or m == "exists" or m == "ptr" then
    ctx.lookups = ctx.lookups + 1
    if ctx.lookups > MAX_LOOKUPS then return "unknown" end -- permerror
  end
  if m == "a" then
    -- RFC 7208 §5.3: addresses of the target name (default: the current domain).
    local set = memo_a(ctx, target or domain, ctx.v4 and "A" or "AAAA")
    local st = set.status
    if st == "nxdomain" or st == "nodata" then return false end
    if st ~= "answer" then return "unknown" end
    return in_set(ip, ctx.v4, set, c4, c6)
  elseif m == "mx" then
    -- RFC 7208 §5.4: addresses of the MX exchanges (no implicit MX here).
    local set = memo_mx(ctx, target or domain)
    local k = set.kind
    if k == "external" or k == "delegated" or k == "loop" or k == "unknown" then return "unknown" end
    if k ~= "mx" then return false end
    if in_set(ip, ctx.v4, set, c4, c6) then return true end
    return set.unknown and "unknown" or false
  elseif m == "include" then
    -- RFC 7208 §5.2: pass matches; fail/softfail/neutral do not; none is an error.
    if not target then return "unknown" end
    local r = check_host(ctx, ip, target)
    if r == "pass" then return true end
    if r == "fail" or r == "softfail" or r == "neutral" then return false end
    return "unknown"
  elseif m == "exists" then
    if not target then return "unknown" end
    local st = memo_a(ctx, target, "A").status
    if st == "answer" then return true end
    if st == "nxdomain" or st == "nodata" then return false end
    return "unknown"
  end
  return "unknown" -- ptr (RFC 7208 §5.5) or an unknown mechanism
end

-- RFC 7208 §4.6: evaluate domain's SPF for ip. "pass", "fail", "softfail",
-- "neutral", or "unknown" (data we do not have, or an error).
function check_host(ctx, ip, domain)
  ctx.depth = ctx.depth + 1
  if ctx.depth > MAX_LOOKUPS + 1 then ctx.depth = ctx.depth - 1; return "unknown" end
  local rec = memo_spf(ctx, domain)
  local spf = rec.spf
  local result
  if not spf then
    result = "unknown" -- no record (none), several (permerror) or unparsable
  else
    for _, t in ipairs(spf.terms or {}) do
      -- RFC 7208 §4.6.2: the first matching mechanism decides.
      local m = match(ctx, ip, domain, t)
      if m == "unknown" then result = "unknown"; break end
      if m then result = RESULT[t.qualifier or "+"] or "unknown"; break end
    end
    if not result then
      if spf.redirect then
        -- RFC 7208 §6.1: redirect applies only when nothing matched.
        ctx.lookups = ctx.lookups + 1
        if ctx.lookups > MAX_LOOKUPS or spf.redirect:find("%", 1, true) then
          result = "unknown"
        else
          result = check_host(ctx, ip, spf.redirect)
        end
      else
        result = "neutral" -- RFC 7208 §4.7
      end
    end
  end
  ctx.depth = ctx.depth - 1
  return result
end

-- Whether the record authorizes anybody at all ("v=spf1 -all" does not).
local function authorizes(spf)
  if spf.redirect then return true end
  for _, t in ipairs(spf.terms or {}) do
    if (t.qualifier or "+") == "+" then return true end
  end
  return false
end

-- The SPF text with the missing mechanisms inserted before "all"/redirect.
local function amended(text, adds)
  local words, out, done = {}, {}, false
  for w in text:gmatch("%S+") do words[#words + 1] = w end
  for i, w in ipairs(words) do
    local lw = w:lower()
    if not done and i > 1 and (lw:match("^[%+%-~%?]?all$") or lw:match("^redirect=")) then
      for _, a in ipairs(adds) do out[#out + 1] = a end
      done = true
    end
    out[#out + 1] = w
  end
  if not done then for _, a in ipairs(adds) do out[#out + 1] = a end end
  return table.concat(out, " ")
end

return {
  id          = "spf-misses-mail-host",
  severity    = "warning",
  title       = "SPF does not cover the domain's own mail host",
  description = [[
The MX hosts of a domain usually also send its mail (the same server takes
submissions and relays out). When the domain publishes SPF and an address of
one of its own MX hosts would not pass that SPF, mail sent from the domain's
own server gets softfail or fail at the receiver, lands in spam or bounces.
This is what happens after a move when the SPF still names the old server
(seed 003: `v=spf1 ip4:163.44.176.15 …` after the mail moved to
162.43.120.172).

The SPF is evaluated per RFC 7208 over the loaded data: `ip4`, `ip6`, `a`,
`mx`, `exists`, `include` and `redirect` into loaded zones, with the limit of
10 lookups. A mechanism that needs data we do not have (a name outside the
loaded zones, a macro, `ptr`) makes the result unknown, and an unknown result
never fires. An SPF that authorizes no sender at all (`v=spf1 -all`) is left
alone: such a domain sends nothing, its MX only receives.]],
  references  = { "RFC 7208 §4.6", "RFC 7208 §5", "RFC 7208 §4.6.4", "RFC 5321 §5.1", "seed 003" },
  needs       = { "MX", "TXT", "hint:mx-addresses" }, -- zone:hint: skip zones where it cannot fire
  example     = [[$ORIGIN dm2.co.jp.
@    3600 IN SOA ns1.value-domain.com. root.dm2.co.jp. 1 3600 900 604800 3600
@    3600 IN MX  10 mail.dm2.co.jp.
mail 3600 IN A   162.43.120.172
@    3600 IN TXT "v=spf1 ip4:163.44.176.15 ~all"
]],
  fix         = "Add the mail host's addresses (or `mx`) to the domain's SPF record.",

  check = function(zone, report)
    local memo = { t = {}, n = 0 }
    -- zone:mail_domains("mx-addresses"): only the mail domains whose own MX
    -- has an exchange with addresses that is not explained (from the zone
    -- hints, computed once in C): no other domain can fire.
    for _, d in ipairs(zone:mail_domains("mx-addresses")) do
      -- The usual records ("v=spf1 ip4:<the mail host> mx -all", or an
      -- include of a provider outside the loaded zones) give every MX
      -- address "pass" or an unknown result by their leading terms:
      -- settled in C (mxh.spf_mx_settled, on the domain's route as the hints
      -- computed it: no route handle), nothing parsed or memoized for them
      -- (nor a lookup kept). Anything else is evaluated in full below.
      local route = not spf_mx_settled(zone, d) and zone:mail_route(d)
      if route and route:kind() == "mx" then
        if memo.n >= MEMO_MAX then memo.t, memo.n = {}, 0 end
        local m = memo_spf({ zone = zone, memo = memo }, d)
        local rec, text, spf
        if m then rec, text, spf = m.rec, m.text, m.spf end
        if spf and authorizes(spf) then
          local ev, what, adds, seen, results = { rec }, {}, {}, {}, {}
          for _, x in ipairs(route:exchanges()) do
            if x:status() == "addresses" and not explained(zone, x) then
              local hit = false
              for i, a in ipairs(x:addresses()) do
                -- The result for (address, d), asked again when two exchanges
                -- share an address.
                local r = results[a]
                if not r then
                  r = check_host({ zone = zone, lookups = 0, depth = 0, memo = memo,
                                   v4 = mxh.is_ipv4(a) }, a, d)
                  results[a] = r
                end
                -- RFC 7208 §2.6: only "pass" authorizes; unknown never fires.
                if r ~= "pass" and r ~= "unknown" then
                  hit = true
                  what[#what + 1] = string.format("`%s` (%s) gets %s", x:name(), a, r)
                  if not seen[a] then
                    seen[a] = true
                    adds[#adds + 1] = (mxh.is_ipv4(a) and "ip4:" or "ip6:") .. a
                  end
                  local ar = x:address_records()[i]
                  if ar then ev[#ev + 1] = ar end
                end
              end
              if hit then table.insert(ev, 2, x:record()) end
            end
          end
          if #what > 0 then
            report {
              owner    = d,
              at       = rec,
              message  = string.format("the SPF of %s does not authorize its own mail host: %s "
                           .. "from `%s`", d, table.concat(what, "; "), text),
              evidence = ev,
              fix      = string.format("authorize the mail host in the SPF: `%s TXT \"%s\"` "
                           .. "(or add `mx`)", d, amended(text, adds)),
            }
          end
        end
      end
    end
  end,
}
