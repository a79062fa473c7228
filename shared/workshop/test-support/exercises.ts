/**
 * The tests of an exercise's check beside its chapter: each known wrong answer fails it with the expected
 * message, and each correct variant (written otherwise than the reference) passes it. (That every starter
 * fails and every reference passes, the rustlings rule, is shared/workshop/test/exercise-cli.e2e.test.ts:
 * npm run exercise -- --solutions.)
 */
import { readFileSync } from 'node:fs';
import { type Exercise, fromRoot } from '../exercises/contract';
import { withCopy } from '../exercises/files';
import { DEFAULT_TIME_LIMIT_MS, runCheck } from '../exercises/run';

export interface Answer {
  readonly name: string;
  /** The text the edits apply to; default: the reference solution's file. */
  readonly base?: string;
  /** The reference's text, with the change made: each [from, to] must match exactly once. */
  readonly edits: readonly (readonly [string, string])[];
}

export interface WrongAnswer extends Answer {
  /** What the check must say about it. */
  readonly says: RegExp;
}

/** The reference with the edits made; an edit that does not match once is an error of the test itself. */
export function withEdits(text: string, edits: Answer['edits']): string {
  let result = text;
  for (const [from, to] of edits) {
    const count = result.split(from).length - 1;
    if (count !== 1)
      throw new Error(`The wrong answer's edit ${JSON.stringify(from)} matches ${count} times, not once.`);
    result = result.replace(from, () => to);
  }
  return result;
}

function textOf(exercise: Exercise, answer: Answer): string {
  return withEdits(answer.base ?? readFileSync(fromRoot(exercise.solution), 'utf8'), answer.edits);
}

export function describeExercise(
  exercises: readonly Exercise[],
  id: string,
  wrongAnswers: readonly WrongAnswer[],
  rightAnswers: readonly Answer[] = [],
): void {
  const exercise = exercises.find((one) => one.id === id);
  if (!exercise) throw new Error(`No exercise ${id} in this chapter.`);
  // The check's own limit, and time to start its process and type-check the file on a busy machine.
  const TEST_TIME_MS = (exercise.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS) + 60_000;
  describe(`exercise ${exercise.id}: ${exercise.title}`, () => {
    it('has hints', () => {
      expect(exercise.hints.length).toBeGreaterThan(0);
    });

    it.each(wrongAnswers.map((wrong) => [wrong.name, wrong] as const))(
      'fails on a wrong answer: %s',
      async (_name, wrong) => {
        const outcome = await withCopy(exercise, textOf(exercise, wrong), (copy) => runCheck(exercise, copy));
        expect(outcome.ok ? 'it passed' : outcome.message).toMatch(wrong.says);
      },
      TEST_TIME_MS,
    );

    if (rightAnswers.length > 0) {
      it.each(rightAnswers.map((right) => [right.name, right] as const))(
        'passes a correct answer written otherwise: %s',
        async (_name, right) => {
          const outcome = await withCopy(exercise, textOf(exercise, right), (copy) =>
            runCheck(exercise, copy),
          );
          expect(outcome.ok ? 'it passed' : outcome.message).toBe('it passed');
        },
        TEST_TIME_MS,
      );
    }
  });
}
