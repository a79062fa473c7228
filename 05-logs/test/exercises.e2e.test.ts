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
  {
    name: 'tells events apart by their timestamp',
    edits: [
      [
        'if (event.eventId === undefined || printed.has(event.eventId)) continue;',
        'if (event.eventId === undefined || [...printed.values()].includes(event.timestamp ?? from)) continue;',
      ],
    ],
    says: /Of the 4 events written while follow\(\) runs, it printed [0-3]: lost .*Tell events apart by eventId alone.*\(TODO 2\)/,
  },
  {
    name: 'tells events apart by their stream and timestamp',
    edits: [
      [
        'if (event.eventId === undefined || printed.has(event.eventId)) continue;',
        'if (event.eventId === undefined || printed.has(event.logStreamName + "/" + event.timestamp)) continue;',
      ],
      [
        'printed.set(event.eventId, timestamp);',
        'printed.set(event.logStreamName + "/" + event.timestamp, timestamp);',
      ],
    ],
    says: /it printed [0-3]: lost "new: This is not an authentic signature".*eventId alone/,
  },
  {
    name: 'never pauses between reads (a hot loop)',
    edits: [['    await pause(pollMs, signal);\n', '']],
    says: /read the log group \d+ times in .* s, though it should wait 100 ms.*pause\(pollMs, signal\).*\(TODO 3\)/,
  },
  {
    name: 'swallows every error of FilterLogEvents',
    edits: [
      [
        '      } catch (error) {\n        if (signal.aborted) return;\n        throw error;\n      }',
        '      } catch {\n        return;\n      }',
      ],
    ],
    says: /log group does not exist.*returned as if all were well.*\(TODO 1\)/,
  },
  // Written as a learner would, beyond the list.
  {
    name: 'tells events apart by their message',
    edits: [
      [
        'if (event.eventId === undefined || printed.has(event.eventId)) continue;',
        "if (event.eventId === undefined || printed.has(event.message ?? '')) continue;",
      ],
      ['printed.set(event.eventId, timestamp);', "printed.set(event.message ?? '', timestamp);"],
    ],
    says: /lost "new: This is not an authentic signature".*eventId alone/,
  },
  {
    name: 'an endless loop before the first read',
    edits: [['  let from = startTime;\n', '  let from = startTime;\n  while (from > 0) newest = from;\n']],
    says: /stopped after 20 s: follow\(options\), which should print the 12 events of the history within 3 s did not return\. A loop that never ends/,
  },
]);
