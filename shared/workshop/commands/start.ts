/**
 * npm start [-- --reset] [--verbose]: the whole workshop on this machine, no AWS account, no network.
 * Starts the local logs, S3, API and site, prints where they are and a genuine signature to paste,
 * and stops everything on Ctrl-C.
 */

import './require-node';
import { encode, formatBillReference, sign } from '../../src/index';
import { ensureOfflineSecrets, legacyKey, signingKeyring } from '../env';
import { onStopRequest } from '../process/stop';
import { type RunningWorkshop, resetLocalData, startWorkshop } from '../stand-ins/workshop';
import { parseCommandLine, say } from './cli';

const USAGE = `Usage: npm start [-- --reset] [--verbose] [--use-exercises]
  --reset          delete the local bucket and logs (.local/s3, .local/logs) first, if they carry the workshop's marker
  --verbose        print everything the API's serverless-offline prints
  --use-exercises  run your exercise files that pass their check in place of the chapters' code
Ports: SITE_PORT, S3_PORT, API_PORT, LAMBDA_PORT, LOGS_PORT (defaults in shared/settings.json).`;

const DEMO_BILL = { email: 'jane.doe@example.com', billNumber: '2019-0042' };

async function main(): Promise<void> {
  const { values } = parseCommandLine('start', USAGE, {
    options: {
      reset: { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      'use-exercises': { type: 'boolean', default: false },
    },
  });

  say('5€ pour rien: the whole workshop, offline. Starting...');
  if (values.reset) resetLocalData((line) => say(`    ${line}`));
  const madeKeys = ensureOfflineSecrets();
  if (madeKeys) say(`    ${madeKeys}`);
  // Validate the keys before starting anything: a bad SIGNING_KEYS is a clear error, not a broken API.
  const legacy = encode(legacyKey(), formatBillReference(DEMO_BILL));
  const token = sign(DEMO_BILL, signingKeyring());

  // Ctrl-C, SIGTERM, SIGHUP or npm gone: stop everything, also while it starts (exit hooks then stop the
  // API's server and remove its build folder).
  let workshop: RunningWorkshop | undefined;
  onStopRequest(async (reason) => {
    if (!workshop) {
      say(`\n${reason} while starting: stopping.`);
      process.exit(130);
    }
    say(`\n${reason}: stopping... (Ctrl-C again to force)`);
    await workshop.stop();
    say('Stopped. Local data is kept in .local/ (npm start -- --reset clears it).');
    process.exit(0);
  });
  if (values['use-exercises']) {
    // Loaded only here: checking the exercises loads every chapter's checks.
    const { useExercisesInPlace } = require('../exercises/all') as typeof import('../exercises/all');
    const { using, notYet, notSwappable } = await useExercisesInPlace();
    for (const exercise of using) {
      say(`    yours    ${exercise.id} ${exercise.file} runs in place of ${exercise.replaces}`);
    }
    for (const exercise of notYet) {
      say(
        `    not yet  ${exercise.id} ${exercise.file} does not pass its check (npm run exercise -- ${exercise.id}): ${exercise.replaces} runs`,
      );
    }
    say(
      `    not swapped in: ${notSwappable.map((exercise) => exercise.id).join(', ')} (a serverless.yml block, a Postman test, a curl, a tail: nothing the workshop runs; npm run exercise checks them)`,
    );
  }

  workshop = await startWorkshop({
    say: (line) => say(`  ${line}`),
    onApiLine: values.verbose ? (line) => say(`  [api] ${line}`) : undefined,
  });
  const { urls } = workshop;
  say(`
  site           ${urls.site}   (check a signature: ${urls.checkPage})
  API            POST ${urls.check}
  logs endpoint  ${urls.logs}   (log group ${urls.logGroup})
  local S3       ${urls.s3}

  A genuine signature for ${formatBillReference(DEMO_BILL)}, as the article's bills carry:
    ${legacy}
  The same bill with the real signature (HMAC token):
    ${token}

  Next, in another terminal:
    curl -s -X POST --data '${legacy}' ${urls.check}
    curl -s -X POST --data 'skrttskrtttt' ${urls.check}
    npm run chapter:5 -- --offline --follow     # the API's logs, live
    npm test                                     # every chapter's tests

  Ctrl-C stops everything.`);
}

main().catch((error: Error) => {
  process.stderr.write(`start: ${error.message}\n`);
  process.exit(1);
});
