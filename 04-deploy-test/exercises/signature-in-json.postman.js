// Exercise 4.1: the Postman tests of the request "Signature in JSON" (see the chapter README, "Exercises").
//
// This is that request's Tests script in postman/cinq-euros-check.postman_collection.json, with the tests
// taken out. Write them here, then run
//   npm run exercise -- 4
// The check runs your script with newman on that request, against the real chapter 03 handler: every
// test must pass on the API's real answer, and one at least must fail on each wrong answer the check
// makes it give (a 400, another scheme, another bill).
// Stuck? npm run exercise -- 4 --hint. The answer: npm run exercise -- 4.1 --solution.
//
// What you have: pm.response.code (the status), pm.response.json() (the body, parsed),
// pm.variables.get('billEmail') and pm.variables.get('billNumber') (the bill that was signed),
// pm.test(name, fn) and pm.expect(value, what).to.equal(...) / .to.deep.equal(...).
const reference = pm.variables.get('billEmail') + '#' + pm.variables.get('billNumber');

// TODO 1. A test that the status is 200.

// TODO 2. A test that the answer says authentic: true, with the legacy (article) scheme.

// TODO 3. A test that the body holds the decoded bill reference (`reference` in "text") and the bill,
//   {email, billNumber}, equal to the variables.
