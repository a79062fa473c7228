/**
 * `npm run verify`'s runner: a chapter is a list of steps run in order; each passes (with what it saw)
 * or fails with what went wrong and what to do. The first failure stops the chapter, since the steps
 * after it build on it. Everything a step starts is stopped at the end, whatever happened.
 */

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
