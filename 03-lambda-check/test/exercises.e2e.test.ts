/** Chapter 03's exercises: each check fails on its starter and on known wrong answers, passes on the chapter's code. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
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
  {
    name: "removes every space with replace(/\\s+/g, ''), inside the signature too",
    edits: [['  text = text.trim();\n', "  text = text.replace(/\\s+/g, '');\n"]],
    says: /space inside it.*should return \{ok: true, signature: "ab cd"\}.*"signature":"abcd".*\(TODO 2\)/,
  },
  {
    name: "takes a body with a '{' anywhere for JSON (includes for startsWith)",
    edits: [["if (text.startsWith('{')) {", "if (text.includes('{')) {"]],
    says: /"\{" inside, not at its start.*"problem":"bad-json".*\(TODO 3\)/,
  },
  // Written as a learner would, beyond the list.
  {
    name: 'decodes base64 with Buffer.from, which never refuses a body',
    edits: [
      [
        '    const unwrapped = unwrapBase64(raw);',
        "    const unwrapped: string | undefined = Buffer.from(raw, 'base64').toString('utf8');",
      ],
    ],
    says: /not base64 \(test\/events\/broken-base64-body\.json\).*bad-body-encoding.*\(TODO 1\)/,
  },
  {
    name: 'parses JSON without a try',
    edits: [
      [
        "    try {\n      parsed = JSON.parse(text);\n    } catch {\n      return problem('bad-json');\n    }",
        '    parsed = JSON.parse(text);',
      ],
    ],
    says: /cut short \(test\/events\/broken-json\.json\), threw: .*JSON/,
  },
  {
    name: 'removes the spaces inside a JSON signature too',
    edits: [['text = signature.trim();', "text = signature.replace(/\\s+/g, '');"]],
    says: /space inside: \{"signature": " ab cd "\}.*"signature":"abcd"/,
  },
  {
    name: 'a type error: a number where a string is wanted',
    edits: [['  let text = raw;', '  let text = raw;\n  const limit: number = "4096";']],
    says: /read-signature\.ts does not type-check.*\n.*read-signature\.ts:\d+:9: error TS2322: Type 'string' is not assignable to type 'number'/,
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
  // Written as a learner would.
  {
    name: 'names one parameter only',
    edits: [
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${...} syntax
        '            - !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${file(../shared/settings.json):service}/${sls:stage}/signing-keys\n',
        '',
      ],
    ],
    says: /Resource should be exactly the ARNs of the two parameters/,
  },
  {
    name: 'POST only, so the preflight (OPTIONS) never reaches the function',
    edits: [['      - http: { path: check, method: any }\n', '']],
    says: /The methods of \/check are \["POST"\]: there should be ANY/,
  },
  {
    name: 'a YAML mistake in the exercise file: a tab for indentation',
    base: readFileSync(path.join(__dirname, '..', 'exercises', 'function.yml'), 'utf8'),
    edits: [['events:\n', 'events:\n\t- http: { path: check, method: any }\n']],
    says: /function\.yml is not valid YAML:\n {2}03-lambda-check\/exercises\/function\.yml:\d+:\d+: /,
  },
]);
