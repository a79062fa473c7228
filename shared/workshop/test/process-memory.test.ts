/** The offline REPORT's memory figure: read from /proc on Linux, left out elsewhere. */
import { residentMemoryMb } from '../stand-ins/logs/process-memory';

it.each(['darwin', 'win32'] as const)('is unknown on %s, without reading /proc', (platform) => {
  expect(residentMemoryMb(process.pid, platform)).toBeUndefined();
});

it("is this process's resident memory on Linux", () => {
  const mb = residentMemoryMb(process.pid, 'linux');
  expect(mb).toBeGreaterThan(10);
  expect(mb).toBeLessThan(process.memoryUsage().rss / 2 ** 20 + 50);
});

it('is unknown for a process that is gone', () => {
  expect(residentMemoryMb(2 ** 30, 'linux')).toBeUndefined();
});
