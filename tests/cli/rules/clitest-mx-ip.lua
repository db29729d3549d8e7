-- A rule used only by tests/cli/run.sh: fires when an MX exchange is an
-- IPv4 address (absolute, or relative with the origin appended).
return {
  id          = "clitest-mx-ip",
  severity    = "error",
  title       = "CLI test: MX exchange written as an IPv4 address",
  description = [[Test rule for the command-line tests. An MX names a host, never an
address (RFC 5321 §5.1); this rule fires on an exchange whose first four labels are numbers.]],
  references  = { "RFC 5321 §5.1" },
  needs       = { "MX" },
  example     = [[$ORIGIN example.com.
@ 3600 IN MX 10 192.0.2.25.]],
  fix         = "Name a host in the MX and give that host an A record.",
  check = function(zone, report)
    for rec in zone:records("MX") do
      local t = rec:target()
      if t and t:match("^%d+%.%d+%.%d+%.%d+%.") then
        report {
          owner    = rec:owner(),
          message  = "MX of " .. rec:owner() .. " names the address " .. t,
          at       = rec,
          evidence = { rec },
          fix      = "Replace the address by a host name with an A record.",
        }
      end
    end
  end,
}
