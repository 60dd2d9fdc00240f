#!/bin/sh
# Regenerates the certificates test_imap.c verifies (run from anywhere; the
# files are checked in, so this is only needed to change them).
#   ca.pem            test CA, valid until 2125
#   other-ca.pem      an unrelated CA (the "wrong ca_file" case)
#   server.der        leaf from ca.pem: DNS mail.example.org, DNS *.example.net,
#                     IP 127.0.0.1, IP ::1; valid until 2125
#   expired.der       leaf from ca.pem for mail.example.org, expired in 2021
#   cn-only.der       leaf from ca.pem with CN=old.example.org and no SAN
set -eu
cd "$(dirname "$0")"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
days=36500
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days $days -subj "/O=agendad test/CN=agendad test CA" \
	-keyout "$t/ca.key" -out ca.pem 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days $days -subj "/O=elsewhere/CN=other CA" \
	-keyout "$t/other.key" -out other-ca.pem 2>/dev/null
leaf() { # name subject san startdate enddate
	openssl req -newkey rsa:2048 -nodes -sha256 -subj "$2" -keyout "$t/$1.key" -out "$t/$1.csr" 2>/dev/null
	mkdir -p "$t/db"; : > "$t/db/index"; echo 01 > "$t/db/serial"
	cat > "$t/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $t/db/index
serial = $t/db/serial
new_certs_dir = $t/db
default_md = sha256
policy = p
copy_extensions = none
unique_subject = no
[p]
commonName = supplied
organizationName = optional
[ext]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
${3:+subjectAltName = $3}
CNF
	openssl ca -batch -config "$t/ca.cnf" -cert ca.pem -keyfile "$t/ca.key" -extensions ext \
		-startdate "$4" -enddate "$5" -in "$t/$1.csr" -out "$t/$1.pem" 2>/dev/null
	openssl x509 -in "$t/$1.pem" -outform DER -out "$1.der"
}
leaf server "/CN=mail.example.org" "DNS:mail.example.org,DNS:*.example.net,IP:127.0.0.1,IP:::1" \
	20250101000000Z 21250101000000Z
leaf expired "/CN=mail.example.org" "DNS:mail.example.org" 20200101000000Z 20210101000000Z
leaf cn-only "/CN=old.example.org" "" 20250101000000Z 21250101000000Z
