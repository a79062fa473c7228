/**
 * npm run chapter:3 [-- --offline | --remove] [--api-key]
 * Deploys the signature-check API (osls: Lambda + API Gateway), removes it, or serves it locally.
 */
import './require-node';
import path from 'node:path';
import { port, region, SERVICES, SITE_ORIGIN, stackName, stage } from '../../src/config';
import { encode, parseKeyring, sign } from '../../src/index';
import { callerAccount, stackOutputs } from '../../src/stacks';
import { runServerless } from '../aws/run-serverless';
import { ensureParameters, SetupError } from '../aws/secrets-setup';
import { ensureOfflineSecrets, loadDotEnv, REPO_ROOT } from '../env';
import { inUse, LOOPBACK, portChoice, takenOn } from '../process/ports';
import { onStopRequest } from '../process/stop';
import { type OfflineApi, startOfflineApi } from '../stand-ins/api/offline-api';
import { shipCheckLogsIfListening } from '../stand-ins/logs/check-log-shipper';
import { type Fail, failWith, parseCommandLine, say } from './cli';

const CHAPTER_DIR = path.join(REPO_ROOT, '03-lambda-check');
const USAGE = `Usage: npm run chapter:3 [-- --offline | --remove] [--api-key] [--site-origin <origin>]
  (no option)  deploy the check API to AWS (region ${region()}, stage ${stage()}) and print its endpoint
  --offline    serve it on this machine instead (serverless-offline, http://127.0.0.1:$API_PORT), no AWS account needed
  --remove     delete the deployed API (its CloudFormation stack); the SSM parameters stay
  --api-key    deploy with POST /check requiring the API key of the usage plan (x-api-key header)
  --site-origin  the one origin browsers may call the API from (CORS), e.g. http://localhost:8080; default:
               SITE_ORIGIN, else chapter 02's CloudFront URL on AWS, else ${SITE_ORIGIN}`;

/** Why `text` is not an origin (scheme, host and port only, as a browser sends it in Origin), or undefined. */
function originProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL: give the site's origin, e.g. http://localhost:8080.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `"${text}" is not http or https.`;
  if (url.origin !== text)
    return `"${text}" is not an origin: give ${url.origin} (no path, no trailing slash).`;
  return undefined;
}

const EXAMPLE_BILL = { email: 'jane.doe@example.com', billNumber: '2019-0042' };

const fail: Fail = failWith('chapter:3');

/**
 * What a learner pastes: each signature on a line of its own (for the check page and Postman), then the
 * curl command that sends it. A genuine legacy signature, a genuine token, and the article's forgery.
 */
function curlExamples(checkUrl: string, apiKeyHeader = ''): string[] {
  const lines: string[] = [];
  const key = process.env.SIGNATURE_KEY;
  const keys = process.env.SIGNING_KEYS;
  if (key) {
    const signature = encode(key, `${EXAMPLE_BILL.email}#${EXAMPLE_BILL.billNumber}`);
    lines.push(
      "A genuine legacy signature (the article's kind, made with SIGNATURE_KEY), then the curl that sends it:",
    );
    lines.push(`  ${signature}`);
    lines.push(`  curl -i${apiKeyHeader} -X POST ${checkUrl} --data-binary '${signature}'`);
  }
  if (keys) {
    const token = sign(EXAMPLE_BILL, parseKeyring(keys));
    lines.push('A genuine token (made with SIGNING_KEYS), then the curl that sends it as JSON:');
    lines.push(`  ${token}`);
    lines.push(
      `  curl -i${apiKeyHeader} -X POST ${checkUrl} -H 'content-type: application/json' -d '{"signature":"${token}"}'`,
    );
  }
  lines.push("The article's forged signature, answered 400:");
  lines.push('  skrttskrtttt');
  lines.push(`  curl -i${apiKeyHeader} -X POST ${checkUrl} --data-binary 'skrttskrtttt'`);
  return lines;
}

function portTaken(port: number, variable: 'API_PORT' | 'LAMBDA_PORT', host: string = LOOPBACK): SetupError {
  return new SetupError(
    `${inUse(port, host, variable)} Stop what uses it (another npm run chapter:3 -- --offline, or npm start?), or choose others: ${portChoice(variable)} npm run chapter:3 -- --offline`,
  );
}

async function offline(): Promise<void> {
  const made = ensureOfflineSecrets();
  if (made) say(made);
  // A malformed keyring would make every request a 503: say so now, before starting anything.
  try {
    parseKeyring(process.env.SIGNING_KEYS ?? '');
  } catch (error) {
    throw new SetupError(`${(error as Error).message} (from your environment or .env)`);
  }
  const apiPort = port('API_PORT');
  const lambdaPort = port('LAMBDA_PORT');
  for (const [taken, variable] of [
    [apiPort, 'API_PORT'],
    [lambdaPort, 'LAMBDA_PORT'],
  ] as const) {
    const host = await takenOn(taken);
    if (host !== undefined) throw portTaken(taken, variable, host);
  }
  say(`Starting serverless-offline for ${SERVICES.api} (stage ${stage()})...`);
  // [chapter 05] When the local CloudWatch Logs endpoint listens (npm run logs:local), each request's
  // output also goes there as Lambda writes it (START, the function's lines, END, REPORT).
  let api: OfflineApi | undefined;
  const shipper = await shipCheckLogsIfListening({
    apiPid: () => api?.pid,
    onError: (error) =>
      process.stderr.write(`chapter:3: could not ship logs to the local endpoint (${error.message})\n`),
  });
  await shipper?.ensureLogGroup();
  let ready = false;
  api = await startOfflineApi({
    port: apiPort,
    lambdaPort,
    // Before it is ready, serverless-offline prints its route table: we print our own summary instead.
    onLine: (line) => {
      shipper?.onLine(line); // [chapter 05]
      if (ready) say(line);
    },
  }).catch((error: Error) => {
    // Another program took a port between our check and serverless-offline's start.
    const taken = /EADDRINUSE[^\n]*:(\d+)/.exec(error.message)?.[1];
    if (!taken) throw error;
    throw portTaken(Number(taken), Number(taken) === lambdaPort ? 'LAMBDA_PORT' : 'API_PORT');
  });
  ready = true;
  say();
  say(`The check API runs on this machine: POST ${api.checkUrl}`);
  say();
  for (const line of curlExamples(api.checkUrl)) say(line);
  say();
  say('Each request prints its log line below. Ctrl-C stops the server.');
  // [chapter 05]
  if (shipper)
    say(`Logs also go to ${shipper.logGroupName} (local endpoint): npm run chapter:5 -- --offline --follow`);
  say();
  const stop = async () => {
    await api.stop();
    await shipper?.close(); // [chapter 05]
    process.exit(0);
  };
  // Ctrl-C, SIGTERM, SIGHUP, or the npm that started it gone.
  onStopRequest(stop);
}

async function deploy(apiKey: boolean): Promise<void> {
  const account = await callerAccount();
  const where = ['--stage', stage(), '--region', region()];
  say(`AWS account ${account}, region ${region()}, stage ${stage()}.`);
  const parameterLines = await ensureParameters();
  for (const line of parameterLines) say(line);
  const keptParameters = parameterLines.some((line) => line.includes('already there'));

  // Browsers may call the API only from the site: chapter 02's CloudFront URL when it is deployed.
  let siteOrigin = process.env.SITE_ORIGIN;
  if (!siteOrigin) {
    const cdn = await stackOutputs(stackName(SERVICES.cdn));
    siteOrigin = cdn?.SiteUrl ? new URL(cdn.SiteUrl).origin : undefined;
    say(
      siteOrigin
        ? `Site origin (CORS): ${siteOrigin}, from chapter 02's stack.`
        : `Chapter 02 is not deployed: CORS allows ${SITE_ORIGIN} only. Deploy chapter 02, then this chapter again.`,
    );
  }
  const env = { ...process.env, SITE_ORIGIN: siteOrigin || SITE_ORIGIN };
  // The key's value is printed only when POST needs it (--conceal hides it otherwise).
  const keyArgs = apiKey ? ['--param', 'requireApiKey=true'] : ['--conceal'];
  await runServerless(CHAPTER_DIR, ['deploy', ...where, ...keyArgs], env);

  const outputs = await stackOutputs(stackName(SERVICES.api));
  const checkUrl = outputs?.CheckUrl;
  if (!checkUrl)
    throw new SetupError(`The stack ${stackName(SERVICES.api)} has no CheckUrl output after the deploy.`);
  say();
  say(`Your endpoint: POST ${checkUrl}`);
  say();
  if (apiKey) {
    say(
      'POST requires the API key: its value is in the "api keys" section printed above (or: npx serverless info',
    );
    say(`run in 03-lambda-check). Add it to each curl below as: -H 'x-api-key: <value>'`);
  }
  if (keptParameters) {
    say(
      '(These signatures are made from the keys in your .env: they verify only if those are the keys in SSM.)',
    );
  }
  for (const line of curlExamples(checkUrl)) say(line);
  say();
  say('Remove it with: npm run chapter:3 -- --remove');
}

async function remove(): Promise<void> {
  const account = await callerAccount();
  say(`AWS account ${account}: removing ${stackName(SERVICES.api)} from ${region()}...`);
  await runServerless(CHAPTER_DIR, ['remove', '--stage', stage(), '--region', region()]);
  say('Removed. The SSM parameters holding the keys stay (npm run teardown -- --parameters deletes them).');
}

async function main(): Promise<void> {
  const { values } = parseCommandLine('chapter:3', USAGE, {
    options: {
      offline: { type: 'boolean', default: false },
      remove: { type: 'boolean', default: false },
      'api-key': { type: 'boolean', default: false },
      'site-origin': { type: 'string' },
    },
  });
  const siteOrigin = values['site-origin'];
  if (siteOrigin !== undefined) {
    const problem = originProblem(siteOrigin);
    if (problem) fail(`--site-origin ${problem}\n${USAGE}`, 2);
    // Read where SITE_ORIGIN is: by the deploy, and by serverless.yml offline.
    process.env.SITE_ORIGIN = siteOrigin;
  }
  if (values.offline && values.remove)
    fail(`--offline and --remove do not go together: nothing is deployed offline.\n${USAGE}`, 2);
  if (values.remove && values['api-key'])
    fail(`--api-key applies to a deploy, not to --remove.\n${USAGE}`, 2);
  if (values.offline && values['api-key']) {
    fail(`--api-key needs API Gateway: serverless-offline does not check API keys.\n${USAGE}`, 2);
  }
  if (values.offline) return offline();
  loadDotEnv();
  return values.remove ? remove() : deploy(values['api-key'] ?? false);
}

main().catch((error: unknown) => {
  fail(error instanceof SetupError ? error.message : ((error as Error).message ?? String(error)));
});
