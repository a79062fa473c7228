/**
 * The check page's request: POST the signature to the API and hand back its answer, status and raw
 * text, whatever the status (a 400 is an answer to show, not a failure). Only a network failure, or the
 * browser refusing the answer (CORS), rejects.
 */

export interface Answer {
  readonly status: number;
  /** The body as text: check-result.ts parses it, and copes when it is not JSON. */
  readonly body: string;
}

export async function postSignature(checkUrl: string, signature: string): Promise<Answer> {
  const response = await fetch(checkUrl, {
    method: 'POST',
    // text/plain keeps this a "simple" CORS request: no preflight round trip before the check.
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    body: signature,
  });
  return { status: response.status, body: await response.text() };
}
