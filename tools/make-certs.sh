#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A node's TLS material, made once: a small CA of its own and a server
# certificate it signs, for the controller's --tls-cert/--tls-key and the
# clients' OS_CACERT / the agent's --cacert.
#
#   tools/make-certs.sh DIR [NAME_OR_IP...]
#   tools/make-certs.sh --node NODE DIR
#
# Writes DIR/ca.pem, DIR/ca-key.pem, DIR/server.pem and DIR/server-key.pem
# (key files 0600). The server certificate names 127.0.0.1, localhost, the
# host name and every NAME_OR_IP given. Files already there are kept: a
# restart must not change the certificate clients were told to trust.
# With --node, the CA (made if missing) signs a client certificate for the
# node named NODE instead, DIR/node-NODE.pem and DIR/node-NODE-key.pem, for
# its agent's --cert/--key when the controller has --tls-client-ca
# DIR/ca.pem. Prints nothing on success but the paths it made.
set -euo pipefail

NODE=""
if [ "${1:-}" = --node ]; then
	NODE=${2:?usage: tools/make-certs.sh --node NODE DIR}
	[[ $NODE =~ ^[A-Za-z0-9._-]+$ ]] || { echo "make-certs: node names are letters, digits, . _ -" >&2; exit 2; }
	shift 2
fi
DIR=${1:?usage: tools/make-certs.sh DIR [NAME_OR_IP...] | --node NODE DIR}
shift
OPENSSL=$(command -v openssl) || { echo "make-certs: openssl is not installed" >&2; exit 2; }
mkdir -p "$DIR"
CA="$DIR/ca.pem" CA_KEY="$DIR/ca-key.pem" CERT="$DIR/server.pem" KEY="$DIR/server-key.pem"

# ECDSA P-256: small keys and cheap handshakes; GnuTLS, OpenSSL and
# Python's ssl all take it.
newkey=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

if [ ! -s "$CA" ] || [ ! -s "$CA_KEY" ]; then
	(umask 077 && "$OPENSSL" req -x509 "${newkey[@]}" -keyout "$CA_KEY" -out "$CA" -days 3650 \
		-subj "/CN=Virga CA $(hostname)" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-addext "subjectKeyIdentifier=hash" 2>/dev/null)
	chmod 644 "$CA"
	rm -f "$CERT" "$KEY" # signed by a CA that is no more
	echo "$CA"
fi

# sign CSR EXTFILE OUT DAYS: a leaf certificate from the CA.
sign() {
	"$OPENSSL" x509 -req -in "$1" -CA "$CA" -CAkey "$CA_KEY" \
		-set_serial "0x$("$OPENSSL" rand -hex 16)" -days "$4" -sha256 \
		-extfile "$2" -out "$3" 2>/dev/null
	chmod 644 "$3"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -n "$NODE" ]; then
	CERT="$DIR/node-$NODE.pem" KEY="$DIR/node-$NODE-key.pem"
	if [ ! -s "$CERT" ] || [ ! -s "$KEY" ]; then
		# The node's name is the subject's CN: the controller compares it
		# with the node of the path.
		(umask 077 && "$OPENSSL" req -new "${newkey[@]}" -keyout "$KEY" -out "$tmp/csr" \
			-subj "/CN=$NODE" 2>/dev/null)
		cat >"$tmp/ext" <<EOF
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
		sign "$tmp/csr" "$tmp/ext" "$CERT" 730
		echo "$CERT"
	fi
	exit 0
fi

if [ ! -s "$CERT" ] || [ ! -s "$KEY" ]; then
	san="IP:127.0.0.1,DNS:localhost,DNS:$(hostname)"
	fqdn=$(hostname -f 2>/dev/null || true)
	[ -n "$fqdn" ] && [ "$fqdn" != "$(hostname)" ] && san="$san,DNS:$fqdn"
	for name in "$@"; do
		if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then san="$san,IP:$name"; else san="$san,DNS:$name"; fi
	done
	(umask 077 && "$OPENSSL" req -new "${newkey[@]}" -keyout "$KEY" -out "$tmp/csr" \
		-subj "/CN=$(hostname)" 2>/dev/null)
	cat >"$tmp/ext" <<EOF
subjectAltName = $san
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
	# Two years: within what browsers and most TLS stacks accept for a leaf.
	sign "$tmp/csr" "$tmp/ext" "$CERT" 730
	echo "$CERT"
fi
