-- Tests of the `mxhazard` Lua module from a stock lua5.4 (run by tests/embed/run.sh,
-- from the source root, with package.cpath pointing at the built module).
-- Prints "lua: N passed, M failed" and exits non-zero on failure.
local m = require "mxhazard"

local npass, nfail = 0, 0
local function check(name, cond, detail)
  if cond then
    npass = npass + 1
  else
    nfail = nfail + 1
    io.stderr:write("FAIL: lua: ", name, detail and (" (" .. tostring(detail) .. ")") or "", "\n")
  end
end
local function find(list, pred)
  for _, v in ipairs(list) do if pred(v) then return v end end
end

local Z = "tests/embed/zones/"

check("version is the library's", type(m.version) == "string" and m.version:match("^%d+%.%d+%.%d+"), m.version)

-- loading a file
local zs = m.zoneset()
check("tostring of a zone set", tostring(zs):match("^mxhazard%.zoneset"))
local origin, err = zs:load(Z .. "shop.example.zone")
check("load returns the origin", origin == "shop.example.", err)

-- loading a string with an origin; a bad line leaves the zone loaded and says why
local o2, e2 = zs:load_string("db:customer-42", "@ MX 10 mail\nmail A 192.0.2.25\nmail A 999.1.1.1\n",
                              { origin = "customer42.example" })
check("load_string with origin", o2 == "customer42.example.", o2)
check("load_string reports the rejected line", type(e2) == "string" and e2:match("db:customer%-42:3"), e2)

-- a file that does not exist
local o3, e3, st3 = zs:load(Z .. "no-such-file.zone")
check("missing file: nil, message, status", o3 == nil and type(e3) == "string" and e3:match("no%-such%-file")
      and type(st3) == "string", e3)

-- bad options are errors, not silent
check("unknown format raises", not pcall(zs.load_string, zs, "x", "", { format = "yaml" }))
check("wrong argument type raises", not pcall(zs.load, zs, {}))

-- zones and diagnostics
local zones = zs:zones()
check("two zones loaded", #zones == 2, #zones)
check("zone table fields", zones[1].origin == "shop.example." and zones[1].records == 6 and
      zones[1].incomplete == false and zones[1].format == "bind", zones[1].records)
check("second zone is incomplete", zones[2].incomplete == true and zones[2].rejected == 1)
local diags = zs:diagnostics()
local d = find(diags, function(x) return x.level == "error" and x.file == "db:customer-42" end)
check("diagnostic with file and line", d and d.line == 3 and d.zone == "customer42.example.", d and d.line)

-- records
local mx = zs:records("shop.example", "MX")
check("records of one type", #mx == 2 and mx[1].type == "MX" and mx[1].preference == 10 and
      mx[1].target == "shop.example." and mx[1].line == 7, #mx)
check("record text", mx[2].text and mx[2].text:match("IN MX 20 backup%.example%-mail%.net%.shop%.example%."), mx[2].text)
local none, nerr = zs:records("nowhere.example")
check("records of an unknown zone: nil, message", none == nil and nerr:match("nowhere"), nerr)

-- mail route
local r = zs:route("shop.example")
check("route kind and domain", r.kind == "mx" and r.domain == "shop.example.", r.kind)
check("route exchanges by preference", #r.exchanges == 2 and r.exchanges[1].name == "shop.example." and
      r.exchanges[1].preference == 10)
check("exchange addresses", r.exchanges[1].status == "addresses" and r.exchanges[1].addresses[1] == "192.0.2.80")
check("relative exchange does not exist", r.exchanges[2].status == "nxdomain", r.exchanges[2].status)
check("exchange record", r.exchanges[1].record and r.exchanges[1].record.line == 7)
check("route steps", #r.steps >= 2 and r.steps[1].kind == "mx")
local r2 = zs:route("customer42.example")
check("route over a loaded string", r2.kind == "mx" and r2.exchanges[1].addresses[1] == "192.0.2.25")
check("external route", zs:route("elsewhere.example.org").kind == "external")

-- lookup
local lk = zs:lookup("www.shop.example", "A")
check("lookup through a CNAME", lk.status == "answer" and lk.final_name == "shop.example." and
      lk.answers[1].rdata == "192.0.2.80" and lk.steps[1].kind == "cname", lk.status)
check("lookup of an unknown type raises", not pcall(zs.lookup, zs, "x", "NOPE"))

-- scanning: findings as tables
local fs = m.scan(zs)
local rel = find(fs, function(f) return f.rule == "mx-relative-name" end)
check("scan finds mx-relative-name", rel ~= nil)
if rel then
  check("finding fields", rel.severity == "error" and rel.zone == "shop.example." and
        rel.owner == "shop.example." and rel.file == Z .. "shop.example.zone" and rel.line == 8 and
        rel.kind == "finding" and type(rel.message) == "string" and rel.message ~= "" and
        type(rel.fix) == "string", rel.line)
  check("finding evidence", #rel.evidence >= 1 and rel.evidence[1].line == 8 and
        rel.evidence[1].text:match("MX 20"))
end
check("scan finds apex-a-mx-collision", find(fs, function(f) return f.rule == "apex-a-mx-collision" end))

-- options: only, skip, zone, severity
local only = m.scan(zs, { only = "mx-relative-name" })
check("only=", #only == 1 and only[1].rule == "mx-relative-name", #only)
local only2 = m.scan(zs, { only = { "mx-relative-name", "apex-a-mx-collision" }, zone = "shop.example." })
check("only= array and zone=", #only2 == 2, #only2)
local skipped = m.scan(zs, { skip = "mx-relative-name" })
check("skip=", not find(skipped, function(f) return f.rule == "mx-relative-name" end))
local sev = m.scan(zs, { only = "mx-relative-name", severity = { ["mx-relative-name"] = "info" } })
check("severity= override", sev[1] and sev[1].severity == "info")
local bad, berr = m.scan(zs, { only = "no-such-rule" })
check("unknown rule: nil, message", bad == nil and berr:match("no%-such%-rule"), berr)
local badz, bzerr = m.scan(zs, { zone = "nowhere.example" })
check("unknown zone: nil, message", badz == nil and bzerr:match("nowhere"), bzerr)

-- a custom rule file, the example a hosting provider would add
local c1 = m.scan(zs, { rules = "examples/custom_rule.lua", only = "custom_rule" })
-- both exchanges are foreign: one finding for the domain (at the first), both MX as evidence
check("custom rule fires on the foreign MX", #c1 == 1 and c1[1].owner == "shop.example." and c1[1].line == 7
      and #c1[1].evidence == 2 and c1[1].evidence[2].line == 8, #c1)
local badr, brerr = m.scan(zs, { rules = Z .. "no-such-rules-dir" })
check("missing rules path: nil, message", badr == nil and type(brerr) == "string", brerr)

-- engines: reusable, catalogue, closing
local e = m.engine { only = "mx-relative-name" }
check("engine scan", #e:scan(zs) == 1)
check("engine scan again (reusable)", #e:scan(zs, { zone = "shop.example" }) == 1)
local cat = e:rules()
local rr = find(cat, function(x) return x.id == "mx-relative-name" end)
check("engine catalogue", rr and rr.enabled == true and rr.builtin == true and #rr.references > 0)
check("disabled rules listed", find(cat, function(x) return x.enabled == false end) ~= nil)
e:close()
check("closed engine raises", not pcall(e.scan, e, zs))
check("closing twice is harmless", pcall(e.close, e))

local rules = m.rules()
check("m.rules() catalogue", #rules >= 10 and rules[1].id and rules[1].title and rules[1].severity)
local ids = {}
for _, x in ipairs(rules) do ids[#ids + 1] = x.id end
check("catalogue sorted by id", table.concat(ids, " ") == (function() table.sort(ids) return table.concat(ids, " ") end)())

-- inventory
local zs2 = m.zoneset()
assert(zs2:load(Z .. "shop.example.zone"))
check("inventory loads", zs2:load_inventory(Z .. "inventory.txt") == true)
local ok, ierr = zs2:load_inventory_string("db:inv", "web02 not-an-address shop.example\n")
check("bad inventory: nil, message", ok == nil and type(ierr) == "string", ierr)

-- what-if: the web apex moves to a CDN and drags the mail along
local zw = m.zoneset()
assert(zw:load("examples/zones/example.com.zone"))
local p = zw:plan("set example.com. A 104.16.1.1")
check("plan returns a table", type(p) == "table")
if p then
  local d1 = p.domains[1]
  check("plan: mail for the apex breaks", p.counts.broken == 1 and #p.domains == 1 and d1.domain == "example.com."
        and d1.change == "broken" and d1.deliverable_before and not d1.deliverable_after, d1 and d1.change)
  check("plan: targets before and after, with the CDN named", d1.before[1] == "10.0.1.100" and
        d1.after[1] == "104.16.1.1" and d1.after_cdn["104.16.1.1"] == "cloudflare")
  check("plan: the safe order, verified", d1.fix[1] == "add mail.example.com. A 10.0.1.100" and
        d1.fix[2] == "set example.com. MX 10 mail.example.com." and d1.fix_verified == true)
  check("plan: the rule finding the change introduces", find(p.findings, function(f)
        return f.introduced and f.rule == "mx-on-cdn" and f.owner == "example.com." end))
end
local safe = zw:plan({ "add mail A 10.0.1.100", "set @ MX 10 mail", "set @ A 104.16.1.1" },
                     { origin = "example.com.", scan = false })
check("plan: the safe order moves mail on purpose only", safe and safe.counts.broken == 0 and
      safe.counts["moved-non-mx"] == 0 and #safe.findings == 0)
local pe = zw:plan("set example.com. A 104.16.1.1", { engine = m.engine { only = "apex-a-mx-collision" } })
check("plan: with the caller's engine", pe and not find(pe.findings, function(f) return f.rule == "mx-on-cdn" end))
local pn, pnerr = zw:plan({ "frob example.com. A 1.2.3.4" })
check("plan: a bad change is nil, message", pn == nil and pnerr:match("unknown operation"), pnerr)
local pa, paerr = zw:plan("del nosuch.example.org. A")
check("plan: a change outside the zones is nil, message", pa == nil and paerr:match("nosuch"), paerr)
check("plan: wrong changes type raises", not pcall(zw.plan, zw, 42))
local rb, rberr = zw:route("")
check("route of a bad name: nil, message", rb == nil and rberr:match("bad argument"), rberr)

-- to-be-closed zone set
do
  local zs3 <close> = m.zoneset()
  zs3:load_string("x", "$ORIGIN t.example.\n@ MX 0 .\n")
  check("null MX route", zs3:route("t.example").kind == "null-mx")
end
zs:close()
check("closed zone set raises", not pcall(zs.zones, zs))
check("scan of a closed zone set raises", not pcall(m.scan, zs))

collectgarbage()
io.write(("lua: %d passed, %d failed\n"):format(npass, nfail))
os.exit(nfail == 0 and 0 or 1)
