/** A port is taken for the workshop when something listens on 127.0.0.1, or on ::1 where localhost may go first. */
import { createServer, type Server } from 'node:net';
import { assertPortFree, freePort, LOOPBACK, LOOPBACK_V6, takenOn } from '../process/ports';

function listen(host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

it('a free port is free on both', async () => {
  expect(await takenOn(await freePort())).toBeUndefined();
});

it('a port taken on 127.0.0.1 is taken there', async () => {
  const { server, port } = await listen(LOOPBACK);
  try {
    expect(await takenOn(port)).toBe(LOOPBACK);
    await expect(assertPortFree(port, 'SITE_PORT')).rejects.toThrow(
      `Port ${port} is already in use (SITE_PORT).`,
    );
  } finally {
    await close(server);
  }
});

it("a port taken on ::1 alone is taken, and the message says it is localhost's IPv6 address", async () => {
  // This machine and CI have IPv6 loopback; without it this test fails here rather than pass for nothing.
  const { server, port } = await listen(LOOPBACK_V6);
  try {
    expect(await takenOn(port)).toBe(LOOPBACK_V6);
    await expect(assertPortFree(port, 'SITE_PORT')).rejects.toThrow(
      `Port ${port} is already in use on ::1 (SITE_PORT), localhost's IPv6 address, which browsers try first.`,
    );
  } finally {
    await close(server);
  }
});
