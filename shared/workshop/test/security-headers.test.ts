import { headersFromPolicy } from '../stand-ins/cdn/security-headers';

describe('headersFromPolicy', () => {
  it('gives the headers a browser receives for a SecurityHeadersConfig', () => {
    expect(
      headersFromPolicy({
        StrictTransportSecurity: { AccessControlMaxAgeSec: 600, IncludeSubdomains: true, Preload: true },
        ContentSecurityPolicy: { ContentSecurityPolicy: "default-src 'self'" },
        ContentTypeOptions: {},
        FrameOptions: { FrameOption: 'SAMEORIGIN' },
        ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
      }),
    ).toEqual({
      'strict-transport-security': 'max-age=600; includeSubDomains; preload',
      'content-security-policy': "default-src 'self'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
    });
  });

  it('adds only what the policy sets', () => {
    expect(headersFromPolicy({ StrictTransportSecurity: { AccessControlMaxAgeSec: 1 } })).toEqual({
      'strict-transport-security': 'max-age=1',
    });
  });

  it('refuses a CSP that is known only at deploy time', () => {
    expect(() =>
      headersFromPolicy({
        ContentSecurityPolicy: { ContentSecurityPolicy: { Ref: 'X' } as unknown as string },
      }),
    ).toThrow(/known only at deploy time/);
  });
});
