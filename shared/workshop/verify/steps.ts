/**
 * `npm run verify`'s runner: a chapter is a list of steps run in order; each passes (with what it saw)
 * or fails with what went wrong and what to do. The first failure stops the chapter, since the steps
 * after it build on it. Everything a step starts is stopped at the end, whatever happened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CloudFormationTemplate, packageChapter } from '../packaging/serverless-package';

/** A failed check: what was seen, and what the learner should do about it. */
export class Problem extends Error {
  override readonly name = 'Problem';
  constructor(
    message: string,
    readonly todo: string,
  ) {
    super(message);
  }
}

export interface StepContext {
  /** Run `cleanup` when the chapter is done (servers, temporary folders). */
  defer(cleanup: () => unknown): void;
  /** Values steps hand to later steps (the API's URL...). */
  readonly state: Map<string, unknown>;
}

export interface Step {
  readonly title: string;
  /** Resolves with a short note of what it saw, or rejects (a Problem says what to do). */
  run(context: StepContext): Promise<string | undefined>;
}

export interface Chapter {
  readonly title: string;
  readonly steps: readonly Step[];
}

export interface ChapterResult {
  readonly passed: number;
  readonly failed: number;
  readonly notRun: number;
}

export interface Output {
  line(text: string): void;
}

export async function runChapter(chapter: Chapter, out: Output): Promise<ChapterResult> {
  out.line(chapter.title);
  const cleanups: (() => unknown)[] = [];
  const context: StepContext = { defer: (cleanup) => cleanups.push(cleanup), state: new Map() };
  let passed = 0;
  let failed = 0;
  try {
    for (const step of chapter.steps) {
      try {
        const note = await step.run(context);
        passed++;
        out.line(`  PASS  ${step.title}${note ? `: ${note}` : ''}`);
      } catch (error) {
        failed++;
        const problem = error instanceof Problem ? error : undefined;
        out.line(`  FAIL  ${step.title}`);
        for (const text of (problem?.message ?? String((error as Error).message ?? error)).split('\n')) {
          out.line(`        ${text}`);
        }
        const todo =
          problem?.todo ?? 'This looks like a bug of the workshop itself: please report it with this output.';
        out.line(`        What to do: ${todo}`);
        break;
      }
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // a cleanup that fails must not hide the result
      }
    }
  }
  const notRun = chapter.steps.length - passed - failed;
  out.line(
    `  ${passed} passed, ${failed} failed${notRun ? `, ${notRun} not run (they build on the failed step)` : ''}`,
  );
  return { passed, failed, notRun };
}

export function check(condition: unknown, message: string, todo: string): asserts condition {
  if (!condition) throw new Problem(message, todo);
}

// What the chapters' verify steps share (each chapter has a file of steps here, offline and --aws).

/** The bill every verify step signs, and the line the article logs for a forged signature. */
export const BILL = { email: 'jane.doe@example.com', billNumber: '2019-0042' } as const;
export const NOT_AUTHENTIC = 'This is not an authentic signature';

/** A temporary folder removed when the chapter is done. */
export function temporaryDir(context: StepContext, name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `verify-${name}-`));
  context.defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The CloudFormation template `serverless package` writes for a chapter, or a Problem saying where it broke. */
export async function packaged(chapter: string): Promise<CloudFormationTemplate> {
  try {
    return (await packageChapter(chapter)).template;
  } catch (error) {
    throw new Problem(
      `serverless package failed for ${chapter}:\n${(error as Error).message.split('\n').slice(-6).join('\n')}`,
      `fix ${chapter}/serverless.yml (the message above says where), then: cd ${chapter} && npx serverless package`,
    );
  }
}

export function resourcesOf(template: CloudFormationTemplate, type: string) {
  return Object.values(template.Resources).filter((r) => r.Type === type);
}
