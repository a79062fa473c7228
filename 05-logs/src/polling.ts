/**
 * Following by polling FilterLogEvents, where Live Tail is not available (or with --poll). Events reach
 * CloudWatch late, with older timestamps, and a read by timestamp must reach back for them; reaching back
 * far on every poll is what makes a tail slow (many pages each time). So the reads come in three widths:
 *
 * - every poll, the *fresh* read: from the previous poll's start, minus a second, a page most of the time,
 *   then the *head*: back as far as recent events came late (late-events.ts), to show them within seconds;
 * - every ten polls, the *wide* window (a minute, or twice the latest event seen), swept a page or two per
 *   poll so that the others never wait behind it, for the few events later than that.
 */
import type { Pace } from './pace';
import { readWindow, WindowReader } from './read-window';
import { sleep } from './retry';
import type { Tailing } from './tailing';

const FRESH_MARGIN_MS = 1000;
const SWEEP_PAGES_PER_POLL = 3;
/** The wide window is swept every ten polls at full pace (every 10 s), or every quarter of its width. */
const SWEEP_EVERY_POLLS = 10;

/** Read from `from` (the history, or the gap a live session left), then poll until the tail stops. */
export async function followByPolling(t: Tailing, from: number, pace: Pace): Promise<void> {
  t.status('history');
  let previous = Date.now();
  let lastPollMs = 0;
  await readWindow(t, from);
  t.following();
  let sweep: WindowReader | undefined;
  let lastSweepAt = Date.now();
  while (!t.stopped) {
    t.stats.pollIntervalMs = pace.intervalMs;
    t.status(`polling every ${(pace.intervalMs / 1000).toFixed(1)} s`);
    await sleep(Math.max(0, pace.intervalMs - lastPollMs), t.signal);
    if (t.stopped) break;
    const throttledBefore = t.stats.throttled;
    const startedAt = Date.now();
    // The fresh events first, then the head: what came late since the previous poll.
    let printed = await readWindow(t, previous - FRESH_MARGIN_MS);
    const headMs = t.late.headMs();
    if (headMs > FRESH_MARGIN_MS)
      printed += await readWindow(t, previous - headMs, previous - FRESH_MARGIN_MS);
    previous = startedAt;
    const window = t.late.windowMs();
    if (!sweep && startedAt - lastSweepAt >= Math.min(window / 4, SWEEP_EVERY_POLLS * pace.minMs)) {
      sweep = new WindowReader(t, startedAt - window, startedAt);
      lastSweepAt = startedAt;
      // Nothing before the sweep's start is read again: what was printed before it can be forgotten.
      t.advanceHorizon(sweep.from, 0);
    }
    for (let i = 0; sweep && i < SWEEP_PAGES_PER_POLL && !t.stopped; i++) {
      printed += await sweep.page();
      if (sweep.done) sweep = undefined;
    }
    pace.polled(printed, t.stats.throttled > throttledBefore);
    lastPollMs = Date.now() - startedAt;
    t.stats.paceFloorMs = pace.floorMs;
  }
}
