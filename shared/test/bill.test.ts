import { formatBillReference, maskEmail, parseBillReference } from '../src/index';

describe('bill reference parser', () => {
  it.each([
    ['jane.doe@example.com#2019-0042', 'jane.doe@example.com', '2019-0042'],
    ['john.smith@example.org#2019-0001', 'john.smith@example.org', '2019-0001'],
    ['a+tag@sub.domain.example.co.uk#2026-123456', 'a+tag@sub.domain.example.co.uk', '2026-123456'],
  ])('reads %s', (text, email, billNumber) => {
    expect(parseBillReference(text)).toEqual({ ok: true, bill: { email, billNumber } });
    expect(formatBillReference({ email, billNumber })).toBe(text);
  });

  it.each([
    ['', /no "#"/],
    ['John Doe', /no "#"/],
    ['jane.doe@example.com', /no "#"/],
    ['jane.doe@example.com#', /bill number/],
    ['jane.doe@example.com#42', /bill number/],
    ['jane.doe@example.com#2019-42', /bill number/],
    ['jane.doe@example.com#2019-0042 ', /bill number/],
    ['jane.doe@example.com#2019-0042\n', /bill number/],
    ['#2019-0042', /empty/],
    ['jane.doeexample.com#2019-0042', /"@"/],
    ['jane@doe@example.com#2019-0042', /"@"/],
    ['.jane@example.com#2019-0042', /dot/],
    ['jane..doe@example.com#2019-0042', /dot/],
    ['jane#doe@example.com#2019-0042', /before "@"/],
    ['jané@example.com#2019-0042', /before "@"/],
    ['jane@localhost#2019-0042', /domain/],
    ['jane@-example.com#2019-0042', /domain/],
    ['jane@example.c0m#2019-0042', /suffix/],
    [`${'a'.repeat(65)}@example.com#2019-0042`, /before "@"/],
    [
      `a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(9)}.com#2019-0042`,
      /longer than 254/,
    ],
    ['\u0013<\f', /no "#"/],
  ])('rejects %j, saying why', (text, why) => {
    const result = parseBillReference(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(why);
  });

  it('masks an email for logs', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskEmail('x@example.com')).toBe('x***@example.com');
    expect(maskEmail('not an email')).toBe('***');
  });
});
