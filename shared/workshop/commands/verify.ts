/**
 * npm run verify -- <chapter...> [--aws]: check your chapters step by step, PASS or what to do.
 * Offline by default (nothing needed but this repository); --aws checks your deployed stacks.
 */

import './require-node';
import { loadDotEnv } from '../env';
import { CHAPTERS } from '../exercises/all';
import { awsChapters, offlineChapters } from '../verify/chapters';
import { runChapter } from '../verify/steps';
import { parseCommandLine } from './cli';

const USAGE = `Usage: npm run verify -- <chapter...|all> [--aws]
  e.g. npm run verify -- 3        chapter 03, offline
       npm run verify -- all      every chapter, offline
       npm run verify -- 3 --aws  your deployed chapter 03 stack`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine('verify', USAGE, {
    allowPositionals: true,
    options: {
      aws: { type: 'boolean', default: false },
    },
  });
  const all = positionals.includes('all');
  const wanted = all ? [1, 2, 3, 4, 5] : positionals.map((p) => Number(p.replace(/^0/, '')));
  if (wanted.length === 0 || wanted.some((n) => !offlineChapters[n])) {
    process.stderr.write(
      `verify: name chapters 1 to 5, or all (got "${positionals.join(' ')}").\n${USAGE}\n`,
    );
    return 2;
  }
  if (values.aws) loadDotEnv();
  const out = { line: (text: string) => process.stdout.write(`${text}\n`) };
  let failed = 0;
  for (const n of wanted) {
    const chapter = (values.aws ? awsChapters : offlineChapters)[n];
    if (!chapter) continue;
    const result = await runChapter(chapter, out);
    if (result.failed > 0) failed++;
    // verify checks the chapter's own code; the exercises check your versions of pieces of it.
    const exercises = CHAPTERS[n]?.exercises ?? [];
    if (exercises.length > 0) {
      out.line(
        `  Exercises: ${exercises.map((exercise) => exercise.id).join(', ')}, your own versions of this chapter's code: npm run exercise -- ${n}`,
      );
    }
    out.line('');
  }
  out.line(failed === 0 ? 'All checks passed.' : `${failed} chapter(s) need work: see "What to do" above.`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`verify: ${error.message}\n`);
    process.exit(1);
  },
);
