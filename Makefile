# mxhazard — build, test, benchmark, install.
#   make            library (static + shared) and the CLI in build/
#   make demo       set up, build, scan the bundled example zones
#   make check      set up, build, run every test (normal build, then ASan+UBSan,
#                   then the CLI under ThreadSanitizer)
#   make bench      speed and memory benchmark (see tests/bench/README.md)
#   make install    PREFIX=/usr/local DESTDIR=

PKG_CONFIG ?= pkg-config
LUA_PC     ?= lua5.4
PREFIX     ?= /usr/local
DESTDIR    ?=
CC         ?= cc
CFLAGS     ?= -O2 -g
LDFLAGS    ?=

B     ?= build
BA    := build-asan
BT    := build-tsan

WARN  := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
         -Wformat=2 -Wvla -Wno-format-nonliteral
ifeq ($(CI),true)
WARN  += -Werror
endif
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LUA_PC) ldns libpsl 2>/dev/null)
# libldns is not linked: the library loads it when an RR type it does not
# parse itself first needs it (core/ldns_dl.c), by the soname found here.
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(LUA_PC) libpsl 2>/dev/null) -lm -ldl
LDNS_LIBS  := $(shell $(PKG_CONFIG) --libs ldns 2>/dev/null)
LDNS_SONAME := $(shell objdump -p "$$($(PKG_CONFIG) --variable=libdir ldns 2>/dev/null)/libldns.so" 2>/dev/null | awk '/SONAME/ {print $$2}')
ifeq ($(LDNS_SONAME),)
LDNS_SONAME := libldns.so.3
endif
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

ALL_CFLAGS := $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DMXH_BUILDING \
              -DMXH_LDNS_SONAME='"$(LDNS_SONAME)"' \
              -Icore -Ibindings/lua -I$(B) $(DEP_CFLAGS) -MMD -MP $(CFLAGS)

LIB_SRC  := $(wildcard core/*.c) $(wildcard bindings/lua/*.c)
CLI_SRC  := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/check_*.c)
RULES    := $(sort $(wildcard rules/*.lua))

LIB_OBJ  := $(patsubst %.c,$(B)/%.o,$(LIB_SRC)) $(B)/gen/rules_builtin.o
CLI_OBJ  := $(patsubst %.c,$(B)/%.o,$(CLI_SRC))
TEST_OBJ := $(patsubst %.c,$(B)/%.o,$(TEST_SRC))
# The Lua module (bindings/lua/lua_module.c) is its own shared object, not part of the library.
LIB_OBJ  := $(filter-out $(B)/bindings/lua/lua_module.o,$(LIB_OBJ))

.PHONY: all deps demo check check-unit check-asan check-tsan bench lint install clean
all: $(B)/libmxhazard.a $(B)/libmxhazard.so $(B)/mxhazard

deps:
	@sh tools/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

# Built-in rules are compiled into the library: rules/*.lua -> C arrays of
# their text and of the same compiled by this Lua (tools/rulec.c). A build
# tool: never with the sanitizer flags of the build it serves (it runs
# during that build, where a sanitizer may not start).
$(B)/gen/rulec: tools/rulec.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEP_CFLAGS) -O2 -o $@ $< $(DEP_LIBS)
$(B)/gen/rules_builtin.c: $(RULES) $(B)/gen/rulec
	@mkdir -p $(dir $@)
	$(B)/gen/rulec $(RULES) > $@.tmp && mv $@.tmp $@
$(B)/gen/rules_builtin.o: $(B)/gen/rules_builtin.c
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

# core/cdn.c embeds data/cdn-ranges.txt with an assembler .incbin.
$(B)/core/cdn.o: data/cdn-ranges.txt

$(B)/libmxhazard.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(B)/libmxhazard.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libmxhazard.so.0 -o $@ $^ $(LDFLAGS) $(DEP_LIBS)
$(B)/mxhazard: $(CLI_OBJ) $(B)/libmxhazard.a
	$(CC) -o $@ $(CLI_OBJ) $(B)/libmxhazard.a $(LDFLAGS) $(DEP_LIBS) -lpthread

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@
$(B)/check_mxhazard: $(TEST_OBJ) $(B)/libmxhazard.a
	$(CC) -o $@ $(TEST_OBJ) $(B)/libmxhazard.a $(LDFLAGS) $(CHECK_LIBS) $(DEP_LIBS) $(LDNS_LIBS) -lpthread

# The unit suite runs from the source root (fixtures are found relative to it).
check-unit: deps
	@$(MAKE) --no-print-directory all $(B)/check_mxhazard
	MXH_BUILD=$(B) $(B)/check_mxhazard
	@if [ -x tests/cli/run.sh ]; then MXH_BUILD=$(B) sh tests/cli/run.sh; fi
	MXH_BUILD=$(B) sh tests/embed/run.sh
	MXH_BUILD=$(B) sh tests/whatif/cli.sh

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer, one process.
check-asan: deps
	@$(MAKE) --no-print-directory B=$(BA) CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" all $(BA)/check_mxhazard
	CK_FORK=no MXH_BUILD=$(BA) ASAN_OPTIONS=detect_leaks=1 $(BA)/check_mxhazard
	@if [ -x tests/cli/run.sh ]; then MXH_BUILD=$(BA) ASAN_OPTIONS=detect_leaks=1 sh tests/cli/run.sh; fi
	MXH_BUILD=$(BA) MXH_SANITIZE="$(EMBED_SAN)" ASAN_OPTIONS=detect_leaks=1 sh tests/embed/run.sh
	MXH_BUILD=$(BA) ASAN_OPTIONS=detect_leaks=1 sh tests/whatif/cli.sh

# The command-line tool (threads: parallel load, join, scan, print) under
# ThreadSanitizer, its black-box tests and a larger --jobs comparison.
check-tsan: deps
	@$(MAKE) --no-print-directory B=$(BT) CFLAGS="-O1 -g -fsanitize=thread" \
	    LDFLAGS="-fsanitize=thread" $(BT)/mxhazard
	sh tests/tsan.sh $(BT)

check: check-unit check-asan check-tsan

demo: deps all
	@sh tools/demo.sh $(B)/mxhazard

bench: deps all
	@sh tests/bench/run.sh $(B)

lint:
	@if command -v luacheck >/dev/null 2>&1; then luacheck --std lua54 rules/; else echo "luacheck not installed"; fi

install: all
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(B)/libmxhazard.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/libmxhazard.so $(DESTDIR)$(PREFIX)/lib/libmxhazard.so.0
	ln -sf libmxhazard.so.0 $(DESTDIR)$(PREFIX)/lib/libmxhazard.so
	install -m 644 core/mxhazard.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 $(B)/mxhazard $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LUA_PC@|$(LUA_PC)|g' mxhazard.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/mxhazard.pc

# ---- embedding: the Lua module, the examples, the install test (tests/embed/run.sh)
# build/lua/mxhazard.so is `require "mxhazard"` for a stock lua5.4; it uses only the
# public header and links libmxhazard.so (found next to it in the build tree, in
# $(PREFIX)/lib once installed). Examples are built as a stranger would: no MXH_BUILDING.
LUA_MOD      := $(B)/lua/mxhazard.so
LUA_CMOD_DIR ?= $(PREFIX)/lib/lua/5.4
EMBED_SAN    := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
EXAMPLES     := $(B)/examples/embed $(B)/examples/panel_precheck
.PHONY: lua-module examples install-lua
all: $(LUA_MOD)
lua-module: $(LUA_MOD)
$(B)/libmxhazard.so.0: $(B)/libmxhazard.so
	ln -sf libmxhazard.so $@
$(B)/lua/lua_module.o: bindings/lua/lua_module.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -Icore $(shell $(PKG_CONFIG) --cflags $(LUA_PC) 2>/dev/null) -MMD -MP $(CFLAGS) \
	    -fPIC -fvisibility=hidden -c $< -o $@
$(LUA_MOD): $(B)/lua/lua_module.o $(B)/libmxhazard.so $(B)/libmxhazard.so.0
	$(CC) -shared -o $@ $< -L$(B) -lmxhazard -Wl,-rpath,'$$ORIGIN/..:$$ORIGIN/../..' $(LDFLAGS)
examples: $(EXAMPLES)
$(B)/examples/%: examples/%.c $(B)/libmxhazard.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -Icore $(CFLAGS) -o $@ $< $(B)/libmxhazard.a $(LDFLAGS) $(DEP_LIBS) -lpthread
install: install-lua
install-lua: $(LUA_MOD)
	install -d $(DESTDIR)$(LUA_CMOD_DIR)
	install -m 755 $(LUA_MOD) $(DESTDIR)$(LUA_CMOD_DIR)/mxhazard.so
install: install-man
.PHONY: install-man
install-man:
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/mxhazard.1 $(DESTDIR)$(PREFIX)/share/man/man1/mxhazard.1

clean:
	rm -rf build $(BA) $(BT)

-include $(shell find $(B) $(BA) $(BT) -name '*.d' 2>/dev/null)

# ---- fuzzing (not part of `make check`): libFuzzer harnesses in tests/fuzz/,
# each run FUZZ_SECONDS (clang with -fsanitize=fuzzer; see tests/fuzz/run.sh).
FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)
