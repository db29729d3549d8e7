-- A rule used only by tests/cli/run.sh: fails on zones whose origin starts
-- with "crash", so that rule errors can be seen in the output.
return {
  id          = "clitest-crash",
  severity    = "warning",
  title       = "CLI test: a rule that fails on purpose",
  description = [[Test rule for the command-line tests: raises an error on crash.* zones.]],
  references  = { "tests/cli/run.sh" },
  check = function(zone, report)
    if zone:origin():match("^crash") then
      error("deliberate failure for the CLI tests")
    end
  end,
}
