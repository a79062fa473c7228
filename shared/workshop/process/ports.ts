/** Ports on 127.0.0.1, for the offline stand-ins, the commands that start them and the tests. */
import { createServer, Socket } from 'node:net';
import { LOOPBACK } from '../../src/config';

export { LOOPBACK };

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function isListening(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(1000);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

export async function waitForPort(port: number, timeoutMs = 20_000, host = LOOPBACK): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isListening(port, host)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Nothing answered on ${host}:${port} within ${timeoutMs / 1000} s.`);
}

/** The npm command this process runs under, to repeat in a message (npm sets npm_lifecycle_event). */
function runningCommand(): string {
  const script = process.env.npm_lifecycle_event;
  if (!script || script === 'start') return 'npm start';
  return `npm run ${script} -- <the same options>`;
}

/** Ports that go together: the API's HTTP port and serverless-offline's Lambda endpoint are taken together. */
const PORT_PAIRS: Readonly<Record<string, string>> = { API_PORT: 'LAMBDA_PORT', LAMBDA_PORT: 'API_PORT' };

/** `API_PORT=<port> LAMBDA_PORT=<port>`: what to set to move off a taken port (and the one that goes with it). */
export function portChoice(variable: string): string {
  const pair = PORT_PAIRS[variable];
  return pair
    ? `${[variable, pair]
        .sort()
        .map((name) => `${name}=<port>`)
        .join(' ')}`
    : `${variable}=<port>`;
}

/** localhost's IPv6 address. */
export const LOOPBACK_V6 = '::1';

/**
 * Where a port is taken: 127.0.0.1, where the workshop listens, or ::1, where macOS (and some Linux) resolve
 * `localhost` first. A program on ::1 alone would leave 127.0.0.1 free and still receive the browser's
 * http://localhost:PORT requests. Undefined when the port is free on both.
 */
export async function takenOn(port: number): Promise<string | undefined> {
  if (await isListening(port, LOOPBACK)) return LOOPBACK;
  if (await isListening(port, LOOPBACK_V6)) return LOOPBACK_V6;
  return undefined;
}

/** What `takenOn` found, said as the start of a message. */
export function inUse(port: number, host: string, variable: string): string {
  return host === LOOPBACK_V6
    ? `Port ${port} is already in use on ${LOOPBACK_V6} (${variable}), localhost's IPv6 address, which browsers try first.`
    : `Port ${port} is already in use (${variable}).`;
}

/** Throws a clear error naming the variable to change when a port is taken. */
export async function assertPortFree(port: number, variable: string): Promise<void> {
  const host = await takenOn(port);
  if (host !== undefined) {
    throw new Error(
      `${inUse(port, host, variable)} Stop what uses it, or choose ${PORT_PAIRS[variable] ? 'others' : 'another'}: ${portChoice(variable)} ${runningCommand()}`,
    );
  }
}
