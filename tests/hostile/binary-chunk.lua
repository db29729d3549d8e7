-- Hostile rule: tries to run precompiled bytecode
return {
  id = "binary-chunk",
  severity = "error",
  title = "hostile: binary-chunk",
  description = "tries to run precompiled bytecode",
  references = { "tests/check_sandbox.c" },
  check = function(zone, report)
    -- a precompiled chunk starts with ESC "Lua"; load is text-only
    local f = assert(load("\27LuaT\0\25\147\13\10\26\10\4\8\8xV\0\0\0\0\0\0\0\0\0\0\0(w@"))
    f()
  end,
}
