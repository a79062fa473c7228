/** Chapter 03's exercises: each check fails on its starter and on known wrong answers, passes on the chapter's code. */
import { describeExercise } from '../../shared/workshop/test-support/exercises';
import { exercises } from '../exercises/checks';

describeExercise(exercises, '3.1', [
  {
    name: 'unwraps base64 whenever isBase64Encoded is truthy (even the string "true")',
    edits: [['if (event.isBase64Encoded === true) {', 'if (event.isBase64Encoded) {']],
    says: /isBase64Encoded: "true".*\(TODO 1\)/,
  },
  {
    name: 'never trims the raw body',
    edits: [['  text = text.trim();\n', '']],
    says: /followed by a newline.*\(TODO 2\)/,
  },
  {
    name: 'takes {"signature": null} for a signature that is not a string',
    edits: [
      ['if (signature === undefined || signature === null) return', 'if (signature === undefined) return'],
    ],
    says: /"signature": null.*missing-signature.*signature-not-string/,
  },
  {
    name: 'keeps the spaces around the signature inside JSON',
    edits: [['text = signature.trim();', 'text = signature;']],
    says: /spaces around the signature.*\(TODO 3\)/,
  },
]);

describeExercise(exercises, '3.2', [
  {
    name: 'grants every SSM action',
    edits: [['          Action: ssm:GetParameters', '          Action: ssm:*']],
    says: /grants "ssm:\*": least privilege/,
  },
  {
    name: 'always requires the API key on POST',
    edits: [[`private: '\${strToBool(\${param:requireApiKey, "false"})}'`, 'private: true']],
    says: /Deployed as is, no method may require an API key/,
  },
]);
