/**
 * One S3 client for AWS and for the local stand-in: the SDK reads AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL)
 * itself; a local endpoint only needs path-style addressing (http://127.0.0.1:4569/BUCKET/key).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { clientOptions, endpointFor } from '../../shared/src/aws';

export function s3Client(env: Readonly<Record<string, string | undefined>> = process.env): S3Client {
  const endpoint = endpointFor('s3', env);
  return new S3Client({
    ...clientOptions(env),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          // A local stand-in's key pair, when given in `env` (LocalS3.env), rather than your AWS profile's.
          ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
            ? {
                credentials: {
                  accessKeyId: env.AWS_ACCESS_KEY_ID,
                  secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
                },
              }
            : {}),
          // Local stand-ins do not all know the SDK's newer default checksums: send them only when S3 requires.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });
}
