'use strict';
/**
 * Preloaded (`node --require`) into every process the workshop starts, by children.ts; CommonJS so that
 * it loads before any loader, and through --require rather than NODE_OPTIONS so that it stays with the
 * direct child.
 *
 * A parent that ends, even by SIGKILL, closes the IPC channel it opened: that is how the child learns it,
 * on every system. It then stops as it would on SIGTERM (its own handlers close its servers and end its
 * children), and ends anyway soon after if those do not.
 * The folders it was given (its temp folder, a build folder) are removed on its way out, as its parent
 * may not be there to do it.
 */
const { rmSync } = require('node:fs');

const CLEANUP_VARIABLE = 'WORKSHOP_CHILD_CLEANUP';
const GRACE_MS = 5000;

const cleanup = JSON.parse(process.env[CLEANUP_VARIABLE] || '[]');
// Its own children have folders of their own, or none: they must not remove this one's.
delete process.env[CLEANUP_VARIABLE];

process.once('exit', () => {
  for (const folder of cleanup) {
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // still in use (Windows): the next start sweeps it
    }
  }
});

if (process.channel) {
  // The channel is only there to be closed: it must not keep the child alive once its work is done.
  process.channel.unref();
  process.once('disconnect', () => {
    setTimeout(() => process.exit(143), GRACE_MS).unref();
    // process.emit, not process.kill: a signal to oneself does not exist on Windows.
    if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
    else process.exit(143);
  });
}
