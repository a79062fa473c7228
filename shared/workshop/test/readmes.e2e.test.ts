/**
 * The READMEs, as a learner follows them: every shell block of every README and of the GOING-FURTHER.md
 * beside it, in order (the top README, then chapters 01 to 05, then shared/, each README before its
 * GOING-FURTHER.md), in one fresh copy of the repository, each from the state the
 * blocks before it left. Servers start in the background where the README says to leave them running and
 * stop where it says to stop them; each "What you should see" is compared with what was printed. Blocks
 * that need AWS run without credentials and must say so. `npm run doctest` runs just this; the markers are
 * described in shared/workshop/test-support/doctest/markdown.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../env';
import { hasSystem, howToInstall, REQUIREMENTS, type RequirementName } from '../system-requirements';
import {
  lineDiff,
  linesMatch,
  type MatchMode,
  normalize,
  PLACEHOLDER_HELP,
} from '../test-support/doctest/compare';
import { Learner, sleep } from '../test-support/doctest/learner';
import {
  type Fence,
  isShell,
  type Marker,
  MarkerError,
  paragraphBefore,
  parseReadme,
  type Step,
} from '../test-support/doctest/markdown';

// Each folder's README, then the GOING-FURTHER.md beside it (its depth, which runs from the state the
// README left: a learner reads it after the chapter, before the next one).
const withGoingFurther = (folder: string) =>
  [`${folder}README.md`, `${folder}GOING-FURTHER.md`].filter((file) =>
    existsSync(path.join(REPO_ROOT, file)),
  );
const ALL_READMES = [
  ...withGoingFurther(''),
  ...readdirSync(REPO_ROOT)
    .filter((name) => /^\d\d-/.test(name))
    .sort()
    .flatMap((name) => withGoingFurther(`${name}/`)),
  ...withGoingFurther('shared/'),
];
// DOCTEST_UNTIL=03 runs the READMEs up to chapter 03's and its GOING-FURTHER.md (each needs the ones before it).
const until = process.env.DOCTEST_UNTIL;
const last = until ? ALL_READMES.findLastIndex((file) => file.startsWith(until)) : ALL_READMES.length - 1;
const READMES = ALL_READMES.slice(0, last < 0 ? ALL_READMES.length : last + 1);
const RUN_TIMEOUT_MS = 120_000;
const START_TIMEOUT_MS = 90_000;
const OUTPUT_WAIT_MS = 20_000;
const NO_CREDENTIALS = /No AWS credentials were found\./;
const KEEP = process.env.DOCTEST_KEEP === '1';

/** What was printed by a command, for the "What you should see" block that follows it. */
interface Printed {
  readonly what: string;
  readonly line: number;
  /** The output so far (a server's grows). */
  readonly text: () => string;
  readonly growing: boolean;
}

let learner: Learner;
let failed = false;

beforeAll(async () => {
  learner = await Learner.create();
}, 60_000);

afterAll(async () => {
  await learner?.close(KEEP);
  if (KEEP || failed)
    process.stderr.write(
      `README doc-tests: the learner's copy is ${learner?.root} ${KEEP ? '(kept)' : '(removed; DOCTEST_KEEP=1 keeps it)'}\n`,
    );
}, 60_000);

const firstLine = (text: string) =>
  text.split('\n').find((line) => line.trim() && !line.startsWith('#')) ?? text;
const indent = (lines: readonly string[]) => lines.map((line) => `    ${line}`).join('\n');

/** The commands of a shell block, one per line (a trailing backslash continues a line). */
function commandsOf(text: string): string[] {
  const commands: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    current += current ? `\n${line}` : line;
    if (line.endsWith('\\')) continue;
    if (current.trim() && !current.trim().startsWith('#')) commands.push(current);
    current = '';
  }
  return commands;
}

function missingSystem(marker: Marker | undefined): RequirementName | undefined {
  const needs = marker?.options.needs as RequirementName | undefined;
  if (!needs) return undefined;
  if (!(needs in REQUIREMENTS))
    throw new Error(`needs=${needs}: not one of ${Object.keys(REQUIREMENTS).join(', ')}`);
  return hasSystem(needs) || process.env.CI === 'true' ? undefined : needs;
}

function expectExit(
  ran: { code: number | null; output: string; command: string },
  marker: Marker | undefined,
  where: string,
): void {
  const wanted = marker?.options.exit ?? '0';
  const ok = wanted === 'nonzero' ? ran.code !== 0 : ran.code === Number(wanted);
  if (!ok) {
    failed = true;
    throw new Error(
      `${where}: \`${firstLine(ran.command)}\` exited with ${ran.code}, the README expects ${wanted === 'nonzero' ? 'a failure' : wanted}${wanted === '0' ? ' (if the README means it to fail, put <!-- doctest: run exit=N --> on the line above the block)' : ''}. It printed:\n${indent(ran.output.split('\n').slice(-60))}`,
    );
  }
}

function compare(
  file: string,
  fence: Fence,
  marker: Marker,
  printed: Printed,
): { ok: boolean; message: () => string } {
  const mode = (marker.options.match ?? 'whole') as MatchMode;
  if (!['whole', 'start', 'end', 'part', 'unordered'].includes(mode))
    throw new Error(`${file}:${marker.line}: match=${mode}?`);
  const expected = normalize(fence.text);
  const check = () => linesMatch(expected, normalize(printed.text()), mode);
  return {
    ok: check(),
    message: () => {
      const actual = normalize(printed.text());
      return [
        `${file}:${fence.line}-${fence.endLine}: the README's "what you should see" (match=${mode}) is not what \`${firstLine(printed.what)}\` (line ${printed.line}) printed.`,
        `"- " a README line that was not printed, "+ " a printed line the README does not show (both after placeholders; "..." in the README is any lines):`,
        indent(lineDiff(expected, actual, mode)),
        'Printed, as is (ports shown as the defaults):',
        indent(printed.text().replace(/\n+$/, '').split('\n').slice(-80)),
        `Fix the README block (or the code, if the README is right), then: npm run doctest. Placeholders: ${PLACEHOLDER_HELP}.`,
      ].join('\n');
    },
  };
}

function registerReadme(file: string): void {
  const markdown = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  let steps: Step[];
  try {
    steps = parseReadme(markdown, file);
  } catch (error) {
    if (!(error instanceof MarkerError)) throw error;
    test(`${file}: its doctest markers`, () => {
      failed = true;
      throw error;
    });
    return;
  }
  const named = new Map<string, Printed>();
  let last: Printed | undefined;
  const started = new Set<string>();

  for (const step of steps) {
    const marker = step.marker;
    const where = `${file}:${step.kind === 'block' ? step.fence.line : marker?.line}`;

    if (step.kind === 'action' && step.marker.verb === 'stop') {
      const name = step.marker.name as string;
      if (!started.has(name)) {
        test(`${where} stop ${name}`, () => {
          failed = true;
          throw new Error(`${where}: "doctest: stop ${name}", but this README starts nothing named ${name}.`);
        });
        continue;
      }
      const slot: { printed?: Printed } = {};
      test(`${where} stop ${name} (Ctrl-C)`, async () => {
        const server = await learner.stop(name);
        slot.printed = {
          what: server.command,
          line: step.marker.line,
          text: () => server.output,
          growing: false,
        };
      }, 30_000);
      last = {
        what: `${name} (stopped)`,
        line: step.marker.line,
        text: () => slot.printed?.text() ?? '',
        growing: false,
      };
      continue;
    }
    if (step.kind === 'action') {
      const command = step.marker.rest;
      const slot = { output: '' };
      test(
        `${where} (by hand) ${command}`,
        async () => {
          const ran = await learner.run(command, RUN_TIMEOUT_MS);
          slot.output = ran.output;
          expectExit(ran, undefined, where);
        },
        RUN_TIMEOUT_MS + 5000,
      );
      last = { what: command, line: step.marker.line, text: () => slot.output, growing: false };
      continue;
    }

    const { fence } = step;
    const title = `${where} ${firstLine(fence.text)}`;
    if (marker?.verb === 'skip') {
      // Reported as skipped, not dropped, so the run lists every README block it did not run and the
      // README's own reason for it (a bench, the test suites themselves, output that is the learner's own).
      test.skip(`${title} (not run: ${marker.rest})`, () => undefined);
      continue;
    }
    if (marker?.verb === 'output') {
      const source = marker.options.of ? named.get(marker.options.of) : last;
      if (!source) {
        test(`${where} what you should see`, () => {
          failed = true;
          throw new Error(
            `${where}: "doctest: output${marker.options.of ? ` of=${marker.options.of}` : ''}", but no command before it printed anything of that name.`,
          );
        });
        continue;
      }
      test(
        `${where} what you should see (of \`${firstLine(source.what)}\`)`,
        async () => {
          let result = compare(file, fence, marker, source);
          const deadline = Date.now() + OUTPUT_WAIT_MS;
          while (!result.ok && source.growing && Date.now() < deadline) {
            await sleep(200);
            result = compare(file, fence, marker, source);
          }
          if (!result.ok) {
            failed = true;
            throw new Error(result.message());
          }
        },
        OUTPUT_WAIT_MS + 10_000,
      );
      continue;
    }
    if (marker?.verb === 'session') {
      test(
        `${title} (a session)`,
        async () => {
          const lines = fence.text.split('\n');
          const commands: { command: string; expected: string[] }[] = [];
          for (const line of lines) {
            if (line.startsWith('$ ')) commands.push({ command: line.slice(2), expected: [] });
            else commands.at(-1)?.expected.push(line);
          }
          for (const { command, expected } of commands) {
            const ran = await learner.run(command, RUN_TIMEOUT_MS);
            expectExit(ran, marker, where);
            const printed: Printed = {
              what: command,
              line: fence.line,
              text: () => ran.output,
              growing: false,
            };
            const result = compare(
              file,
              { ...fence, text: expected.join('\n') },
              { ...marker, options: { match: 'whole' } },
              printed,
            );
            if (!result.ok) {
              failed = true;
              throw new Error(result.message());
            }
          }
        },
        RUN_TIMEOUT_MS,
      );
      continue;
    }
    if (!isShell(fence)) {
      if (marker) {
        test(`${where} doctest: ${marker.verb}`, () => {
          failed = true;
          throw new Error(
            `${where}: "doctest: ${marker.verb}" goes before a shell block (\`\`\`sh), not a \`\`\`${fence.lang} one.`,
          );
        });
      } else if (/what you should see/i.test(paragraphBefore(markdown, fence.line))) {
        test(`${where} a "what you should see" block`, () => {
          failed = true;
          throw new Error(
            `${where}: this block follows "What you should see" but has no doctest marker: put <!-- doctest: output --> (compared with the command before it) or <!-- doctest: skip <why> --> on the line above it.`,
          );
        });
      }
      continue;
    }

    if (marker?.verb === 'aws') {
      if (marker.options['not-run'] !== undefined) {
        // An AWS block that cannot even reach its no-credentials message (it needs the learner's own ids,
        // domain or an interactive sign-in): skipped with the README's reason, so the gap stays visible.
        test.skip(`${title} (needs AWS, not run: ${marker.options['not-run']})`, () => undefined);
        continue;
      }
      const outputs: string[] = [];
      const printed: Printed = {
        what: fence.text,
        line: fence.line,
        text: () => outputs.join('\n'),
        growing: false,
      };
      test(
        `${title} (needs AWS: without credentials it says so)`,
        async () => {
          for (const command of commandsOf(fence.text)) {
            const ran = await learner.run(command, RUN_TIMEOUT_MS);
            outputs.push(ran.output);
            // Nothing before it but npm's own lines: no SDK notice, no "Tailing ... on AWS" that then fails.
            const before = ran.output.split('\n').slice(
              0,
              ran.output.split('\n').findIndex((line) => NO_CREDENTIALS.test(line)),
            );
            const preamble = before.filter((line) => line.trim() && !line.startsWith('> '));
            if (ran.code === 0 || !NO_CREDENTIALS.test(ran.output) || preamble.length > 0) {
              failed = true;
              throw new Error(
                `${where}: \`${firstLine(command)}\` needs AWS; without credentials it should fail with "No AWS credentials were found." and what to do, first, but it exited ${ran.code} and printed:\n${indent(ran.output.split('\n').slice(-40))}`,
              );
            }
          }
        },
        RUN_TIMEOUT_MS * 2,
      );
      last = printed;
      if (marker.options.name) named.set(marker.options.name, printed);
      continue;
    }

    const command = marker?.options.as ?? fence.text;
    if (marker?.verb === 'start') {
      const name = marker.name as string;
      started.add(name);
      const slot: { text: () => string } = { text: () => '' };
      test(
        `${title} (left running: ${name})`,
        async () => {
          const missing = missingSystem(marker);
          if (missing) return;
          try {
            const server = await learner.start(
              name,
              command,
              new RegExp(marker.options.until as string),
              START_TIMEOUT_MS,
            );
            slot.text = () => server.output;
          } catch (error) {
            failed = true;
            const server = learner.servers.get(name);
            const output = server?.output ?? '';
            if (server) await learner.stop(name);
            throw new Error(
              `${where}: \`${firstLine(command)}\` (started in another terminal): ${(error as Error).message} It printed:\n${indent(output.split('\n').slice(-60))}`,
            );
          }
        },
        START_TIMEOUT_MS + 20_000,
      );
      const printed: Printed = { what: command, line: fence.line, text: () => slot.text(), growing: true };
      named.set(name, printed);
      last = printed;
      continue;
    }

    // A command run to its end in the learner's terminal.
    const slot: { output: string } = { output: '' };
    test(
      title,
      async () => {
        const missing = missingSystem(marker);
        if (missing) {
          process.stderr.write(
            `${where}: not run here: it needs ${REQUIREMENTS[missing].name} (${howToInstall(REQUIREMENTS[missing])}).\n`,
          );
          return;
        }
        const timeout = marker?.options.timeout ? Number(marker.options.timeout) * 1000 : RUN_TIMEOUT_MS;
        const ran = await learner.run(command, timeout);
        slot.output = ran.output;
        expectExit(ran, marker, where);
      },
      RUN_TIMEOUT_MS + 10_000,
    );
    const printed: Printed = { what: command, line: fence.line, text: () => slot.output, growing: false };
    last = printed;
    if (marker?.options.name) named.set(marker.options.name, printed);
  }

  test(`${file}: every server it starts, it says to stop`, async () => {
    const left = [...learner.servers.values()];
    for (const server of left) await learner.stop(server.name);
    if (left.length) {
      failed = true;
      throw new Error(
        `${file} leaves running: ${left.map((s) => `\`${firstLine(s.command)}\` (${s.name})`).join(', ')}. Say where to stop it (Ctrl-C) and mark that place <!-- doctest: stop NAME -->.`,
      );
    }
    if (learner.cwd !== '') {
      failed = true;
      const folder = learner.cwd;
      learner.cwd = '';
      throw new Error(
        `${file} leaves the learner's terminal in ${folder}/: say where to go back (cd ..), as the next README's commands run from the repository root.`,
      );
    }
  }, 60_000);
}

for (const file of READMES) describe(file, () => registerReadme(file));
