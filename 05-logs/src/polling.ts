/**
 * Following by polling FilterLogEvents, where Live Tail is not available (or with --poll). Each poll is a
 * short *head* read: from the previous poll's start, minus the gap recent events had between being written
 * and being stored (late-events.ts), so it is one small page most of the time. A *wide* window (a minute,
 * more once later events are seen) is swept every ten polls, a page or two per poll, so that the head
 * reads never wait behind it: it finds the events that came later than the head read reaches.
 */
import type { Pace } from './pace';
import { readWindow, WindowReader } from './read-window';
import { sleep } from './retry';
import type { Tailing } from './tail';

const SWEEP_PAGES_PER_POLL = 2;
/** The wide window is swept every ten polls at full pace (every 10 s), or every quarter of its width. */
const SWEEP_EVERY_POLLS = 10;

/** Read from `from` (the history, or the gap a live session left), then poll until the tail stops. */
export async function followByPolling(t: Tailing, from: number, pace: Pace): Promise<void> {
  t.status('history');
  let headFrom = Date.now();
  await readWindow(t, from);
  t.following();
  let sweep: WindowReader | undefined;
  let lastSweepAt = Date.now();
  while (!t.stopped) {
    t.stats.pollIntervalMs = pace.intervalMs;
    t.status(`polling every ${(pace.intervalMs / 1000).toFixed(1)} s`);
    await sleep(pace.intervalMs, t.signal);
    if (t.stopped) break;
    const throttledBefore = t.stats.throttled;
    const startedAt = Date.now();
    let printed = await readWindow(t, headFrom - t.late.headMs());
    headFrom = startedAt;
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
    t.stats.paceFloorMs = pace.floorMs;
  }
}
