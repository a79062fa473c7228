#!/bin/sh
# Chapter 04: post a signature as JSON, {"signature": "..."}, the third body form of chapter 03, and
# print the API's answer: its body, then the status on a line of its own.
#
#   sh 04-deploy-test/curl/json-body.sh CHECK_URL SIGNATURE
#
# Exit status: 0 when the API answered (whatever the status), 2 on misuse, 3 when it could not be reached.
[ $# -eq 2 ] || { printf 'Usage: sh 04-deploy-test/curl/json-body.sh CHECK_URL SIGNATURE\n' >&2; exit 2; }
url=$1
signature=$2

# The signature goes inside a JSON string: a signature holds no quote or backslash, so none is escaped.
curl --silent --show-error --max-time 30 --request POST \
  --header 'Content-Type: application/json' \
  --data-binary "{\"signature\": \"$signature\"}" \
  --write-out '\nHTTP %{http_code}\n' "$url" || exit 3
