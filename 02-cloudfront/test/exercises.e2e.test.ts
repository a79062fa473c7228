/**
 * Chapter 02's exercise: its check fails on known wrong answers (serverless.yml with one mistake), each
 * found from the template that `serverless package` writes, with the message that helps.
 */
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
]);
