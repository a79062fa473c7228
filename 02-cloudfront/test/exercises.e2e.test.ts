/**
 * Chapter 02's exercise: its check fails on known wrong answers (serverless.yml with one mistake), each
 * found from the template that `serverless package` writes, with the message that helps.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeExercise } from '../../shared/workshop/test-support/exercises';
import { exercises } from '../exercises/checks';

describeExercise(exercises, '2.1', [
  {
    name: 'HSTS for one year instead of two',
    edits: [['AccessControlMaxAgeSec: 63072000', 'AccessControlMaxAgeSec: 31536000']],
    says: /Strict-Transport-Security.*max-age=63072000.*got "max-age=31536000; includeSubDomains"/,
  },
  {
    name: 'allows inline scripts',
    edits: [["script-src 'self'", "script-src 'self' 'unsafe-inline'"]],
    says: /script-src should be 'self'.*it is 'self' 'unsafe-inline'/,
  },
  {
    name: 'names the API origin even when there is none',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless.yml's own ${param:...} syntax
    edits: [['!If [HasApi, " ${param:apiOrigin}", ""]', '" ${param:apiOrigin}"']],
    says: /HasApi is false.*connect-src should be 'self'.*it is 'self' https:/,
  },
  {
    name: "hard-codes the check's own API origin in connect-src",
    edits: [
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless.yml's own ${param:...} syntax
        '!If [HasApi, " ${param:apiOrigin}", ""]',
        '!If [HasApi, " https://abc123.execute-api.eu-west-3.amazonaws.com", ""]',
      ],
    ],
    says: /writes an origin out: .*https:\/\/abc123\.execute-api.*use the parameter \$\{param:apiOrigin\}/,
  },
  // Written as a learner would, beyond the list.
  {
    name: 'leaves out frame-ancestors',
    edits: [["; form-action 'self'; frame-ancestors 'none'\"", "; form-action 'self'\""]],
    says: /frame-ancestors should be 'none' \(no site may frame this one\), but it is missing/,
  },
  {
    name: "lets the origin's own CSP stand (Override: false)",
    edits: [
      [
        "                  - \"; base-uri 'none'; form-action 'self'; frame-ancestors 'none'\"\n              Override: true",
        "                  - \"; base-uri 'none'; form-action 'self'; frame-ancestors 'none'\"\n              Override: false",
      ],
    ],
    says: /ContentSecurityPolicy\.Override.*expected true, got false/,
  },
  {
    name: 'HSTS without its subdomains',
    edits: [['              IncludeSubdomains: true', '              IncludeSubdomains: false']],
    says: /Strict-Transport-Security.*max-age=63072000; includeSubDomains.*got "max-age=63072000"/,
  },
  {
    name: 'a YAML mistake in the exercise file: a key indented one space too far',
    base: readFileSync(path.join(__dirname, '..', 'exercises', 'security-headers.yml'), 'utf8'),
    edits: [
      [
        '  FrameOptions:\n    FrameOption: DENY\n',
        '  FrameOptions:\n    FrameOption: DENY\n     Override: false\n',
      ],
    ],
    says: /security-headers\.yml is not valid YAML:\n {2}02-cloudfront\/exercises\/security-headers\.yml:\d+:\d+: /,
  },
]);
