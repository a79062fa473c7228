/** npm's JavaScript entry on each platform, with the platform forced. */
import { npmCli, npmCliCandidates } from '../process/entries';

describe('npmCliCandidates', () => {
  it('takes the npm running this first (npm_execpath), on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(npmCliCandidates({ npm_execpath: '/x/npm-cli.js' }, '/usr/bin/node', platform)[0]).toBe(
        '/x/npm-cli.js',
      );
    }
  });

  it('passes over an npm_execpath that is not JavaScript (pnpm, yarn shims)', () => {
    expect(npmCliCandidates({ npm_execpath: '/x/pnpm' }, '/usr/local/bin/node', 'darwin')).toEqual([
      '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
    ]);
  });

  it("looks beside node.exe on Windows, where Node.js's installer puts npm", () => {
    expect(npmCliCandidates({}, 'C:\\Program Files\\nodejs\\node.exe', 'win32')).toEqual([
      'C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npm-cli.js',
    ]);
  });
});

describe('npmCli', () => {
  it('says where it looked when there is no npm', () => {
    expect(() => npmCli({ npm_execpath: '/nonexistent/npm-cli.js' }, '/nonexistent/bin/node')).toThrow(
      /npm's npm-cli\.js was not found \(looked at \/nonexistent\/npm-cli\.js, .*\): run this through npm/,
    );
  });
});
