import { offlineChapters } from '../verify/chapters';
import { type Chapter, Problem, runChapter } from '../verify/steps';

function collect() {
  const lines: string[] = [];
  return { lines, out: { line: (text: string) => lines.push(text) } };
}

describe('npm run verify: the runner', () => {
  it('stops a chapter at its first failure, says what to do, and still cleans up', async () => {
    const cleaned: string[] = [];
    const chapter: Chapter = {
      title: 'Chapter 99',
      steps: [
        {
          title: 'first',
          run: async (context) => {
            context.defer(() => cleaned.push('server'));
            return 'fine';
          },
        },
        {
          title: 'second',
          run: async () => {
            throw new Problem('it answered 500', 'read the logs');
          },
        },
        { title: 'third', run: async () => 'never' },
      ],
    };
    const { lines, out } = collect();
    expect(await runChapter(chapter, out)).toEqual({ passed: 1, failed: 1, notRun: 1 });
    expect(lines).toEqual([
      'Chapter 99',
      '  PASS  first: fine',
      '  FAIL  second',
      '        it answered 500',
      '        What to do: read the logs',
      '  1 passed, 1 failed, 1 not run (they build on the failed step)',
    ]);
    expect(cleaned).toEqual(['server']);
  });
});

describe('npm run verify: every chapter passes offline with the workshop as shipped', () => {
  it.each([1, 2, 3, 4, 5])(
    'chapter %i',
    async (n) => {
      const { lines, out } = collect();
      const result = await runChapter(offlineChapters[n] as Chapter, out);
      expect({ result, lines }).toEqual({
        result: { passed: expect.any(Number), failed: 0, notRun: 0 },
        lines,
      });
    },
    120_000,
  );
});
