# agendad - collects questions for council meetings from an IMAP mailbox and
# mails the secretary a draft agenda. See README.md.
#
# Targets: all deps test check unit integration demo bench eval fuzz install
#          uninstall format lint clean
# Variables: CC, BUILD (build), SAN=1 (ASan+UBSan), PREFIX, DESTDIR, SYSCONFDIR

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
DESTDIR    ?=

BUILD ?= build
SAN   ?= 0
CC    ?= cc

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wpointer-arith -Wcast-qual
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) -fno-strict-aliasing
ALL_CPPFLAGS = -D_GNU_SOURCE -Iinclude -I/usr/include/libxml2 -DUTF8PROC_EXPORTS \
       -DAGENDAD_DATADIR='"$(DATADIR)/agendad"' \
       -DAGENDAD_SYSCONFDIR='"$(SYSCONFDIR)/agendad"' $(CPPFLAGS)
# libetpan's pkg-config output may carry -specs=... that only exists with
# dpkg-dev installed, so the libraries are named by hand (FACTS.md).
LIBS = -letpan -lcurl -lsqlite3 -linih -ljansson -lxml2 -lutf8proc -lsystemd -lzip \
       -lgnutls -lstemmer -lm -pthread
ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_CFLAGS += $(SANFLAGS) -O1
LDFLAGS += $(SANFLAGS)
endif

# The modules, in the order of the data flow (DESIGN.md); one line each.
SRC_base     = src/err.c src/util.c src/log.c src/config.c
SRC_imap     = src/imap.c src/imap_tls.c
SRC_store    = src/store.c
SRC_mime     = src/mime.c src/mime_header.c src/mime_charset.c src/mime_html.c src/mime_tnef.c
SRC_extract  = src/extract.c src/extract_text.c src/extract_quote.c src/extract_sign.c src/extract_sentence.c src/extract_notice.c src/extract_block.c src/extract_title.c
SRC_triage   = src/triage.c
SRC_classify = src/classify.c src/classify_conf.c src/classify_model.c src/classify_text.c
SRC_schedule = src/schedule.c
SRC_render   = src/render.c src/render_tmpl.c src/render_docx.c src/render_ics.c
SRC_outbox   = src/outbox.c
SRC_smtp     = src/smtp.c
SRC_oauth2   = src/oauth2.c
SRC_cycle    = src/cycle.c src/cycle_fetch.c src/cycle_process.c src/cycle_send.c
LIB_SRC = $(SRC_base) $(SRC_imap) $(SRC_store) $(SRC_mime) $(SRC_extract) $(SRC_triage) \
          $(SRC_classify) $(SRC_schedule) $(SRC_render) $(SRC_outbox) $(SRC_smtp) \
          $(SRC_oauth2) $(SRC_cycle)
LIB_OBJ = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
LIB = $(BUILD)/libagendad.a

UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS = $(UNIT_TESTS:%=$(BUILD)/tests/%)
INTEGRATION = $(sort $(wildcard tests/integration/t_*.sh))

DEB_PKGS = gcc libc6-dev make pkg-config clang libclang-rt-14-dev \
           libetpan-dev libcurl4-gnutls-dev libsqlite3-dev libcmocka-dev libinih-dev \
           libjansson-dev libxml2-dev libutf8proc-dev libstemmer-dev libsystemd-dev \
           libzip-dev libgnutls28-dev dovecot-imapd dovecot-core python3 python3-aiosmtpd \
           python3-docx openssl ca-certificates procps sqlite3 systemd man-db strace mandoc

.PHONY: all deps test check unit integration demo bench eval fuzz install uninstall \
        format lint clean

all: $(BUILD)/agendad $(BUILD)/agendactl $(BUILD)/share/training.tsv

# The model's shipped training set is the labelled set of the tests.
$(BUILD)/share/training.tsv: $(sort $(wildcard tests/data/classify/*.tsv))
	@mkdir -p $(dir $@)
	$(Q)cat $^ /dev/null > $@

# Lets the binaries find categories.conf, templates/ and training.tsv in the
# source tree (config_data_path), for the demo and the tests.
RUN_ENV = AGENDAD_DATADIR=$(CURDIR)/config:$(CURDIR)/$(BUILD)/share

# V=1 shows the whole command lines.
ifeq ($(V),1)
Q =
else
Q = @
endif

$(BUILD)/obj/%.o: src/%.c $(wildcard include/agendad/*.h) $(wildcard src/*_p.h)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The model's loops run over the categories: vectorised they give the same
# floats (each category on its own, no sum reordered, and -std=c11 contracts
# no multiply-add), and fitting the shipped model takes half the time. gcc's
# -O2 leaves loops of unknown length alone; clang's vectorises them anyway.
ifeq ($(shell $(CC) -fvect-cost-model=cheap -Werror -x c -c -o /dev/null /dev/null 2>/dev/null && echo y),y)
$(BUILD)/obj/classify_model.o: ALL_CFLAGS += -fvect-cost-model=cheap
endif

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/agendad: $(BUILD)/obj/agendad.o $(LIB)
	@[ "$(V)" = 1 ] || echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/agendactl: $(BUILD)/obj/agendactl.o $(LIB)
	@[ "$(V)" = 1 ] || echo "  LINK    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# A unit test links only its module and the modules upstream of it, which
# also keeps the layering honest: test_mime cannot reach the store.
ALL_MODS = base imap store mime extract triage classify schedule render outbox smtp oauth2 cycle
TESTMODS_util     = base
TESTMODS_config   = base
TESTMODS_imap     = base imap
TESTMODS_store    = base store
TESTMODS_mime     = base mime
TESTMODS_extract  = base extract
TESTMODS_triage   = base extract triage
TESTMODS_classify = base classify
TESTMODS_schedule = base store schedule
TESTMODS_render   = base render
TESTMODS_outbox   = base store outbox
TESTMODS_smtp     = base store outbox smtp
TESTMODS_oauth2   = base oauth2
mod_objs = $(foreach m,$(1),$(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRC_$(m))))
test_objs = $(call mod_objs,$(if $(TESTMODS_$(1)),$(TESTMODS_$(1)),$(ALL_MODS)))

.SECONDEXPANSION:
$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/unit.h $$(call test_objs,$$*)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CPPFLAGS) -Itests/unit -DTEST_DATA='"$(CURDIR)/tests/data"' \
		-DCONFIG_DIR='"$(CURDIR)/config"' $(ALL_CFLAGS) -Wno-missing-prototypes \
		$(LDFLAGS) -o $@ $< $(call test_objs,$*) $(LIBS) -lcmocka

# Installs what is missing from Debian's packages (as root), and nothing else.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
	    || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "deps: missing:$$missing (run make deps as root)"; exit 1; fi; \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

# Everything, then everything again under ASan+UBSan, then each fuzzer for 30 s.
test: deps
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory BUILD=build/san SAN=1 check
	$(MAKE) --no-print-directory fuzz-smoke

check: all unit integration

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
	  echo "== unit $$t"; $(RUN_ENV) $$t || fail=1; done; \
	[ $$fail = 0 ] || { echo "unit tests FAILED"; exit 1; }

# Several at a time: they wait on servers far more than they compute.
INTEGRATION_JOBS ?= 3
integration: all
	@$(RUN_ENV) AGENDAD_BUILD=$(CURDIR)/$(BUILD) \
	  bash tests/run-integration.sh $(INTEGRATION_JOBS) $(INTEGRATION)

demo: deps all
	@$(RUN_ENV) bash scripts/demo.sh $(BUILD)

# Ingest, classification, rendering and idle figures beside a bare libetpan fetch and
# mbsync, as one table (bench/README.md). isync (mbsync) is installed here if missing:
# only the benchmark needs it.
bench: deps all
	@command -v mbsync >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends isync \
	  >/dev/null; } || { echo "bench: mbsync missing (apt-get install isync, as root)"; exit 1; }
	$(CC) -O2 -o $(BUILD)/barefetch bench/barefetch.c -letpan
	@$(RUN_ENV) bash bench/run.sh $(BUILD)

# libFuzzer harnesses (tests/fuzz/fuzz_NAME.c), built with clang, ASan and UBSan
# into $(BUILD)/fuzz/ with their own objects; each links only the modules it
# fuzzes. `make fuzz` runs each for FUZZ_SECONDS on a corpus seeded from
# tests/data (kept in $(BUILD)/fuzz/corpus/, growing from run to run);
# `make fuzz-smoke` for 30 seconds each (make test). FUZZ=NAME runs only it.
.PHONY: fuzz-build fuzz-smoke
FUZZ_SECONDS ?= 300
FUZZ_CC ?= clang
FUZZ_DIR = $(BUILD)/fuzz
FUZZ_NAMES = $(if $(FUZZ),$(FUZZ),$(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS = $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
FUZZMODS_config   = base
FUZZMODS_mime     = base mime
FUZZMODS_html     = base mime
FUZZMODS_extract  = base extract triage
FUZZMODS_classify = base classify
FUZZMODS_model    = base classify
FUZZMODS_template = base render
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 $(WARN) -g -O1 -fno-strict-aliasing $(FUZZ_SAN)
# the objects are kept between builds (they are only reached through $$(call ...))
.PRECIOUS: $(FUZZ_DIR)/obj/%.o
fuzz_objs = $(foreach m,$(or $(FUZZMODS_$(1)),$(ALL_MODS)),$(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(SRC_$(m))))

$(FUZZ_DIR)/obj/%.o: src/%.c $(wildcard include/agendad/*.h) $(wildcard src/*_p.h)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $$(call fuzz_objs,$$*)
	@[ "$(V)" = 1 ] || echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) -DTEST_DATA='"$(CURDIR)/tests/data"' \
		-DCONFIG_DIR='"$(CURDIR)/config"' $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(call fuzz_objs,$*) $(LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@bash tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-smoke: $(FUZZ_BINS)
	@bash tests/fuzz/run.sh $(FUZZ_DIR) 30 $(FUZZ_NAMES)

# Cross-validated accuracy, macro-F1 and throughput of the classifier, then its
# accuracy on questions it was never trained on (tests/data/classify_holdout).
eval: $(BUILD)/tests/eval_classify
	@$(BUILD)/tests/eval_classify
	@for f in $(sort $(wildcard tests/data/classify_holdout/holdout*.tsv)); do \
		echo; $(BUILD)/tests/eval_classify -H $$f || exit 1; done

$(BUILD)/tests/eval_classify: tests/eval/eval_classify.c $(call mod_objs,base classify)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -DTEST_DATA='"$(CURDIR)/tests/data"' -DCONFIG_DIR='"$(CURDIR)/config"' \
		$(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(call mod_objs,base classify) $(LIBS)

format:
	clang-format -i src/*.c src/*.h include/agendad/*.h tests/unit/*.c tests/unit/*.h

lint:
	@bash scripts/check-layering.sh

# Everything a running system needs; the units get the paths of this install. The
# configuration itself is the administrator's: only its directory is made, and
# uninstall leaves it (and the databases under /var/lib) alone.
MANS  = man/agendad.8 man/agendactl.1 man/agendad.conf.5
UNITS = agendad.service agendad@.service
DOCDIR ?= $(DATADIR)/doc/agendad
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/agendad/templates \
		$(DESTDIR)$(SYSCONFDIR)/agendad $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BUILD)/agendad $(DESTDIR)$(SBINDIR)/agendad
	install -m 0755 $(BUILD)/agendactl $(DESTDIR)$(BINDIR)/agendactl
	install -m 0644 config/categories.conf config/agendad.conf.example \
		$(BUILD)/share/training.tsv $(DESTDIR)$(DATADIR)/agendad/
	install -m 0644 config/templates/* $(DESTDIR)$(DATADIR)/agendad/templates/
	for m in $(MANS); do install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/; done
	install -m 0644 doc/*.md $(DESTDIR)$(DOCDIR)/
	for u in $(UNITS); do \
	  sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' systemd/$$u \
	    > $(DESTDIR)$(UNITDIR)/$$u.tmp && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.tmp && \
	  mv $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/agendad $(DESTDIR)$(BINDIR)/agendactl
	for u in $(UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	for m in $(MANS); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/}; done
	rm -rf $(DESTDIR)$(DATADIR)/agendad $(DESTDIR)$(DOCDIR)
	rmdir $(DESTDIR)$(SYSCONFDIR)/agendad 2>/dev/null || true

clean:
	rm -rf build
