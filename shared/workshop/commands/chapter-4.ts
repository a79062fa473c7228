/**
 * npm run chapter:4 [-- --offline | --url <check URL>] [--api-key <key>] [--junit <file>] [--verbose] [--print-url]
 *
 * Runs the chapter's Postman collection with newman against the deployed check API (its URL from the
 * chapter 03 stack's outputs) or, with --offline, against the offline API on API_PORT. Prints a report and
 * writes JUnit XML for CI systems. Exit status: 0 all tests passed, 1 a test failed, 2 misuse or setup problem.
 */
import './require-node';
import path from 'node:path';
import {
  DeployedApiError,
  deployedCheckUrl,
  deployedKeys,
  deployedSiteOrigin,
} from '../../../04-deploy-test/src/deployed';
import { formatReport } from '../../../04-deploy-test/src/report';
import {
  DEFAULT_JUNIT_FILE,
  type RunValues,
  runCollection,
  type Target,
} from '../../../04-deploy-test/src/run-collection';
import { port, SITE_ORIGIN, stage } from '../../src/config';
import { ensureOfflineSecrets, legacyKey, loadDotEnv, REPO_ROOT, signingKeyring } from '../env';
import { isListening, LOOPBACK } from '../process/ports';
import { startOfflineApi } from '../stand-ins/api/offline-api';
import { type Fail, failWith, parseCommandLine } from './cli';

const USAGE = `Usage: npm run chapter:4 [-- options]
  (no option)       test the deployed API (its URL from the chapter 03 stack's outputs)
  --offline         test the offline API on API_PORT (default 3000), starting it if nothing listens there
  --url <URL>       test this check endpoint instead (e.g. https://abc123.execute-api.eu-west-3.amazonaws.com/dev/check)
  --api-key <key>   send this API key (if chapter 03 was deployed with --api-key); default: $API_KEY
  --junit <file>    where to write the JUnit XML (default: 04-deploy-test/reports/chapter-04.junit.xml)
  --verbose         list every Postman test, not only the failed ones
  --print-url       only print the check URL (the curl script uses it)
  -h, --help        this help`;

const fail: Fail = failWith('chapter:4', USAGE);

interface Options {
  offline: boolean;
  url?: string;
  apiKey?: string;
  junit: string;
  verbose: boolean;
  printUrl: boolean;
}

function parseOptions(): Options {
  const { values } = parseCommandLine('chapter:4', USAGE, {
    options: {
      offline: { type: 'boolean' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      junit: { type: 'string' },
      verbose: { type: 'boolean' },
      'print-url': { type: 'boolean' },
    },
  });
  if (values.offline && values.url) {
    fail('--offline and --url both say where to send the requests: give only one.');
  }
  if (values.url !== undefined && !/^https?:\/\/[^\s{}]+$/.test(values.url)) {
    fail(`--url "${values.url}" is not an http(s) URL: give the check endpoint, ending in /check.`);
  }
  return {
    offline: values.offline ?? false,
    url: values.url,
    apiKey: values['api-key'] ?? (process.env.API_KEY || undefined),
    junit: path.resolve(values.junit ?? DEFAULT_JUNIT_FILE),
    verbose: values.verbose ?? false,
    printUrl: values['print-url'] ?? false,
  };
}

/** The origin the offline API lets browsers call it from: the same expression as shared/workshop/stand-ins/api/offline-api.ts. */
function offlineSiteOrigin(): string {
  return process.env.SITE_ORIGIN || SITE_ORIGIN;
}

interface Setup {
  target: Target;
  values: RunValues;
  /** Said before the report: where the requests go, and what was started for the run. */
  notes: string[];
  stop?: () => Promise<void>;
}

async function offlineSetup(options: Options): Promise<Setup> {
  const notes: string[] = [];
  const made = ensureOfflineSecrets();
  if (made) notes.push(made);
  const apiPort = port('API_PORT');
  let checkUrl = `http://${LOOPBACK}:${apiPort}/${stage()}/check`;
  if (options.printUrl) return { target: 'local', values: { checkUrl }, notes };
  // Clear errors about the keys now, before a server is started, rather than failed requests later.
  const signatureKey = legacyKey();
  signingKeyring();
  let stop: (() => Promise<void>) | undefined;
  if (await isListening(apiPort)) {
    notes.push(`Using the API already listening on port ${apiPort} (API_PORT).`);
  } else {
    process.stdout.write(`Starting the offline API on port ${apiPort} (API_PORT)...\n`);
    const api = await startOfflineApi({ port: apiPort });
    checkUrl = api.checkUrl;
    stop = () => api.stop();
    notes.push('Started the offline API for this run; it stops at the end.');
  }
  return {
    target: 'local',
    values: {
      checkUrl,
      siteOrigin: offlineSiteOrigin(),
      signatureKey,
      signingKeys: process.env.SIGNING_KEYS,
      apiKey: options.apiKey,
    },
    notes,
    stop,
  };
}

async function awsSetup(options: Options): Promise<Setup> {
  loadDotEnv({ demoKeys: false });
  const checkUrl = options.url ?? (await deployedCheckUrl());
  if (options.printUrl) return { target: 'aws', values: { checkUrl }, notes: [] };
  // With --url, the run may need nothing from AWS: the keys from .env (or the environment), the site's
  // origin from SITE_ORIGIN. Only what is not there is read from the stacks, and without credentials the
  // origin falls back to the default rather than failing the run.
  const keys =
    options.url && process.env.SIGNATURE_KEY && process.env.SIGNING_KEYS
      ? {
          signatureKey: process.env.SIGNATURE_KEY,
          signingKeys: process.env.SIGNING_KEYS,
          source: 'SIGNATURE_KEY and SIGNING_KEYS (.env or the environment)',
        }
      : await deployedKeys();
  const site = await deployedSiteOrigin().catch((error: Error) => {
    if (!options.url) throw error;
    return {
      origin: SITE_ORIGIN,
      source: `shared/settings.json, as chapter 02's stack could not be read (${error.message.split('\n')[0]}); set SITE_ORIGIN to your site's origin`,
    };
  });
  const notes = [
    `Signing with the keys from ${keys.source}.`,
    `Site origin (CORS): ${site.origin}, from ${site.source}.`,
  ];
  if (options.apiKey)
    notes.push('Sending the API key, one request every 600 ms (its usage plan allows 2/s).');
  return {
    target: 'aws',
    values: {
      checkUrl,
      siteOrigin: site.origin,
      signatureKey: keys.signatureKey,
      signingKeys: keys.signingKeys,
      apiKey: options.apiKey,
    },
    notes,
  };
}

async function main(): Promise<number> {
  const options = parseOptions();
  const setup = options.offline ? await offlineSetup(options) : await awsSetup(options);
  if (options.printUrl) {
    process.stdout.write(`${setup.values.checkUrl}\n`);
    return 0;
  }
  const interrupted = async () => {
    await setup.stop?.();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const where = options.offline ? 'the offline API' : 'the deployed API';
    process.stdout.write(`Chapter 04: the Postman collection against ${where}, ${setup.values.checkUrl}\n`);
    for (const note of setup.notes) process.stdout.write(`${note}\n`);
    process.stdout.write('\n');
    const result = await runCollection({
      target: setup.target,
      values: setup.values,
      junitFile: options.junit,
      delayRequestMs: setup.values.apiKey && !options.offline ? 600 : 0,
    });
    process.stdout.write(
      formatReport(result, { verbose: options.verbose, junitLabel: path.relative(REPO_ROOT, options.junit) }),
    );
    return result.ok ? 0 : 1;
  } finally {
    await setup.stop?.();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = error as Error;
    if (
      e instanceof DeployedApiError ||
      ['MissingConfigError', 'KeyringError', 'RangeError'].includes(e.name)
    ) {
      process.stderr.write(`chapter:4: ${e.message}\n`);
    } else {
      process.stderr.write(`chapter:4: ${e?.stack ?? String(error)}\n`);
      process.exitCode = 1;
      return;
    }
    process.exitCode = 2;
  },
);
