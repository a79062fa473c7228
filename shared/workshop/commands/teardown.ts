/**
 * npm run teardown [-- --yes] [--parameters]: remove every stack the chapters created for this stage,
 * emptying their buckets first, then the Lambda's log group; asks first unless --yes.
 */
import './require-node';
import { createInterface } from 'node:readline/promises';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { clientOptions, explainAwsError } from '../../src/aws';
import { region, stage } from '../../src/config';
import { awsTeardownClients, describePlan, planTeardown, runTeardown } from '../aws/remove-stacks';
import { loadDotEnv } from '../env';
import { parseCommandLine, say } from './cli';

const USAGE = `Usage: npm run teardown [-- --yes] [--parameters]
  --yes         do not ask before deleting
  --parameters  also delete the SSM parameters holding the signature keys`;

async function main(): Promise<number> {
  const { values } = parseCommandLine('teardown', USAGE, {
    options: {
      yes: { type: 'boolean', short: 'y', default: false },
      parameters: { type: 'boolean', default: false },
    },
  });
  loadDotEnv();
  const clients = awsTeardownClients(clientOptions());
  // Credentials first, resolved on this machine: without them, that is the first thing to say.
  const probe = new CloudFormationClient(clientOptions());
  try {
    await probe.config.credentials();
  } finally {
    probe.destroy();
  }
  say(`Looking for the workshop's resources in ${region()}, stage ${stage()}...`);
  const plan = await planTeardown(clients, { withParameters: values.parameters ?? false });
  const lines = describePlan(plan);
  if (plan.stacks.length === 0) say('No chapter stack is deployed for this stage.');
  say('This removes:');
  for (const line of lines) say(`  - ${line}`);
  if (!values.yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write(
        'teardown: not asking on a non-interactive terminal: run it again with -- --yes\n',
      );
      return 2;
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await rl.question('Delete all of this? [y/N] ')).trim().toLowerCase();
    rl.close();
    if (answer !== 'y' && answer !== 'yes') {
      say('Nothing was deleted.');
      return 1;
    }
  }
  const removed = await runTeardown(clients, plan, { say });
  say(removed.length ? `Removed ${removed.length} thing(s):` : 'Nothing was left to remove.');
  for (const line of removed) say(`  - ${line}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`teardown: ${explainAwsError(error, { offlineHint: false })}\n`);
    process.exit(1);
  },
);
