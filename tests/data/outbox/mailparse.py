#!/usr/bin/python3
"""mailparse.py FILE - what Python's email package (a real MIME parser) sees
in a composed mail, as one JSON object, for tests/unit/test_outbox.c:

  headers      top-level header names in order
  subject, from_name, from_addr, to_name, to_addr, message_id, in_reply_to,
  references, auto_submitted, date_ts (Unix time of Date)   decoded values
  subject_strict, from_name_strict, to_name_strict   the same decoded by the
               compat32 RFC 2047 decoder
  structure    "multipart/mixed(multipart/alternative(text/plain,text/html),x/y)"
  parts        leaf parts: type, charset, cte, disposition, filename, text (text
               parts, "\\n" line ends) or sha256 and size (others), max_line (of
               the encoded body)
  defects      every defect Python found, as text
  bad_words    encoded words over 75 characters, or whose bytes are not UTF-8
               on their own (a character split between words)
  max_line     longest line of the whole mail, in octets without CRLF
  bare_eol     true when a CR or LF appears outside a CRLF pair
"""
import base64, binascii, email, email.header, email.policy, email.utils, hashlib, json, quopri, re, sys

raw = open(sys.argv[1], 'rb').read()
msg = email.message_from_bytes(raw, policy=email.policy.default)
out = {'defects': [], 'parts': [], 'bad_words': []}

out['bare_eol'] = re.search(rb'\r(?!\n)|(?<!\r)\n', raw) is not None
out['max_line'] = max(len(l) for l in raw.split(b'\r\n'))
out['headers'] = list(msg.keys())


def hdr(name):
    v = msg.get(name)
    if v is None:
        return None
    out['defects'] += ['%s: %r' % (name, d) for d in getattr(v, 'defects', [])]
    return str(v)


for name in ('Subject', 'Message-ID', 'In-Reply-To', 'References', 'Auto-Submitted'):
    out[name.lower().replace('-', '_')] = hdr(name)
for name in ('From', 'To'):
    v = msg.get(name)
    out['defects'] += ['%s: %r' % (name, d) for d in v.defects]
    addrs = v.addresses
    out[name.lower() + '_count'] = len(addrs)
    out[name.lower() + '_name'] = addrs[0].display_name if addrs else None
    out[name.lower() + '_addr'] = addrs[0].addr_spec if addrs else None
# the same through the RFC 2047 decoder of the compat32 API, which drops
# whitespace between adjacent encoded words as the RFC (and Outlook) does
old = email.message_from_bytes(raw, policy=email.policy.compat32)


def strict(value):
    return str(email.header.make_header(email.header.decode_header(value)))


out['subject_strict'] = strict(old['Subject'] or '').replace('\r\n', '')
for name in ('From', 'To'):
    display, _ = email.utils.parseaddr(old[name].replace('\r\n', ''))
    out[name.lower() + '_name_strict'] = strict(display)
out['date_ts'] = int(email.utils.parsedate_to_datetime(str(msg['Date'])).timestamp())

# every encoded word in the header section must stand alone
head = raw.split(b'\r\n\r\n', 1)[0].decode('ascii', 'replace')
for word in re.findall(r'=\?([^?]+)\?([BbQq])\?([^?]*)\?=', head):
    text = '=?%s?%s?%s?=' % word
    try:
        data = (base64.b64decode(word[2]) if word[1] in 'Bb'
                else quopri.decodestring(word[2].replace('_', ' ').encode(), header=True))
        data.decode('utf-8')
        ok = len(text) <= 75
    except (UnicodeDecodeError, binascii.Error, ValueError):
        ok = False
    if not ok:
        out['bad_words'].append(text)


def walk(part):
    out['defects'] += ['%s: %r' % (part.get_content_type(), d) for d in part.defects]
    if part.is_multipart():
        return '%s(%s)' % (part.get_content_type(),
                           ','.join(walk(p) for p in part.iter_parts()))
    encoded = part.get_payload(decode=False)
    info = {'type': part.get_content_type(), 'charset': part.get_content_charset(),
            'cte': part.get('Content-Transfer-Encoding'),
            'disposition': part.get_content_disposition(), 'filename': part.get_filename(),
            'max_line': max((len(l) for l in encoded.splitlines()), default=0)}
    if part.get_content_maintype() == 'text' and part.get_content_disposition() != 'attachment':
        info['text'] = part.get_content().replace('\r\n', '\n')
    else:
        data = part.get_payload(decode=True)
        info['sha256'] = hashlib.sha256(data).hexdigest()
        info['size'] = len(data)
    out['parts'].append(info)
    return part.get_content_type()


out['structure'] = walk(msg)
json.dump(out, sys.stdout, ensure_ascii=False)
