/** The CloudWatch Logs client of the tail: AWS by default, any endpoint the SDK settings or the caller name. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { clientOptions, endpointFor } from '../../shared/src/aws';
import { region as configuredRegion, LOOPBACK, port } from '../../shared/src/config';
import { accountId } from '../../shared/src/stacks';

export interface LogsClientOptions {
  /** An endpoint URL; else the SDK's own settings (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, AWS_ENDPOINT_URL), else AWS. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Fixed credentials (the local endpoint accepts any); else the SDK's usual chain (profile, SSO, env...). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Credentials for the local endpoint, which checks none: nothing secret, and never sent to AWS. */
export const OFFLINE_CREDENTIALS = { accessKeyId: 'offline', secretAccessKey: 'offline' } as const;

/** http://127.0.0.1:<LOGS_PORT>, where `npm run logs:local` listens. */
export function localLogsEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return `http://${LOOPBACK}:${port('LOGS_PORT', env)}`;
}

export function createLogsClient(options: LogsClientOptions = {}): CloudWatchLogsClient {
  const custom = options.endpoint ?? endpointFor('CLOUDWATCH_LOGS');
  return new CloudWatchLogsClient({
    ...clientOptions(),
    ...(options.region ? { region: options.region } : { region: configuredRegion() }),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // StartLiveTail is served by a "stream-" host on AWS; a custom endpoint serves every operation itself.
    ...(custom ? { disableHostPrefix: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // The tail retries by itself, with backoff the whole classroom shares well (see retry.ts).
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
}

/** The account of the credentials in use (STS GetCallerIdentity needs no permission). */
export async function callerAccountId(options: LogsClientOptions = {}): Promise<string> {
  return accountId({
    ...clientOptions(),
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}
