#!/bin/sh
# Exercise 4.2: a curl for the JSON body (see the chapter README, "Exercises").
#
# This is curl/json-body.sh with its curl taken out. Write it, then run
#   npm run exercise -- 4
# The check runs this script against the real chapter 03 handler, on 127.0.0.1, and reads what it sent.
# Stuck? npm run exercise -- 4 --hint. The answer: npm run exercise -- 4.2 --solution.
#
#   sh 04-deploy-test/exercises/json-body.sh CHECK_URL SIGNATURE
#
# Exit status: 0 when the API answered (whatever the status), 2 on misuse, 3 when it could not be reached.
[ $# -eq 2 ] || { printf 'Usage: sh 04-deploy-test/exercises/json-body.sh CHECK_URL SIGNATURE\n' >&2; exit 2; }
url=$1
signature=$2

# TODO: one curl command that POSTs {"signature": "<the signature>"} to $url, with the header
#   Content-Type: application/json, and prints the answer's body, then "HTTP <status>" on a line of its
#   own (curl's --write-out '\nHTTP %{http_code}\n'). If curl fails (nothing answers), exit 3.
printf 'TODO: the curl is not written yet\n' >&2
exit 1
