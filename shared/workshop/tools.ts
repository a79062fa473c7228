/**
 * Where the system programs the workshop drives (a Chromium-family browser, the AWS CLI v2, curl, Python 3) are
 * found on each platform: an override first (CHROMIUM_PATH, AWS_CLI, PYTHON), then PATH, then the usual install
 * places.
 * Each `...Candidates` function is pure (platform and environment passed in) so that every platform's
 * branch is unit-tested here on Linux.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

type Env = NodeJS.ProcessEnv;

/** `name` in every PATH folder, with Windows' executable extensions (PATHEXT) there. */
export function onPath(name: string, env: Env = process.env, platform = process.platform): string[] {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  const folders = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  const extensions =
    platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((e) => e.toLowerCase()) : [''];
  return folders.flatMap((folder) => extensions.map((ext) => join(folder, name + ext)));
}

export function chromiumCandidates(env: Env = process.env, platform = process.platform): string[] {
  if (env.CHROMIUM_PATH) return [env.CHROMIUM_PATH];
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      ...['chromium', 'google-chrome'].flatMap((name) => onPath(name, env, platform)),
    ];
  }
  if (platform === 'win32') {
    const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.LOCALAPPDATA].filter(
      (root): root is string => Boolean(root),
    );
    return [
      ...roots.map((root) => path.win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe')),
      ...roots.map((root) => path.win32.join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe')),
      ...['chrome', 'msedge', 'chromium'].flatMap((name) => onPath(name, env, platform)),
    ];
  }
  return ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'].flatMap((name) =>
    onPath(name, env, platform),
  );
}

export function awsCliCandidates(env: Env = process.env, platform = process.platform): string[] {
  if (env.AWS_CLI) return [env.AWS_CLI];
  // Beyond PATH, where each platform's installer puts it when a shell's PATH (an IDE's, say) misses it:
  // AWS's installer on Linux and macOS, Homebrew's two prefixes, AWS's MSI. Debian's package is in a folder
  // every Linux PATH has.
  const usual =
    platform === 'win32'
      ? [path.win32.join(env.ProgramFiles ?? 'C:\\Program Files', 'Amazon', 'AWSCLIV2', 'aws.exe')]
      : platform === 'darwin'
        ? ['/usr/local/bin/aws', '/opt/homebrew/bin/aws']
        : ['/usr/local/bin/aws'];
  return [...onPath('aws', env, platform), ...usual];
}

/** The first candidate that exists and, when `accepts` is given, passes it. */
function first(candidates: string[], accepts?: (file: string) => boolean): string | undefined {
  return [...new Set(candidates)].find((file) => existsSync(file) && (!accepts || accepts(file)));
}

export function findChromium(env: Env = process.env): string | undefined {
  return first(chromiumCandidates(env));
}

/** The AWS CLI v2 (`aws logs start-live-tail` and the v2 output formats): a v1 earlier on PATH is passed over. */
export function findAwsCliV2(env: Env = process.env): string | undefined {
  return first(awsCliCandidates(env), (file) => {
    try {
      const version = execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 10_000, env });
      return version.startsWith('aws-cli/2.');
    } catch {
      return false;
    }
  });
}

export function findCurl(env: Env = process.env): string | undefined {
  return first(onPath('curl', env));
}

/** A program and the arguments that come before a script's: Windows runs Python 3 as `py -3`. */
export interface Command {
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * How Python 3 may be started: PYTHON names one; on Windows the launcher `py -3` first (python3.exe there is
 * often the Microsoft Store's stub, which opens the Store instead of running), elsewhere python3.
 */
export function pythonCandidates(env: Env = process.env, platform = process.platform): Command[] {
  if (env.PYTHON) return [{ command: env.PYTHON, args: [] }];
  if (platform === 'win32') {
    return [
      { command: 'py', args: ['-3'] },
      { command: 'python', args: [] },
      { command: 'python3', args: [] },
    ];
  }
  return [
    { command: 'python3', args: [] },
    { command: 'python', args: [] },
  ];
}

/** The first candidate that runs and says it is Python 3 (a `python` may still be Python 2). */
export function findPython(env: Env = process.env, platform = process.platform): Command | undefined {
  return pythonCandidates(env, platform).find(({ command, args }) => {
    try {
      const version = execFileSync(command, [...args, '--version'], {
        encoding: 'utf8',
        timeout: 10_000,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return /^Python 3\./.test(version.trim());
    } catch {
      return false;
    }
  });
}
