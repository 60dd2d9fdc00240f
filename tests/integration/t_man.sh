#!/usr/bin/env bash
# t_man.sh - the manual pages against the code (issue 7), and that they render cleanly.
#
#   agendad(8)       every option of the getopt table and the short option string of
#                    src/agendad.c is in usage() and under OPTIONS, and nothing else is;
#                    every signal it handles under SIGNALS; every exit code it returns
#                    under EXIT STATUS; every environment variable the sources read
#                    under ENVIRONMENT (and nothing else but NOTIFY_SOCKET)
#   agendactl(1)     every command of the command table has an entry under COMMANDS with
#                    exactly the options of its usage, every option the code takes is in
#                    a usage, no entry for a command the code lacks; the global options;
#                    every exit code
#   agendad.conf(5)  every key of the key table of src/config.c in its [section], with
#                    its range and default; [association NAME] addresses, [meeting DATE]
#                    time, end, place; nothing documented that the code lacks
#   rendering        `groff -ww -z -man` and `man -l --warnings` say nothing; `mandoc -T
#                    lint` neither, where it is installed
set -uo pipefail
# shellcheck source-path=SCRIPTDIR source=../harness/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../harness/lib.sh"

t_init man
MAN=$T_ROOT/man

# --- rendering ------------------------------------------------------------------------------
for page in agendad.8 agendactl.1 agendad.conf.5; do
	f=$MAN/$page
	[ -s "$f" ] || {
		fail "$page is missing"
		continue
	}
	out=$(groff -ww -z -man "$f" 2>&1)
	[ -z "$out" ] && pass "$page: groff -ww -z -man is silent" || fail "$page: groff: $out"
	out=$(MANWIDTH=80 man -l --warnings "$f" 2>&1 >"$T_DIR/$page.txt")
	if [ -z "$out" ] && [ "$(wc -l <"$T_DIR/$page.txt")" -gt 20 ]; then
		pass "$page: man -l renders it without warnings"
	else
		fail "$page: man -l: $out"
	fi
	if command -v mandoc >/dev/null; then
		out=$(mandoc -T lint -W warning "$f" 2>&1)
		[ -z "$out" ] && pass "$page: mandoc -T lint is silent" || fail "$page: mandoc: $out"
	fi
done
command -v mandoc >/dev/null || echo "# mandoc is not installed: mandoc -T lint skipped"

# --- against the code ------------------------------------------------------------------------
pycheck "$T_ROOT/src" "$MAN" <<'EOF'
src, man = sys.argv[1], sys.argv[2]
EXIT = {"EX_OK": 0, "EX_USAGE": 64, "EX_DATAERR": 65, "EX_NOINPUT": 66, "EX_SOFTWARE": 70,
        "EX_CANTCREAT": 73, "EX_IOERR": 74, "EX_TEMPFAIL": 75, "EX_NOPERM": 77, "EX_CONFIG": 78}

def read(path):
    return open(path, encoding="utf-8").read()

def function(code, name):
    """The body of a C function defined in code."""
    m = re.search(r"\n[a-z][^\n;]*\b%s\([^;{]*\)\n\{\n(.*?)\n\}\n" % re.escape(name), code, re.S)
    return m.group(1) if m else ""

def text(roff):
    """roff source of a heading or paragraph as plain text."""
    out = []
    for line in roff.split("\n"):
        m = re.match(r"\.(B|I|BR|BI|IB|IR|RB|RI|SM)\s+(.*)", line)
        if m:
            args = re.findall(r'"([^"]*)"|(\S+)', m.group(2))
            line = ("" if len(m.group(1)) == 2 else " ").join(a or b for a, b in args)
        elif line.startswith("."):
            continue
        out.append(line)
    s = " ".join(out)
    s = re.sub(r"\\f[BIRP]", "", s).replace("\\-", "-").replace("\\e", "\\")
    s = re.sub(r"\\\((lq|rq)", '"', s).replace("\\(:o", "ö").replace("\\(:a", "ä")
    s = s.replace("\\(oa", "å").replace("\\&", "")
    return " ".join(s.split())

def sections(page):
    """{".SH name": roff source} of a man page."""
    out, name = {}, None
    for line in read(page).split("\n"):
        if line.startswith(".SH "):
            name = line[4:].strip().strip('"')
            out[name] = []
        elif name:
            out[name].append(line)
    return {k: "\n".join(v) for k, v in out.items()}

def entries(roff):
    """[(heading text, body text)] of the .TP entries of a section (not nested ones)."""
    out, lines, depth, i = [], roff.split("\n"), 0, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(".RS"):
            depth += 1
        elif line.startswith(".RE"):
            depth -= 1
        elif line.startswith(".TP") and depth == 0 and i + 1 < len(lines):
            body, j = [], i + 2
            d = 0
            while j < len(lines) and not (d == 0 and re.match(r"\.(TP|SS|SH|PP)\b", lines[j])):
                d += lines[j].startswith(".RS") - lines[j].startswith(".RE")
                body.append(lines[j])
                j += 1
            out.append((text(lines[i + 1]), text("\n".join(body))))
            i = j
            continue
        i += 1
    return out

def same(what, code, doc):
    code, doc = set(code), set(doc)
    ok(code - doc == set(), "%s: everything in the code is documented%s"
       % (what, "" if code <= doc else " (missing: %s)" % ", ".join(sorted(code - doc))))
    ok(doc - code == set(), "%s: nothing documented that the code lacks%s"
       % (what, "" if doc <= code else " (%s)" % ", ".join(sorted(doc - code))))

# ---- agendad(8) ----
ad = read(os.path.join(src, "agendad.c"))
page = sections(os.path.join(man, "agendad.8"))
longs = re.findall(r'\{ "([a-z-]+)", (?:no|required|optional)_argument, NULL, \'(.)\' \}', ad)
shortstr = re.search(r'getopt_long\(argc, argv, "([^"]*)"', ad).group(1)
shorts = set(c for c in shortstr if c != ":")
ok(len(longs) >= 6 and shorts, "agendad.c: the getopt table (%d long options) and the short "
   "option string '%s' were found" % (len(longs), shortstr))
usage = function(ad, "usage")
u_longs = set(re.findall(r"--([a-z][a-z-]*)", usage))
u_shorts = set(re.findall(r"(?<![-\w])-([a-zA-Z])\b", usage))
same("agendad: usage() against the getopt table, long options", [l for l, _ in longs], u_longs)
same("agendad: usage() against the short option string", shorts, u_shorts)
opts = [h for h, _ in entries(page.get("OPTIONS", ""))]
doc_longs = set(x for h in opts for x in re.findall(r"--([a-z][a-z-]*)", h))
doc_shorts = set(x for h in opts for x in re.findall(r"(?<![-\w])-([a-zA-Z])\b", h))
same("agendad(8) OPTIONS, long options", [l for l, _ in longs], doc_longs)
same("agendad(8) OPTIONS, short options", shorts, doc_shorts)
for l, s in longs:
    if s in shorts:
        ok(any("--" + l in h and "-" + s + "," in h for h in opts),
           "agendad(8): -%s and --%s are one entry" % (s, l))
sigs = set(re.findall(r"sigaction\((SIG[A-Z]+)", ad))
doc_sigs = set(x for h, _ in entries(page.get("SIGNALS", "")) for x in re.findall(r"SIG[A-Z]+", h))
same("agendad(8) SIGNALS", sigs, doc_sigs)
codes = set(EXIT[x] for x in re.findall(r"\b(EX_[A-Z]+)\b", ad))
doc_codes = set(int(h) for h, _ in entries(page.get("EXIT STATUS", "")) if h.isdigit())
same("agendad(8) EXIT STATUS", codes, doc_codes)
env = set()
for f in glob.glob(os.path.join(src, "*.c")):
    env |= set(re.findall(r'getenv\("([A-Z_]+)"\)', read(f)))
# the classifier's tuning knobs (src/classify.c), for its developers, not administrators
env -= {"CLASSIFY_TUNE", "KWV", "TEMP"}
doc_env = set(h for h, _ in entries(page.get("ENVIRONMENT", "")))
same("agendad(8) ENVIRONMENT", env | {"NOTIFY_SOCKET"}, doc_env)

# ---- agendactl(1) ----
ac = read(os.path.join(src, "agendactl.c"))
page = sections(os.path.join(man, "agendactl.1"))
consts = dict(re.findall(r'static const char (\w+)\[\] = "([^"]*)";', ac))
table = re.findall(r'\{ "([a-z-]+)", (?:NULL|"([a-z]+)"), cmd_\w+, (\w+|"[^"]*")', ac)
commands = {}
for name, sub, use in table:
    use = consts.get(use, use.strip('"'))
    commands[(name + " " + sub).strip()] = set(re.findall(r"--([a-z]+)", use))
ok(len(commands) >= 15, "agendactl.c: the command table (%d commands) was found" % len(commands))
taken = set(re.findall(r'take_(?:option|flag)\(&argc, argv, "--([a-z]+)"', ac))
used = set().union(*commands.values())
same("agendactl: options the code takes against the usage strings", taken, used)
doc = {}
for h, _ in entries(page.get("COMMANDS", "")):
    words = h.split()
    name = " ".join(words[:2]) if words[0] == "meeting" else words[0]
    doc[name] = set(re.findall(r"--([a-z]+)", h))
same("agendactl(1) COMMANDS", commands, doc)
for name in sorted(set(commands) & set(doc)):
    ok(commands[name] == doc[name], "agendactl(1) %s: the options of its usage (%s)%s"
       % (name, " ".join(sorted(commands[name])) or "none",
          "" if commands[name] == doc[name] else ", not %s" % " ".join(sorted(doc[name]))))
main = function(ac, "main")
g = set(re.findall(r'strcmp\(argv\[i\], "(-[-a-z]+)"\)', main))
opts = [h for h, _ in entries(page.get("OPTIONS", ""))]
doc_g = set(re.findall(r"(?<![-\w])(--?[a-z][a-z-]*)", " ".join(opts)))
same("agendactl(1) OPTIONS", g, doc_g)
codes = set(EXIT[x] for x in re.findall(r"\b(EX_[A-Z]+)\b", ac))
codes |= {1, 2} # status: degraded, failing
doc_codes = set(int(n) for h, _ in entries(page.get("EXIT STATUS", ""))
                for n in re.findall(r"\d+", h))
same("agendactl(1) EXIT STATUS", codes, doc_codes)
doc_env = set(h for h, _ in entries(page.get("ENVIRONMENT", "")))
ok(doc_env <= env, "agendactl(1) ENVIRONMENT names only variables the code reads (%s)"
   % ", ".join(sorted(doc_env)))

# ---- agendad.conf(5) ----
cf = read(os.path.join(src, "config.c"))
page = sections(os.path.join(man, "agendad.conf.5"))
keys = re.findall(r'\b([SBIZA])\("(\w+)", "(\w+)", ([\w.]+)(?:, (\w+))?(?:, (-?[\w<() ]+), (-?[\w<() ]+))?\)', cf)
ok(len(keys) >= 30, "config.c: the key table (%d keys) was found" % len(keys))
code = {}
for kind, sec, key, field, req, lo, hi in keys:
    code.setdefault(sec, {})[key] = (kind, field, req, lo, hi)
code["association NAME"] = {k: None for k in re.findall(r'strcmp\(key, "(\w+)"\)', function(cf, "handle_association"))}
code["meeting DATE"] = {k: None for k in re.findall(r'strcmp\(key, "(\w+)"\)', function(cf, "handle_meeting"))}
doc = {}
for name, roff in page.items():
    m = re.match(r"\[(.*)\]$", name)
    if m:
        doc[m.group(1)] = {h.split()[0]: (h, body) for h, body in entries(roff)}
same("agendad.conf(5) sections", code, doc)
defaults = dict(re.findall(r"c->([\w.]+) = ([^;]+);", function(cf, "set_defaults")))

def size(n):
    for unit, mult in (("G", 1 << 30), ("M", 1 << 20), ("k", 1 << 10)):
        if n >= mult and n % mult == 0:
            return "%d%s" % (n // mult, unit)
    return str(n)

def number(expr, kind):
    n = int(eval(expr.replace("L", "")))
    return size(n) if kind == "Z" else str(n)

for sec in sorted(set(code) & set(doc)):
    same("agendad.conf(5) [%s]" % sec, code[sec], doc[sec])
    for key, spec in sorted(code[sec].items()):
        if spec is None or key not in doc[sec]:
            continue
        kind, field, req, lo, hi = spec
        head, body = doc[sec][key]
        entry = head + " " + body
        if req == "true":
            ok("(required)" in head, "agendad.conf(5) [%s] %s: marked required" % (sec, key))
        if kind in "IZ":
            want = "%s to %s" % (number(lo, kind), number(hi, kind))
            ok(want in entry, "agendad.conf(5) [%s] %s: range %s" % (sec, key, want))
        d = defaults.get(field)
        if d is not None:
            d = d.strip()
            m = re.match(r'xstrdup\("(.*)"\)$', d)
            if m:
                want = m.group(1)
            elif d in ("true", "false"):
                want = "yes" if d == "true" else "no"
            else:
                want = number(d.replace(" ", ""), kind) if kind in "IZ" else d
            ok("default %s" % want in entry, "agendad.conf(5) [%s] %s: default %s" % (sec, key, want))
EOF
t_done
