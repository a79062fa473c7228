#!/bin/sh
# Chapter 04: post the article's two signatures to the check API with curl, and print what comes back.
#
#   sh 04-deploy-test/curl/check.sh [CHECK_URL] [SIGNATURE]
#
#   CHECK_URL  the endpoint, e.g. https://abc123.execute-api.eu-west-3.amazonaws.com/dev/check
#              default: $CHECK_URL, else the deployed chapter 03 stack's (npm run chapter:4 -- --print-url)
#   SIGNATURE  a genuine signature; default: $SIGNATURE, else one made with
#              npm run sign -- --legacy --email jane.doe@example.com --bill 2019-0042
#
# With both given it needs nothing but curl. Exit status: 0 when both answers have the expected status,
# 1 when one does not, 2 on misuse, 3 when the API could not be reached.

usage() {
  # shellcheck disable=SC2016 # $CHECK_URL and $SIGNATURE are printed as names, not expanded
  printf '%s\n' \
    'Usage: sh 04-deploy-test/curl/check.sh [CHECK_URL] [SIGNATURE]' \
    '  CHECK_URL  the check endpoint (default: $CHECK_URL, else read from the deployed chapter 03 stack)' \
    '  SIGNATURE  a genuine signature (default: $SIGNATURE, else npm run sign -- --legacy ...)'
}

fail() {
  printf 'check.sh: %s\n' "$1" >&2
  exit 2
}

case ${1-} in
  -h | --help) usage; exit 0 ;;
  -*) usage >&2; fail "unknown option $1" ;;
esac
[ $# -le 2 ] || { usage >&2; fail "expected at most 2 arguments, got $#"; }

command -v curl >/dev/null 2>&1 || fail 'curl is not installed: install it (https://curl.se/download.html), then run this again.'

# The repository root, for the two npm fallbacks (no dirname: this script must run with curl alone).
case $0 in
  */*) here=${0%/*} ;;
  *) here=. ;;
esac
root="$here/../.."

url=${1:-${CHECK_URL:-}}
if [ -z "$url" ]; then
  command -v npm >/dev/null 2>&1 || fail 'no CHECK_URL: give the endpoint as the first argument (it is in the output of the deploy).'
  printf 'No CHECK_URL given: reading it from the deployed chapter 03 stack...\n' >&2
  url=$(cd "$root" && npm run --silent chapter:4 -- --print-url) || fail 'could not read the endpoint (see above): give it as the first argument.'
fi
case $url in
  http://* | https://*) ;;
  *) fail "\"$url\" is not an http(s) URL: give the check endpoint, e.g. https://abc123.execute-api.eu-west-3.amazonaws.com/dev/check" ;;
esac

signature=${2:-${SIGNATURE:-}}
if [ -z "$signature" ]; then
  command -v npm >/dev/null 2>&1 || fail 'no SIGNATURE: give a genuine signature as the second argument (npm run sign -- --legacy ... makes one).'
  signature=$(cd "$root" && npm run --silent sign -- --legacy --email jane.doe@example.com --bill 2019-0042) ||
    fail 'could not make a signature (see above): give one as the second argument.'
fi

nl='
'
failures=0

# post LABEL BODY EXPECTED_STATUS: send BODY as the raw request body, as Postman's Body > raw does.
post() {
  printf '\n== %s\n' "$1"
  printf 'POST %s\nbody: %s\n' "$url" "$2"
  # The body goes through stdin (@-): a body starting with "@" is then never read as a file name.
  response=$(printf '%s' "$2" | curl --silent --show-error --max-time 30 --request POST \
    --header 'Content-Type: text/plain' --data-binary @- --write-out "$nl%{http_code}" "$url")
  code=$?
  if [ "$code" -ne 0 ]; then
    case $code in
      3) printf 'curl: the URL is malformed: %s\n' "$url" >&2 ;;
      6) printf 'curl: the host of %s does not resolve: check the URL, or redeploy chapter 03 if it was removed.\n' "$url" >&2 ;;
      7) printf 'curl: nothing answers at %s: is the API running (npm run chapter:4 -- --offline starts it locally)?\n' "$url" >&2 ;;
      28) printf 'curl: no answer within 30 s from %s.\n' "$url" >&2 ;;
      *) printf 'curl failed with exit code %s (see man curl, EXIT CODES).\n' "$code" >&2 ;;
    esac
    exit 3
  fi
  status=${response##*"$nl"}
  body=${response%"$nl"*}
  printf 'HTTP %s\n' "$status"
  if [ -n "$body" ]; then printf '%s\n' "$body"; else printf '(empty body)\n'; fi
  if [ "$status" = "$3" ]; then
    printf 'as expected: %s\n' "$3"
  else
    printf 'NOT as expected: wanted %s, got %s\n' "$3" "$status"
    failures=$((failures + 1))
  fi
}

post '1. A genuine signature: expect 200 and the bill it covers' "$signature" 200
post '2. "skrttskrtttt", the article'"'"'s forgery: expect 400 and why' 'skrttskrtttt' 400

printf '\n'
if [ "$failures" -eq 0 ]; then
  printf 'Both answers are as expected.\n'
else
  printf '%s answer(s) not as expected: compare with 04-deploy-test/README.md, step 2.\n' "$failures"
  exit 1
fi
