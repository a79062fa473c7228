/**
 * What every AWS client of the workshop is made with. The SDK itself honours AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE> (e.g. AWS_ENDPOINT_URL_S3), so the same code talks to AWS or to a local stand-in.
 * No SDK import here: chapter 03's function bundles this file and loads the SDK lazily.
 */
import { region } from './config';

export interface ClientOptions {
  region: string;
}

export function clientOptions(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClientOptions {
  return { region: region(env) };
}

/** Whether a client of `service` is pointed at a local endpoint rather than AWS. */
export function endpointFor(
  service: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  return (
    env[`AWS_ENDPOINT_URL_${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`] ||
    env.AWS_ENDPOINT_URL ||
    undefined
  );
}
