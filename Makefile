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
       -lgnutls -lstemmer -lm
ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_CFLAGS += $(SANFLAGS) -O1
LDFLAGS += $(SANFLAGS)
endif

# The modules, in the order of the data flow (DESIGN.md); one line each.
SRC_base     = src/err.c src/util.c src/log.c src/config.c
SRC_imap     = src/imap.c src/imap_tls.c
SRC_store    = src/store.c
SRC_mime     = src/mime.c src/mime_header.c src/mime_charset.c src/mime_html.c
SRC_extract  = src/extract.c
SRC_triage   = src/triage.c
SRC_classify = src/classify.c src/classify_conf.c src/classify_model.c src/classify_text.c
SRC_schedule = src/schedule.c
SRC_render   = src/render.c src/render_tmpl.c src/render_docx.c src/render_ics.c
SRC_outbox   = src/outbox.c
SRC_smtp     = src/smtp.c
SRC_oauth2   = src/oauth2.c
SRC_cycle    = src/cycle.c
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
           python3-docx openssl ca-certificates procps sqlite3 systemd man-db

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

# Everything, then everything again under ASan+UBSan.
test: deps
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory BUILD=build/san SAN=1 check

check: all unit integration

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
	  echo "== unit $$t"; $(RUN_ENV) $$t || fail=1; done; \
	[ $$fail = 0 ] || { echo "unit tests FAILED"; exit 1; }

integration: all
	@fail=0; for t in $(INTEGRATION); do \
	  echo "== integration $$t"; $(RUN_ENV) AGENDAD_BUILD=$(CURDIR)/$(BUILD) bash $$t \
	    || { fail=1; echo "FAILED: $$t"; }; done; \
	[ $$fail = 0 ] || { echo "integration tests FAILED"; exit 1; }

demo: deps all
	@$(RUN_ENV) bash scripts/demo.sh $(BUILD)

# Cross-validated accuracy, macro-F1 and throughput of the classifier.
eval: $(BUILD)/tests/eval_classify
	@$(BUILD)/tests/eval_classify

$(BUILD)/tests/eval_classify: tests/eval/eval_classify.c $(call mod_objs,base classify)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -DTEST_DATA='"$(CURDIR)/tests/data"' -DCONFIG_DIR='"$(CURDIR)/config"' \
		$(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(call mod_objs,base classify) $(LIBS)

format:
	clang-format -i src/*.c src/*.h include/agendad/*.h tests/unit/*.c tests/unit/*.h

lint:
	@bash scripts/check-layering.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/agendad/templates \
		$(DESTDIR)$(SYSCONFDIR)/agendad $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BUILD)/agendad $(DESTDIR)$(SBINDIR)/agendad
	install -m 0755 $(BUILD)/agendactl $(DESTDIR)$(BINDIR)/agendactl
	install -m 0644 config/categories.conf $(DESTDIR)$(DATADIR)/agendad/categories.conf
	install -m 0644 config/agendad.conf.example $(DESTDIR)$(DATADIR)/agendad/agendad.conf.example
	for f in config/templates/*; do install -m 0644 $$f $(DESTDIR)$(DATADIR)/agendad/templates/; done
	install -m 0644 $(BUILD)/share/training.tsv $(DESTDIR)$(DATADIR)/agendad/training.tsv
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' systemd/agendad.service \
		> $(DESTDIR)$(UNITDIR)/agendad.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/agendad.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/agendad $(DESTDIR)$(BINDIR)/agendactl \
		$(DESTDIR)$(UNITDIR)/agendad.service
	rm -rf $(DESTDIR)$(DATADIR)/agendad

clean:
	rm -rf build
