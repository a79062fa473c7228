/**
 * A learner's machine for the README doc-tests: a fresh copy of the repository (what `git clone` gives,
 * with this checkout's node_modules linked in place of `npm ci`), a terminal whose folder carries over from
 * one command to the next, and the servers they leave running in other terminals.
 *
 * Two things differ from a learner's terminal, both undone in what is compared: the workshop's ports are
 * free ones (a default port in a command is rewritten to its free port, and a free port in the output back
 * to the default), and there are no AWS credentials, ever.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { config } from '../../../src/config';
import { REPO_ROOT } from '../../env';
import { PACKAGE_CACHE } from '../../packaging/serverless-package';
import { freePort } from '../../process/ports';
import { findAwsCliV2 } from '../../tools';

type PortName = keyof typeof config.ports;

/** What the learner's environment never holds: our own configuration, AWS credentials, CI's variables. */
const DROPPED =
  /^(AWS_|npm_|SIGNATURE_KEY$|SIGNING_KEYS$|SITE_ORIGIN$|API_BASE_URL$|API_KEY$|CHECK_URL$|SIGNATURE$|STAGE$|LOCAL_DATA_DIR$|LOGS_DIR$|CI$|FORCE_COLOR$|NO_COLOR$|JEST_|CHECK_BUILD_FOLDER$|IS_OFFLINE$)/;

export interface Ran {
  readonly command: string;
  /** stdout and stderr, interleaved as a terminal shows them. */
  readonly output: string;
  readonly code: number | null;
}

export interface Background {
  readonly name: string;
  readonly command: string;
  readonly child: ChildProcess;
  output: string;
  code: number | null | undefined;
  readonly exited: Promise<number | null>;
}

/**
 * The READMEs' blocks are bash, run as a learner's terminal runs them: in a process group of their own,
 * stopped as a group (Ctrl-C reaches every process of a terminal's job). That is POSIX: macOS and Linux.
 */
export function doctestPlatformProblem(platform: NodeJS.Platform = process.platform): string | undefined {
  return platform === 'win32'
    ? 'The README doc-tests run bash blocks in POSIX process groups: run them on macOS, Linux or in WSL (CI does), not on Windows itself.'
    : undefined;
}

export class Learner {
  readonly root: string;
  /** The terminal's current folder, relative to the root ('' is the root). */
  cwd = '';
  readonly ports: Record<PortName, number>;
  readonly env: NodeJS.ProcessEnv;
  readonly servers = new Map<string, Background>();
  private readonly home: string;

  private constructor(root: string, home: string, ports: Record<PortName, number>) {
    this.root = root;
    this.home = home;
    this.ports = ports;
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!DROPPED.test(key)) env[key] = value;
    Object.assign(env, {
      // No credentials from a profile or an instance role either: the AWS path must say what to do.
      AWS_CONFIG_FILE: path.join(home, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      // curl prints a progress meter when its output is not a terminal; in a learner's terminal it does not.
      CURL_HOME: home,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      // The copy packages what this checkout has packaged already: the cache is keyed by content alone.
      WORKSHOP_PACKAGE_CACHE: PACKAGE_CACHE,
    });
    for (const [name, value] of Object.entries(ports)) env[name] = String(value);
    // `aws` is the AWS CLI v2, as the READMEs ask, as a learner who followed the install advice has it: on a
    // machine whose PATH finds a v1 first, a folder holding only a link to the v2 comes first (the v2's own
    // folder, /usr/bin say, would also put that folder's node before the one running the tests).
    const awsV2 = findAwsCliV2();
    if (awsV2) {
      const bin = path.join(home, 'bin');
      mkdirSync(bin, { recursive: true });
      symlinkSync(awsV2, path.join(bin, 'aws'));
      env.PATH = `${bin}${path.delimiter}${env.PATH ?? ''}`;
    }
    this.env = env;
  }

  /** A fresh copy of the repository's files (tracked and new, not ignored), with node_modules linked. */
  static async create(): Promise<Learner> {
    const problem = doctestPlatformProblem();
    if (problem) throw new Error(problem);
    const base = mkdtempSync(path.join(tmpdir(), 'cinq-euros-doctest-'));
    const root = path.join(base, 'cinq-euros-pour-rien');
    const home = path.join(base, 'home');
    mkdirSync(root);
    mkdirSync(home);
    writeFileSync(path.join(home, '.curlrc'), 'silent\nshow-error\n');
    for (const file of repositoryFiles()) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      cpSync(path.join(REPO_ROOT, file), path.join(root, file), { verbatimSymlinks: true });
    }
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    const ports = {} as Record<PortName, number>;
    const taken = new Set<number>();
    for (const name of Object.keys(config.ports) as PortName[]) {
      let value = await freePort();
      while (taken.has(value) || Object.values(config.ports).includes(value)) value = await freePort();
      taken.add(value);
      ports[name] = value;
    }
    return new Learner(root, home, ports);
  }

  /** A command as the README writes it, with the workshop's default ports replaced by this run's. */
  localize(command: string): string {
    let out = command;
    for (const [name, value] of Object.entries(this.ports)) {
      const fallback = config.ports[name as PortName];
      out = out.replace(new RegExp(`(?<=:)${fallback}\\b`, 'g'), String(value));
    }
    return out;
  }

  /** Printed output as the README shows it: this run's ports back to the defaults, the copy's path to none. */
  delocalize(text: string): string {
    let out = text.split(`${this.root}/`).join('').split(this.root).join('.');
    for (const [name, value] of Object.entries(this.ports)) {
      out = out.replace(new RegExp(`\\b${value}\\b`, 'g'), String(config.ports[name as PortName]));
    }
    return out;
  }

  private spawnShell(command: string, cwd: string, pwdFile?: string): ChildProcess {
    // One stream for stdout and stderr, in the order a terminal shows them; `set -e`: a failing line fails.
    const script = pwdFile
      ? `trap 'pwd > "${pwdFile}"' EXIT\nset -e\nexec 2>&1\n${command}`
      : `exec 2>&1\n${command}`;
    return spawn('bash', ['-c', script], {
      cwd: path.join(this.root, cwd),
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
  }

  /** Run a command in the learner's terminal to its end; its folder carries over to the next command. */
  run(command: string, timeoutMs: number): Promise<Ran> {
    const pwdFile = path.join(this.home, 'pwd');
    rmSync(pwdFile, { force: true });
    const child = this.spawnShell(this.localize(command), this.cwd, pwdFile);
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        output += `\n[doctest: still running after ${timeoutMs / 1000} s: stopped. A command that serves until Ctrl-C needs <!-- doctest: start NAME until="..." -->]`;
        killGroup(child, 'SIGKILL');
      }, timeoutMs);
      child.once('close', (code) => {
        clearTimeout(timer);
        if (existsSync(pwdFile)) {
          const folder = path.relative(this.root, readFileSync(pwdFile, 'utf8').trim());
          if (!folder.startsWith('..')) this.cwd = folder;
        }
        resolve({ command, output: this.delocalize(output), code });
      });
    });
  }

  /**
   * Start a server as a learner does in another terminal (which opens at the repository root), and wait
   * until it prints a line matching `ready`.
   */
  async start(name: string, command: string, ready: RegExp, timeoutMs: number): Promise<Background> {
    if (this.servers.has(name))
      throw new Error(`"${name}" is already running (started earlier, never stopped).`);
    const child = this.spawnShell(this.localize(command), '');
    const server: Background = {
      name,
      command,
      child,
      output: '',
      code: undefined,
      exited: new Promise((resolve) =>
        child.once('close', (code, signal) => {
          // Killed from outside (not by a stop of ours): say by what, rather than "code null".
          if (signal && this.servers.get(name) === server)
            server.output += `\n[doctest: killed by ${signal}]\n`;
          resolve(code);
        }),
      ),
    };
    void server.exited.then((code) => {
      server.code = code;
    });
    const append = (chunk: Buffer) => {
      server.output += this.delocalize(chunk.toString());
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.servers.set(name, server);
    const deadline = Date.now() + timeoutMs;
    while (!ready.test(server.output)) {
      if (server.code !== undefined)
        throw new Error(`it exited (code ${server.code}) before printing ${ready}.`);
      if (Date.now() > deadline) throw new Error(`it did not print ${ready} within ${timeoutMs / 1000} s.`);
      await sleep(100);
    }
    return server;
  }

  /** Ctrl-C in the server's terminal: SIGINT to its process group; SIGKILL if it is still there after 15 s. */
  async stop(name: string): Promise<Background> {
    const server = this.servers.get(name);
    if (!server) throw new Error(`nothing named "${name}" was started.`);
    this.servers.delete(name);
    if (server.code === undefined) {
      killGroup(server.child, 'SIGINT');
      const timer = setTimeout(() => killGroup(server.child, 'SIGKILL'), 15_000);
      await server.exited;
      clearTimeout(timer);
    }
    // Whatever the group left behind (a grandchild that ignored the signal) goes too.
    killGroup(server.child, 'SIGKILL');
    return server;
  }

  async close(keep: boolean): Promise<void> {
    for (const name of [...this.servers.keys()]) await this.stop(name);
    if (!keep) rmSync(path.dirname(this.root), { recursive: true, force: true });
  }
}

/** What a clone holds: git's tracked and new files (not the ignored ones), or, outside git, all but those. */
function repositoryFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\0')
      .filter((file) => file && file !== 'node_modules' && existsSync(path.join(REPO_ROOT, file)));
  } catch {
    const ignored = new Set([
      '.git',
      'node_modules',
      '.local',
      '.serverless',
      '.esbuild',
      'dist',
      'reports',
      '.env',
    ]);
    return readdirSync(REPO_ROOT, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)))
      .filter((file) => !file.split(path.sep).some((part) => ignored.has(part)));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // already gone
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
