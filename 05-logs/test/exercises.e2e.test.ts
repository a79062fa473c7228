/**
 * Chapter 05's exercise: its check fails on known wrong answers (src/simple-tail.ts with one mistake),
 * against the local CloudWatch Logs endpoint, with the message that helps.
 */
import { describeExercise } from '../../shared/workshop/test-support/exercises';
import { exercises } from '../exercises/checks';

describeExercise(exercises, '5.1', [
  {
    name: 'reads the first page only',
    edits: [['nextToken = page.nextToken;', 'nextToken = undefined;']],
    says: /Of the 12 events of the history.*printed 5\. .*nextToken.*\(TODO 1\)/,
  },
  {
    name: 'prints an event again at each read',
    edits: [
      [
        'if (event.eventId === undefined || printed.has(event.eventId)) continue;',
        'if (event.eventId === undefined) continue;',
      ],
    ],
    says: /twice: remember the ids printed.*\(TODO 2\)/,
  },
  {
    name: 'reads again from the newest event only, so a late one is missed',
    edits: [['from = Math.max(startTime, newest - LATE_MS);', 'from = Math.max(startTime, newest + 1);']],
    says: /stored late.*never printed.*\(TODO 3\)/,
  },
  {
    name: 'stops after one read',
    edits: [['    await pause(pollMs, signal);\n', '    return;\n']],
    says: /returned before the signal was aborted.*\(TODO 3\)/,
  },
]);
