/**
 * The tests of an exercise's check beside its chapter: each known wrong answer fails it with the expected
 * message. (That every starter fails and every reference passes, the rustlings rule, is
 * shared/test/exercise-cli.test.ts: npm run exercise -- --solutions.)
 */
import { readFileSync } from 'node:fs';
import { type Exercise, fromRoot, runCheck } from '../exercises/contract';
import { withCopy } from '../exercises/files';

export interface WrongAnswer {
  readonly name: string;
  /** The text the edits apply to; default: the reference solution's file. */
  readonly base?: string;
  /** The reference's text, with the mistake made: each [from, to] must match exactly once. */
  readonly edits: readonly (readonly [string, string])[];
  /** What the check must say about it. */
  readonly says: RegExp;
}

/** The reference with the edits made; an edit that does not match once is an error of the test itself. */
export function withEdits(text: string, edits: WrongAnswer['edits']): string {
  let result = text;
  for (const [from, to] of edits) {
    const count = result.split(from).length - 1;
    if (count !== 1)
      throw new Error(`The wrong answer's edit ${JSON.stringify(from)} matches ${count} times, not once.`);
    result = result.replace(from, () => to);
  }
  return result;
}

export function describeExercise(
  exercises: readonly Exercise[],
  id: string,
  wrongAnswers: readonly WrongAnswer[],
): void {
  const exercise = exercises.find((one) => one.id === id);
  if (!exercise) throw new Error(`No exercise ${id} in this chapter.`);
  describe(`exercise ${exercise.id}: ${exercise.title}`, () => {
    it('has hints', () => {
      expect(exercise.hints.length).toBeGreaterThan(0);
    });

    it.each(wrongAnswers.map((wrong) => [wrong.name, wrong] as const))(
      'fails on a wrong answer: %s',
      async (_name, wrong) => {
        const text = withEdits(wrong.base ?? readFileSync(fromRoot(exercise.solution), 'utf8'), wrong.edits);
        const outcome = await withCopy(exercise, text, (copy) => runCheck(exercise, copy));
        expect(outcome).toEqual({ ok: false, message: expect.stringMatching(wrong.says) });
      },
    );
  });
}
