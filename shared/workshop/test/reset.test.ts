/** `npm start -- --reset` deletes only the workshop's own folders, and says exactly what it did. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { claimDataFolder, DATA_MARKER, isWorkshopData } from '../env';
import { resetLocalData } from '../stand-ins/workshop';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'reset-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('removes a folder the workshop made, and says how much it held', () => {
  const logs = path.join(root, 'logs');
  claimDataFolder(logs, 'the test');
  writeFileSync(path.join(logs, 'journal.ndjson'), 'x'.repeat(2048));
  const said: string[] = [];
  const keys = path.join(root, 'demo-keys.env');
  writeFileSync(keys, 'SIGNATURE_KEY=demo\n');
  resetLocalData((line) => said.push(line), [logs], keys);
  expect(existsSync(logs)).toBe(false);
  expect(said).toEqual([
    `removed ${logs} (2 files, 2.1 KB)`,
    `kept ${keys} (delete it by hand for new demo keys)`,
  ]);
});

it('empties the folder a symlinked data folder leads to, keeps the link, and says so', () => {
  const real = path.join(root, 'elsewhere', 'logs');
  claimDataFolder(real, 'the test');
  writeFileSync(path.join(real, 'logs.sqlite'), 'x'.repeat(1024));
  const link = path.join(root, 'logs');
  // 'junction' makes a folder link without admin rights on Windows; other platforms ignore the type.
  symlinkSync(real, link, 'junction');
  const said: string[] = [];
  resetLocalData((line) => said.push(line), [link], path.join(root, 'no-keys.env'));
  expect(readdirSync(real)).toEqual([]);
  expect(existsSync(link)).toBe(true);
  expect(said).toEqual([`emptied ${real}, where the link ${link} leads (2 files, 1.1 KB); the link is kept`]);
  // The next start claims the emptied folder again.
  claimDataFolder(link, 'the test');
  expect(isWorkshopData(link)).toBe(true);
});

it("leaves a folder that is not the workshop's as it is, and says why", () => {
  const mine = path.join(root, 'photos');
  mkdirSync(mine);
  writeFileSync(path.join(mine, 'holiday.jpg'), 'precious');
  // Pointing the workshop at it does not make it the workshop's.
  claimDataFolder(mine, 'the test');
  expect(isWorkshopData(mine)).toBe(false);
  const said: string[] = [];
  // No demo keys file: none is said to be kept.
  resetLocalData((line) => said.push(line), [mine, path.join(root, 'none')], path.join(root, 'no-keys.env'));
  expect(readdirSync(mine)).toEqual(['holiday.jpg']);
  expect(said).toEqual([
    `left ${mine} as it is: it has no ${DATA_MARKER} file, so it may not be the workshop's. Delete it yourself if it is.`,
    `nothing to clear in ${path.join(root, 'none')} (no such folder)`,
  ]);
});

it("adopts a folder holding only the workshop's own files from before the marker", () => {
  const logs = path.join(root, 'logs');
  mkdirSync(logs);
  writeFileSync(path.join(logs, 'journal.ndjson'), '');
  claimDataFolder(logs, 'the test', (names) => names.every((n) => n === 'journal.ndjson'));
  expect(isWorkshopData(logs)).toBe(true);
});
