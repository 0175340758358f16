#!/bin/sh
# First start of the container stack: a self-signed certificate for nginx when none is mounted.
# A real certificate goes in the same folder (GF_TLS_DIR) as fullchain.pem and privkey.pem; this
# step then leaves it alone. Usage: deploy/tls-init.sh [folder]   (default /certs)
set -eu
dir="${1:-/certs}"
name="${GF_SERVER_NAME:-localhost}"
if [ -s "$dir/fullchain.pem" ] && [ -s "$dir/privkey.pem" ]; then
  echo "tls-init: using the certificate in $dir"
  openssl x509 -in "$dir/fullchain.pem" -noout -subject -enddate
  exit 0
fi
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -sha256 \
  -subj "/CN=$name" -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/privkey.pem.new" -out "$dir/fullchain.pem.new" 2>/dev/null
chmod 644 "$dir/fullchain.pem.new"
chmod 644 "$dir/privkey.pem.new"  # read by nginx's master process in its own container only
mv "$dir/privkey.pem.new" "$dir/privkey.pem"
mv "$dir/fullchain.pem.new" "$dir/fullchain.pem"
echo "tls-init: generated a self-signed certificate for $name (365 days) in $dir"
