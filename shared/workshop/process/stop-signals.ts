/**
 * Stop the same way on Ctrl-C (SIGINT), SIGTERM and SIGHUP (a closed terminal), and when the process that
 * started this one is gone: npm passes SIGINT and SIGTERM to its child but not SIGHUP, and a parent killed
 * outright (SIGKILL) tells nothing at all. That is why `npm run chapter:5` and `npm run demo:logs` `exec`
 * node (package.json): npm's child is then this process, not a shell that would keep it waiting.
 * A second signal ends at once.
 */
export function onStopRequest(stop: (why: string) => void): void {
  let requests = 0;
  const request = (why: string) => {
    if (++requests > 1) process.exit(130);
    stop(why);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => request(signal));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) request('parent gone');
  }, 500).unref();
}
