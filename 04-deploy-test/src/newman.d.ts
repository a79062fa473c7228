/**
 * The part of newman's library API (newman 6) this chapter uses. newman ships no types and
 * @types/newman would be one more dependency for a handful of fields.
 */
declare module 'newman' {
  import type { EventEmitter } from 'node:events';

  export interface VariableDefinition {
    key: string;
    value: string;
  }

  export interface RunOptions {
    /** A collection object (v2.1 JSON) or the path of one. */
    collection: string | object;
    environment?: string | object;
    /** Override environment values, highest precedence after local and data variables. */
    envVar?: VariableDefinition[];
    /** One object per iteration; its keys become data variables. */
    iterationData?: Record<string, string>[];
    /** Run only these folders or requests (by name or id). */
    folder?: string | string[];
    reporters?: string | string[];
    reporter?: Record<string, Record<string, unknown>>;
    timeoutRequest?: number;
    timeoutScript?: number;
    delayRequest?: number;
    color?: 'on' | 'off' | 'auto';
    bail?: boolean;
  }

  export interface Header {
    key: string;
    value: string;
  }

  export interface HeaderList {
    get(name: string): string | undefined;
    toObject(): Record<string, string>;
    each(fn: (header: Header) => void): void;
  }

  export interface Response {
    code: number;
    status: string;
    responseTime: number;
    headers: HeaderList;
    text(): string;
  }

  export interface Request {
    method: string;
    url: { toString(): string };
    headers: HeaderList;
    body?: { mode?: string; raw?: string; toString(): string };
  }

  export interface Item {
    id: string;
    name: string;
    parent(): { name?: string; parent?: () => unknown } | undefined;
  }

  export interface AssertionRecord {
    assertion: string;
    skipped: boolean;
    error?: { name: string; message: string };
  }

  export interface ScriptError {
    error: { name: string; message: string };
  }

  export interface Execution {
    id: string;
    item: Item;
    cursor: { iteration: number; position: number; ref: string };
    request?: Request;
    response?: Response;
    requestError?: { code?: string; message: string; name?: string };
    assertions?: AssertionRecord[];
    prerequestScript?: ScriptError[];
    testScript?: ScriptError[];
  }

  export interface RunSummary {
    run: {
      stats: Record<
        'iterations' | 'items' | 'requests' | 'assertions' | 'testScripts' | 'prerequestScripts',
        { total: number; failed: number; pending: number }
      >;
      timings: { started: number; completed: number; responseAverage: number };
      executions: Execution[];
      failures: { error: { name: string; message: string }; source?: { name?: string } }[];
      error: Error | null;
    };
  }

  export interface RequestEventArgs {
    cursor: { iteration: number; ref: string };
    item: Item;
    request: Request;
    response?: Response;
  }

  export interface ConsoleEventArgs {
    level: string;
    messages: unknown[];
  }

  export interface NewmanRunEmitter extends EventEmitter {
    on(event: 'request', listener: (error: Error | null, args: RequestEventArgs) => void): this;
    on(event: 'console', listener: (error: Error | null, args: ConsoleEventArgs) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export function run(
    options: RunOptions,
    callback: (error: Error | null, summary: RunSummary) => void,
  ): NewmanRunEmitter;
}
