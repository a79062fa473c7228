/**
 * After an upload, tell CloudFront to forget only what changed: the objects replaced or deleted (new
 * files were never cached, and fingerprinted assets always get new names). The first 1,000 invalidation
 * paths of each month are free; a wildcard counts as one path.
 */
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { clientOptions } from '../../shared/src/aws';

/** Past this many paths, one "/*" is cheaper and as quick. */
export const MAX_PATHS = 15;

/** The CloudFront paths for changed S3 keys; "/" too when the home page changed (DefaultRootObject). */
export function pathsToInvalidate(changed: {
  replaced: readonly string[];
  deleted: readonly string[];
}): string[] {
  const keys = [...new Set([...changed.replaced, ...changed.deleted])].sort();
  const paths = keys.flatMap((key) => (key === 'index.html' ? ['/', '/index.html'] : [`/${encodeURI(key)}`]));
  return paths.length > MAX_PATHS ? ['/*'] : paths;
}

export interface Invalidation {
  readonly id: string;
  readonly paths: readonly string[];
}

/** Create the invalidation (it completes in the background, usually within a minute); none if no paths. */
export async function invalidatePaths(
  distributionId: string,
  paths: readonly string[],
  client: CloudFrontClient = new CloudFrontClient(clientOptions()),
): Promise<Invalidation | undefined> {
  if (paths.length === 0) return undefined;
  const { Invalidation: created } = await client.send(
    new CreateInvalidationCommand({
      DistributionId: distributionId,
      InvalidationBatch: {
        CallerReference: `publish-${Date.now()}`,
        Paths: { Quantity: paths.length, Items: [...paths] },
      },
    }),
  );
  return { id: created?.Id ?? 'unknown', paths };
}
