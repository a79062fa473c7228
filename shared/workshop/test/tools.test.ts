/** Each platform's places for the browser and the AWS CLI, with the platform forced. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../test-support/temp';
import {
  awsCliCandidates,
  chromiumCandidates,
  findAwsCliV2,
  findChromium,
  findPython,
  onPath,
  pythonCandidates,
} from '../tools';

describe('onPath', () => {
  it('joins each PATH folder with the name on POSIX', () => {
    expect(onPath('aws', { PATH: '/opt/homebrew/bin:/usr/bin' }, 'darwin')).toEqual([
      '/opt/homebrew/bin/aws',
      '/usr/bin/aws',
    ]);
  });

  it("adds Windows' executable extensions, with ; between folders (and Path as Windows spells it)", () => {
    expect(onPath('aws', { Path: 'C:\\Tools;D:\\bin', PATHEXT: '.EXE;.CMD' }, 'win32')).toEqual([
      'C:\\Tools\\aws.exe',
      'C:\\Tools\\aws.cmd',
      'D:\\bin\\aws.exe',
      'D:\\bin\\aws.cmd',
    ]);
  });
});

describe('chromiumCandidates', () => {
  it('takes CHROMIUM_PATH alone when it is set, on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(chromiumCandidates({ CHROMIUM_PATH: '/my/chrome', PATH: '/usr/bin' }, platform)).toEqual([
        '/my/chrome',
      ]);
    }
  });

  it('looks in /Applications first on macOS', () => {
    const found = chromiumCandidates({ PATH: '/usr/local/bin' }, 'darwin');
    expect(found[0]).toBe('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
    expect(found).toContain('/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge');
    expect(found).toContain('/usr/local/bin/chromium');
  });

  it('looks for Chrome, then Edge, under Program Files and the user folder on Windows', () => {
    const found = chromiumCandidates(
      { ProgramFiles: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\l\\AppData\\Local', Path: '' },
      'win32',
    );
    expect(found).toEqual([
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Users\\l\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
      'C:\\Users\\l\\AppData\\Local\\Microsoft\\Edge\\Application\\msedge.exe',
    ]);
  });

  it('looks on PATH on Linux, Debian\'s "chromium" first', () => {
    expect(chromiumCandidates({ PATH: '/usr/bin' }, 'linux')[0]).toBe('/usr/bin/chromium');
  });
});

describe('awsCliCandidates', () => {
  it('takes AWS_CLI alone when it is set', () => {
    expect(awsCliCandidates({ AWS_CLI: 'C:\\aws\\aws.exe' }, 'win32')).toEqual(['C:\\aws\\aws.exe']);
  });

  it("looks on PATH, then in Homebrew's folders on macOS", () => {
    expect(awsCliCandidates({ PATH: '/Users/l/bin' }, 'darwin')).toEqual([
      '/Users/l/bin/aws',
      '/usr/local/bin/aws',
      '/opt/homebrew/bin/aws',
    ]);
  });

  it("looks on PATH, then where AWS's installer puts it on Linux", () => {
    expect(awsCliCandidates({ PATH: '/home/l/.local/bin:/usr/bin' }, 'linux')).toEqual([
      '/home/l/.local/bin/aws',
      '/usr/bin/aws',
      '/usr/local/bin/aws',
    ]);
  });

  it("looks on PATH, then where AWS's installer puts it on Windows", () => {
    expect(awsCliCandidates({ Path: '', ProgramFiles: 'C:\\Program Files' }, 'win32')).toEqual([
      'C:\\Program Files\\Amazon\\AWSCLIV2\\aws.exe',
    ]);
  });
});

describe('pythonCandidates', () => {
  it("tries Windows' launcher py -3 first there, before a python that may be the Store's stub", () => {
    expect(pythonCandidates({}, 'win32')).toEqual([
      { command: 'py', args: ['-3'] },
      { command: 'python', args: [] },
      { command: 'python3', args: [] },
    ]);
  });

  it('tries python3 first on macOS and Linux', () => {
    for (const platform of ['darwin', 'linux'] as const) {
      expect(pythonCandidates({}, platform)[0]).toEqual({ command: 'python3', args: [] });
    }
  });

  it('takes PYTHON alone when it is set', () => {
    expect(pythonCandidates({ PYTHON: 'C:\\Python313\\python.exe' }, 'win32')).toEqual([
      { command: 'C:\\Python313\\python.exe', args: [] },
    ]);
  });
});

describe('the lookups on this machine', () => {
  const temp = tempDir('tools-test');
  afterAll(() => temp.remove());

  it('find nothing where nothing is', () => {
    expect(findChromium({ PATH: '/nonexistent' })).toBeUndefined();
    expect(findChromium({ CHROMIUM_PATH: '/nonexistent/chrome' })).toBeUndefined();
    expect(findAwsCliV2({ AWS_CLI: '/nonexistent/aws' })).toBeUndefined();
  });

  it('pass over an AWS CLI v1 earlier on PATH for the v2 after it', () => {
    const fakeAws = (folder: string, version: string) => {
      mkdirSync(path.join(temp.path, folder));
      const file = path.join(temp.path, folder, 'aws');
      writeFileSync(file, `#!${process.execPath}\nconsole.log(${JSON.stringify(version)});\n`, {
        mode: 0o755,
      });
      return file;
    };
    fakeAws('v1', 'aws-cli/1.45.11 Python/3.11.7');
    const v2 = fakeAws('v2', 'aws-cli/2.9.19 Python/3.11.2');
    const PATH = [path.join(temp.path, 'v1'), path.join(temp.path, 'v2')].join(':');
    expect(findAwsCliV2({ PATH })).toBe(v2);
  });

  it('pass over a program that is not the AWS CLI v2', () => {
    // node exists but prints v24..., not aws-cli/2.
    expect(findAwsCliV2({ AWS_CLI: process.execPath })).toBeUndefined();
  });

  it('take a Python 3 and pass over a Python 2', () => {
    const fakePython = (name: string, version: string) => {
      const file = path.join(temp.path, name);
      writeFileSync(file, `#!${process.execPath}\nconsole.log(${JSON.stringify(version)});\n`, {
        mode: 0o755,
      });
      return file;
    };
    const three = fakePython('python3.12', 'Python 3.12.1');
    expect(findPython({ PYTHON: three }, 'linux')).toEqual({ command: three, args: [] });
    expect(findPython({ PYTHON: fakePython('python2.7', 'Python 2.7.18') }, 'linux')).toBeUndefined();
    expect(findPython({ PYTHON: '/nonexistent/python' }, 'linux')).toBeUndefined();
  });
});
