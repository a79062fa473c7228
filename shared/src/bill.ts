/**
 * A bill reference, the text a bill's signature covers: `<customer email>#<bill number>`,
 * e.g. `jane.doe@example.com#2019-0042`. One parser for every chapter, strict on purpose:
 * the article's Lambda answered 200 for any text that happened to decode, garbage included.
 */

export interface Bill {
  /** The customer's email, as written on the bill. */
  readonly email: string;
  /** `YYYY-NNNN`: the year, then a sequence number of 4 to 6 digits. */
  readonly billNumber: string;
}

export type BillParseResult = { ok: true; bill: Bill } | { ok: false; reason: string };

const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
// No '#' in the local part (RFC 5322 would allow it): it separates the email from the bill number.
const LOCAL_PART = /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^[A-Za-z]{2,63}$/;
const BILL_NUMBER = /^(?:19|20)[0-9]{2}-[0-9]{4,6}$/;

/** Why an email is not well formed, or undefined when it is. */
export function emailProblem(email: string): string | undefined {
  if (email.length === 0) return 'the email is empty';
  if (email.length > MAX_EMAIL_LENGTH) return `the email is longer than ${MAX_EMAIL_LENGTH} characters`;
  const at = email.lastIndexOf('@');
  if (at <= 0 || email.indexOf('@') !== at) return 'the email needs exactly one "@" with a name before it';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(local)) {
    return 'the part before "@" may hold letters, digits, ".", "_", "%", "+" and "-", with no leading, trailing or double dot';
  }
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) {
    return 'the domain after "@" must be a name such as example.com';
  }
  if (!TOP_LEVEL_DOMAIN.test(labels[labels.length - 1] as string))
    return 'the domain must end in a letters-only suffix';
  return undefined;
}

/** Why a bill number is not well formed, or undefined when it is. */
export function billNumberProblem(billNumber: string): string | undefined {
  return BILL_NUMBER.test(billNumber)
    ? undefined
    : 'the bill number must be the year, "-", and a 4 to 6 digit sequence (e.g. 2019-0042)';
}

export function parseBillReference(text: string): BillParseResult {
  if (typeof text !== 'string') return { ok: false, reason: 'no bill reference' };
  const hash = text.lastIndexOf('#');
  if (hash < 0)
    return { ok: false, reason: 'a bill reference is "<email>#<bill number>", and this has no "#"' };
  const email = text.slice(0, hash);
  const billNumber = text.slice(hash + 1);
  const problem = emailProblem(email) ?? billNumberProblem(billNumber);
  return problem ? { ok: false, reason: problem } : { ok: true, bill: { email, billNumber } };
}

export function formatBillReference(bill: Bill): string {
  return `${bill.email}#${bill.billNumber}`;
}

/** `jane.doe@example.com` -> `j***@example.com`: enough to tell customers apart in logs, not to mail them. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
