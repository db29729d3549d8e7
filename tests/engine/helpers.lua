-- Exercises the mxh helper module and the sandbox's base functions; any
-- mismatch raises an error (a rule-error finding), success reports "ok".
local mxh = require "mxh"

local function eq(got, want, what)
  if got ~= want then
    error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2)
  end
end
local function yes(v, what) if not v then error(what .. " is false", 2) end end

local function spf_ok(text, what)
  local r, err = mxh.spf_parse(text)
  if not r then error(what .. ": " .. tostring(err), 2) end
  return r
end
local function spf_bad(text, what)
  local r, err = mxh.spf_parse(text)
  if r ~= nil then error(what .. ": accepted " .. text, 2) end
  yes(type(err) == "string" and #err > 0, what .. " gives a reason")
end

return {
  id = "helpers",
  severity = "info",
  title = "mxh module walk-through",
  description = "Calls every helper and checks its answer.",
  references = { "docs/rules.md" },
  check = function(zone, report)
    -- addresses
    eq(mxh.is_ip("192.0.2.1"), true, "is_ip v4")
    eq(mxh.is_ip("192.0.2.1."), true, "is_ip with final dot")
    eq(mxh.is_ip("2001:db8::1"), true, "is_ip v6")
    eq(mxh.is_ip("mail.example.com"), false, "is_ip name")
    eq(mxh.is_ip("1.2.3"), false, "is_ip short")
    eq(mxh.is_ip(nil), false, "is_ip nil")
    eq(mxh.is_ipv4("192.0.2.1"), true, "is_ipv4")
    eq(mxh.is_ipv4("2001:db8::1"), false, "is_ipv4 of v6")
    eq(mxh.is_ipv6("2001:db8::1"), true, "is_ipv6")
    eq(mxh.is_ipv6("192.0.2.1"), false, "is_ipv6 of v4")
    eq(mxh.ip_in_cidr("192.0.2.10", "192.0.2.0/24"), true, "in /24")
    eq(mxh.ip_in_cidr("192.0.3.1", "192.0.2.0/24"), false, "not in /24")
    eq(mxh.ip_in_cidr("10.1.2.3", "10.0.0.0/8"), true, "in /8")
    eq(mxh.ip_in_cidr("10.1.2.3", "10.1.2.3"), true, "host without length")
    eq(mxh.ip_in_cidr("10.1.2.3", "0.0.0.0/0"), true, "in /0")
    eq(mxh.ip_in_cidr("2001:db8::1", "2001:db8::/32"), true, "v6 in /32")
    eq(mxh.ip_in_cidr("2001:db9::1", "2001:db8::/32"), false, "v6 not in /32")
    eq(mxh.ip_in_cidr("192.0.2.1", "2001:db8::/32"), false, "family mismatch")
    eq(mxh.ip_in_cidr("192.0.2.1", "192.0.2.0/33"), false, "bad prefix length")

    -- names
    eq(mxh.name_eq("Example.COM", "example.com."), true, "name_eq")
    eq(mxh.name_eq("a.example.com", "b.example.com"), false, "name_eq differs")
    eq(mxh.is_below("mail.example.com.", "Example.com"), true, "is_below")
    eq(mxh.is_below("example.com", "example.com."), true, "is_below equal")
    eq(mxh.is_below("badexample.com", "example.com"), false, "is_below label-wise")
    eq(mxh.is_strictly_below("example.com", "example.com"), false, "strictly below equal")
    eq(mxh.is_strictly_below("a.example.com", "example.com"), true, "strictly below")
    eq(mxh.parent("mail.example.com."), "example.com.", "parent")
    eq(mxh.parent("com."), ".", "parent of a TLD")
    eq(mxh.parent("."), nil, "parent of the root")
    local l = mxh.labels("mail.Example.com.")
    eq(#l, 3, "#labels")
    eq(l[1] .. "|" .. l[2] .. "|" .. l[3], "mail|example|com", "labels")
    eq(#mxh.labels("."), 0, "labels of the root")
    eq(mxh.is_tld("com"), true, "com is a TLD")
    eq(mxh.is_tld("JP."), true, "jp is a TLD")
    eq(mxh.is_tld("notatld"), false, "notatld")
    eq(mxh.is_tld("co.jp"), false, "two labels are not a TLD")
    eq(mxh.public_suffix("www.example.co.jp."), "co.jp.", "public_suffix co.jp")
    eq(mxh.public_suffix("Example.COM"), "com.", "public_suffix com")

    -- TXT and SPF (RFC 7208)
    local txt = zone:rrset(zone:origin(), "TXT")[1]
    eq(mxh.txt_strings(txt), "v=spf1 mx ip4:192.0.2.0/24 -all", "txt_strings joins")
    eq(mxh.txt_strings('"a\\"b" "c\\099"'), 'a"bcc', "txt_strings escapes")
    local r = spf_ok(txt, "spf of a record")
    eq(r.version, "spf1", "version")
    eq(#r.terms, 3, "#terms")
    eq(r.terms[1].qualifier .. r.terms[1].mechanism, "+mx", "term 1")
    eq(r.terms[2].mechanism, "ip4", "term 2")
    eq(r.terms[2].value, "192.0.2.0", "ip4 value")
    eq(r.terms[2].cidr4, 24, "ip4 cidr")
    eq(r.terms[3].qualifier .. r.terms[3].mechanism, "-all", "term 3")
    r = spf_ok("v=spf1 a:mail.example.com/28//64 include:_spf.example.net ~all redirect=_spf.example.org", "a cidrs")
    eq(r.terms[1].value, "mail.example.com", "a value")
    eq(r.terms[1].cidr4, 28, "a cidr4")
    eq(r.terms[1].cidr6, 64, "a cidr6")
    eq(r.terms[2].mechanism, "include", "include")
    eq(r.terms[2].value, "_spf.example.net", "include value")
    eq(r.terms[3].qualifier, "~", "softfail")
    eq(r.redirect, "_spf.example.org", "redirect")
    r = spf_ok("v=spf1 ip6:2001:db8::/32 exists:%{i}.spf.example.com ?all exp=explain.example.com", "ip6")
    eq(r.terms[1].value, "2001:db8::", "ip6 value")
    eq(r.terms[1].cidr6, 32, "ip6 cidr")
    eq(r.terms[2].value, "%{i}.spf.example.com", "exists macro")
    eq(r.terms[3].qualifier, "?", "neutral")
    eq(r.exp, "explain.example.com", "exp")
    r = spf_ok("V=SPF1  MX  -ALL ", "upper case and extra spaces")
    eq(r.terms[1].mechanism, "mx", "mechanisms are case-insensitive")
    eq(#r.terms, 2, "two terms")
    r = spf_ok("v=spf1 mx//64 a/24 ptr ptr:example.com foo=bar -all", "more")
    eq(r.terms[1].cidr6, 64, "mx//64")
    eq(r.terms[2].cidr4, 24, "a/24")
    eq(r.terms[3].mechanism, "ptr", "ptr")
    eq(r.terms[4].value, "example.com", "ptr value")
    eq(r.modifiers.foo, "bar", "unknown modifier kept")
    eq(#spf_ok("v=spf1", "empty record").terms, 0, "no terms")
    spf_bad("v=spf10 mx", "version")
    spf_bad("spf1 mx", "no version")
    spf_bad("v=spf1 ip4:300.1.1.1", "bad ip4")
    spf_bad("v=spf1 ip4:192.0.2.0/33", "ip4 length")
    spf_bad("v=spf1 ip6:2001:db8::/129", "ip6 length")
    spf_bad("v=spf1 ip4:", "empty ip4")
    spf_bad("v=spf1 foo", "unknown mechanism")
    spf_bad("v=spf1 include:", "empty include")
    spf_bad("v=spf1 include", "include without domain")
    spf_bad("v=spf1 a:com", "domain without a dot")
    spf_bad("v=spf1 a:example.123", "numeric top label")
    spf_bad("v=spf1 all:x", "all with argument")
    spf_bad("v=spf1 mx:%{z}.example.com", "unknown macro letter")
    spf_bad("v=spf1 a:%.example.com", "lone percent")
    spf_bad("v=spf1 redirect=a.example redirect=b.example", "two redirects")
    spf_bad("v=spf1 exp=a.example exp=b.example", "two exps")
    spf_bad("v=spf1 a/24/64", "bad dual cidr")
    spf_bad("v=spf1 \0a", "a NUL where a qualifier may stand")
    spf_bad("v=spf1 a:%{\0}.example.com", "a NUL as macro letter")
    spf_bad("v=spf1 a:%{s\0}.example.com", "a NUL as macro delimiter")
    spf_bad("v=spf1 x\0=y", "a NUL in a modifier name")

    -- sandbox basics
    eq(load("return 1 + 1")(), 2, "load of text")
    eq(select(2, pcall(load, "\27Lua", "x", "b")) ~= nil, true, "load of binary refused")
    eq(getmetatable(""), false, "string metatable is locked")
    eq(getmetatable(zone), "mxh.zone", "object metatables are locked")
    eq(string.rep("", 1e12), "", "empty rep")
    eq(("x"):rep(3, "-"), "x-x-x", "rep")
    eq(io, nil, "no io")
    eq(os, nil, "no os")
    eq(debug, nil, "no debug")
    eq(package, nil, "no package")
    eq(collectgarbage, nil, "no collectgarbage")
    eq(dofile, nil, "no dofile")
    eq(loadfile, nil, "no loadfile")
    eq(string.dump, nil, "no string.dump")
    yes(not pcall(function() string.upper = nil end), "library tables are read-only")
    yes(not pcall(require, "os"), "require only serves mxh")
    yes(not pcall(setmetatable, {}, { __gc = function() end }), "__gc refused")
    local t = setmetatable({}, { __index = function() return 7 end })
    eq(t.x, 7, "setmetatable works")
    gv = (gv or 0) + 1   -- globals live in the rule's own environment
    print("hello from", "helpers")

    report { owner = zone:origin(), message = "ok" }
  end,
}
