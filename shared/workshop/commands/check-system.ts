/**
 * First step of `npm test`: on a Node.js that is not the Lambda's major, install that one into .local/ (the
 * function's tests run on it); then say which system programs are missing and how to install them.
 */
import './require-node';
import {
  hasSystem,
  howToInstall,
  installRuntimeNode,
  REQUIREMENTS,
  type RequirementName,
} from '../system-requirements';

installRuntimeNode();

const missing = (Object.keys(REQUIREMENTS) as RequirementName[]).filter((name) => !hasSystem(name));
if (missing.length > 0) {
  const strict = process.env.CI === 'true';
  process.stderr.write(
    `${strict ? 'error' : 'warning'}: ${missing.length} system program(s) that tests need are missing:\n`,
  );
  for (const name of missing) {
    const requirement = REQUIREMENTS[name];
    process.stderr.write(
      `  - ${requirement.name}, for ${requirement.usedFor}: ${howToInstall(requirement)}\n`,
    );
  }
  if (strict) {
    process.stderr.write('CI=true: these suites must run, so the test run stops here.\n');
    process.exit(1);
  }
  process.stderr.write(
    'Their suites are skipped on this machine (each says so); install them to run everything.\n',
  );
}
