/**
 * What `npm run chapter:3` asks AWS before a deploy besides what every chapter asks (shared/workshop/aws/stacks.ts):
 * do the SSM parameters exist (store them from .env if not).
 * Every failure is a SetupError whose message says what to do.
 */
import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientOptions, explainAwsError } from '../../src/aws';
import { parameterNames, region } from '../../src/config';
import { parseKeyring } from '../../src/index';

type Env = Readonly<Record<string, string | undefined>>;

export class SetupError extends Error {
  override readonly name = 'SetupError';
}

/**
 * Make sure the secrets exist as SSM SecureString parameters. A missing one is created from .env
 * (SIGNATURE_KEY, SIGNING_KEYS) when it is there. Each scheme works with its own key alone, so one that
 * cannot be created is a warning saying how (its signatures get 503 until then); neither is an error.
 * Existing parameters are never overwritten. Returns one line per parameter for the learner.
 */
export async function ensureParameters(env: Env = process.env): Promise<string[]> {
  const names = parameterNames(env);
  const wanted = [
    { name: names.legacyKey, variable: 'SIGNATURE_KEY', example: 'a-long-password-of-your-choice' },
    {
      name: names.signingKeys,
      variable: 'SIGNING_KEYS',
      example: '2026-01:<output of: openssl rand -base64 32>',
    },
  ];
  const ssm = new SSMClient(clientOptions(env));
  try {
    const { Parameters } = await ssm.send(new GetParametersCommand({ Names: wanted.map((w) => w.name) }));
    const existing = new Set((Parameters ?? []).map((p) => p.Name));
    const lines: string[] = [];
    const missing: string[] = [];
    for (const { name, variable, example } of wanted) {
      if (existing.has(name)) {
        lines.push(`SSM parameter ${name}: already there (kept as it is).`);
        continue;
      }
      const value = env[variable];
      if (!value) {
        missing.push(`The SSM parameter ${name} does not exist in ${region(env)}, and ${variable} is not set to create it.
Put a line ${variable}=${example} in .env at the repository root and run this again (it is stored as a SecureString),
or create it yourself: aws ssm put-parameter --region ${region(env)} --type SecureString --name ${name} --value '<secret>'`);
        lines.push(
          `SSM parameter ${name}: missing, and ${variable} is not set: ${variable === 'SIGNING_KEYS' ? 'tokens' : 'legacy signatures'} will get 503 until it exists (${variable}=${example} in .env, then run this again).`,
        );
        continue;
      }
      if (variable === 'SIGNING_KEYS') parseKeyring(value); // a clear error now rather than a 503 later
      await ssm.send(
        new PutParameterCommand({ Name: name, Type: 'SecureString', Value: value, Overwrite: false }),
      );
      lines.push(`SSM parameter ${name}: created from ${variable} in .env (SecureString).`);
    }
    // With neither key the function could check nothing: that is not a deploy worth making.
    if (missing.length === wanted.length) throw new SetupError(missing.join('\n\n'));
    return lines;
  } catch (error) {
    if (error instanceof SetupError) throw error;
    if ((error as Error).name === 'KeyringError') throw new SetupError((error as Error).message);
    throw new SetupError(explainAwsError(error));
  } finally {
    ssm.destroy();
  }
}
