/** A throw-away HTTP server on 127.0.0.1, for the exercise checks' stand-ins of the API. */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from '../../src/config';

/** `use(baseUrl)` with an HTTP server on 127.0.0.1 at a free port, closed afterwards whatever `use` did. */
export async function withLocalHttpServer<T>(
  listener: RequestListener,
  use: (baseUrl: string) => Promise<T>,
): Promise<T> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await use(`http://${LOOPBACK}:${port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
