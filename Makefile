# mxhazard — build, test, benchmark, install.
#   make            library (static + shared) and the CLI in build/
#   make demo       set up, build, scan the bundled example zones
#   make check      set up, build, run every test (normal build, then ASan+UBSan)
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

WARN  := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
         -Wformat=2 -Wvla -Wno-format-nonliteral
ifeq ($(CI),true)
WARN  += -Werror
endif
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(LUA_PC) ldns libpsl 2>/dev/null)
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs $(LUA_PC) ldns libpsl 2>/dev/null) -lm
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

ALL_CFLAGS := $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DMXH_BUILDING \
              -Icore -Ibindings/lua -I$(B) $(DEP_CFLAGS) -MMD -MP $(CFLAGS)

LIB_SRC  := $(wildcard core/*.c) $(wildcard bindings/lua/*.c)
CLI_SRC  := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/check_*.c)
RULES    := $(sort $(wildcard rules/*.lua))

LIB_OBJ  := $(patsubst %.c,$(B)/%.o,$(LIB_SRC)) $(B)/gen/rules_builtin.o
CLI_OBJ  := $(patsubst %.c,$(B)/%.o,$(CLI_SRC))
TEST_OBJ := $(patsubst %.c,$(B)/%.o,$(TEST_SRC))

.PHONY: all deps demo check check-unit check-asan bench lint install clean
all: $(B)/libmxhazard.a $(B)/libmxhazard.so $(B)/mxhazard

deps:
	@sh tools/deps.sh

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

# Built-in rules are compiled into the library: rules/*.lua -> a C array.
$(B)/gen/rules_builtin.c: $(RULES) tools/embed_rules.sh
	@mkdir -p $(dir $@)
	sh tools/embed_rules.sh $(RULES) > $@.tmp && mv $@.tmp $@
$(B)/gen/rules_builtin.o: $(B)/gen/rules_builtin.c
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

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
	$(CC) -o $@ $(TEST_OBJ) $(B)/libmxhazard.a $(LDFLAGS) $(CHECK_LIBS) $(DEP_LIBS) -lpthread

# The unit suite runs from the source root (fixtures are found relative to it).
check-unit: deps
	@$(MAKE) --no-print-directory all $(B)/check_mxhazard
	MXH_BUILD=$(B) $(B)/check_mxhazard
	@if [ -x tests/cli/run.sh ]; then MXH_BUILD=$(B) sh tests/cli/run.sh; fi

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer, one process.
check-asan: deps
	@$(MAKE) --no-print-directory B=$(BA) CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" all $(BA)/check_mxhazard
	CK_FORK=no MXH_BUILD=$(BA) ASAN_OPTIONS=detect_leaks=1 $(BA)/check_mxhazard
	@if [ -x tests/cli/run.sh ]; then MXH_BUILD=$(BA) ASAN_OPTIONS=detect_leaks=1 sh tests/cli/run.sh; fi

check: check-unit check-asan

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

clean:
	rm -rf build $(BA)

-include $(shell find $(B) $(BA) -name '*.d' 2>/dev/null)
