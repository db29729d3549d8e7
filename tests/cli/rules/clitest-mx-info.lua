-- A rule used only by tests/cli/run.sh: one info finding per MX owner.
return {
  id          = "clitest-mx-info",
  severity    = "info",
  title       = "CLI test: a name with MX records",
  description = [[Test rule for the command-line tests: reports every owner of an MX RRset.]],
  references  = { "RFC 1035 §3.3.9" },
  needs       = { "MX" },
  check = function(zone, report)
    for rec in zone:records("MX") do
      report {
        owner    = rec:owner(),
        message  = rec:owner() .. " has MX " .. rec:preference() .. " " .. tostring(rec:target()),
        at       = rec,
        evidence = { rec },
      }
    end
  end,
}
