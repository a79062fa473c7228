/** The status line at the bottom of a terminal: live or polling, events shown, how fresh the last one was. */
import type { Writable } from 'node:stream';
import { styleText } from 'node:util';

export class StatusLine {
  private shown = false;
  state = 'starting';
  private lastLag: number | undefined;

  constructor(private readonly out: Writable | undefined) {}

  /** How long after its ingestion the last event was printed. */
  printed(ingestionTime: number | undefined): void {
    if (ingestionTime !== undefined) this.lastLag = Date.now() - ingestionTime;
  }

  draw(printed: number): void {
    if (!this.out?.writable) return;
    const lag =
      this.lastLag !== undefined
        ? ` · last event ${(this.lastLag / 1000).toFixed(1)} s after it was stored`
        : '';
    // \r and ESC [2K rewrite the line in place; the text itself is dimmed.
    const text = `● ${this.state} · ${printed} events${lag} · Ctrl-C to stop`;
    this.out.write(`\r\u001b[2K${styleText('dim', text, { validateStream: false })}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown || !this.out?.writable) return;
    this.out.write('\r\u001b[2K');
    this.shown = false;
  }
}
