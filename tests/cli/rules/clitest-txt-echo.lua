-- A rule used only by tests/cli/run.sh: repeats the TXT text of owners named
-- echo*, so that arbitrary bytes reach the writers and their escaping.
return {
  id          = "clitest-txt-echo",
  severity    = "warning",
  title       = "CLI test: echo TXT text into a finding",
  description = [[Test rule for the command-line tests: copies TXT data into the message.]],
  references  = { "RFC 8259 §7" },
  needs       = { "TXT" },
  check = function(zone, report)
    for rec in zone:records("TXT") do
      if rec:owner():match("^echo") then
        report {
          owner    = rec:owner(),
          message  = "echo: " .. rec:rdata_text(),
          at       = rec,
          evidence = { rec, "text \1\2\127 end" },
          fix      = "tab\there",
        }
      end
    end
  end,
}
