/**
 * One structured JSON line per request, written straight to stdout: CloudWatch stores it as one event
 * that Logs Insights reads as fields, and chapter 05 turns the same lines into local logs.
 * Never a secret, never a full email (maskEmail), never the signature itself.
 */
import { maskEmail } from '../../shared/src/index';

/** The fields of one log line, in the order they are written. */
export interface RequestLog {
  readonly level: 'INFO' | 'WARN' | 'ERROR';
  readonly requestId: string;
  readonly outcome: 'authentic' | 'not-authentic' | 'rejected' | 'preflight' | 'not-configured';
  readonly status: number;
  readonly scheme?: string;
  readonly reason?: string;
  /** The article printed "This is not an authentic signature" to its logs: we keep that line's words. */
  readonly message?: string;
  /** Whose bill it was, masked: j***@example.com. */
  readonly customer?: string;
  readonly billNumber?: string;
  readonly durationMs: number;
}

export function customerOf(email: string): string {
  return maskEmail(email);
}

export function writeLog(entry: RequestLog): void {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
}
