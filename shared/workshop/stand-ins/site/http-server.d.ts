// http-server ships no types: the part of its programmatic API the preview uses (lib/http-server.js).
declare module 'http-server' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  interface HttpServerOptions {
    root?: string;
    /** Seconds, or -1 for "no-cache, no-store, must-revalidate". */
    cache?: number;
    showDir?: 'true' | 'false';
    autoIndex?: 'true' | 'false';
    headers?: Record<string, string>;
    logFn?: (request: IncomingMessage, response: ServerResponse, error?: Error) => void;
  }

  interface HttpServer {
    readonly server: Server;
    listen(port: number, host: string, callback: () => void): void;
  }

  export function createServer(options?: HttpServerOptions): HttpServer;
}
