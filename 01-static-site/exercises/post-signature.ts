/**
 * Exercise 1.1: the check page's request (see the chapter README, "Exercises").
 *
 * This is site/src/post-signature.ts with its body taken out. Fill in the TODO, then run
 *   npm run exercise -- 1
 * Stuck? npm run exercise -- 1 --hint. The answer: npm run exercise -- 1.1 --solution.
 */

export interface Answer {
  readonly status: number;
  /** The body as text: check-result.ts parses it, and copes when it is not JSON. */
  readonly body: string;
}

export async function postSignature(checkUrl: string, signature: string): Promise<Answer> {
  // TODO: send the signature to checkUrl with fetch(), and return the API's answer.
  //   - method POST, the signature alone as the body;
  //   - Content-Type text/plain;charset=UTF-8: the page and the API are on two origins, and with this
  //     type the browser sends the request straight away (a "simple" CORS request), with no OPTIONS
  //     preflight before it;
  //   - return { status, body } with the body as text, for every status: a 400 is an answer to show
  //     ("This is not an authentic signature"), not an error.
  throw new Error('TODO: postSignature is not written yet');
}
