/**
 * The README doc-tests' reading of a README: its fenced blocks and the `<!-- doctest: ... -->` markers
 * that say what to do with them. The markers are HTML comments, so the README renders as plain Markdown.
 *
 *   a ```sh block with no marker      run in the learner's terminal; it must exit 0
 *   <!-- doctest: run exit=1 name=x --> the next ```sh block, expecting that exit status (or exit=nonzero)
 *   <!-- doctest: start NAME until="REGEX" -->  the next ```sh block is a server a learner leaves running
 *                                       ("in another terminal"): started in the background, ready once a
 *                                       printed line matches REGEX
 *   <!-- doctest: stop NAME -->         where the README says to stop it (Ctrl-C): SIGINT to it
 *   <!-- doctest: output [of=NAME] [match=whole|start|end|part|unordered] -->  the next block is "what
 *                                       you should see": compared with what the previous (or NAME's)
 *                                       command printed (see MatchMode in compare.ts)
 *   <!-- doctest: session [exit=N] -->  the next block is `$ command` lines each followed by its output
 *   <!-- doctest: aws [not-run="why"] --> the next ```sh block needs AWS: each command is run without
 *                                       credentials and must say "No AWS credentials were found."
 *   <!-- doctest: do COMMAND -->        what the prose asks the learner to do by hand (edit a file, open
 *                                       a page), done in their terminal
 *   <!-- doctest: skip REASON -->       the next block is not run; the reason is reported
 */

export interface Fence {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly endLine: number;
  readonly lang: string;
  readonly text: string;
}

export type Verb = 'run' | 'start' | 'stop' | 'output' | 'session' | 'aws' | 'do' | 'skip';
const VERBS: readonly Verb[] = ['run', 'start', 'stop', 'output', 'session', 'aws', 'do', 'skip'];
/** Verbs that stand alone; the others describe the block that follows them. */
const STANDALONE: readonly Verb[] = ['stop', 'do'];

export interface Marker {
  readonly line: number;
  readonly verb: Verb;
  /** The first bare word (a server's name for start/stop). */
  readonly name?: string;
  readonly options: Readonly<Record<string, string>>;
  /** Everything after the verb, as written (the command of `do`, the reason of `skip`). */
  readonly rest: string;
}

export type Step =
  | { readonly kind: 'block'; readonly fence: Fence; readonly marker?: Marker }
  | { readonly kind: 'action'; readonly marker: Marker };

export class MarkerError extends Error {}

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'console']);
export const isShell = (fence: Fence): boolean => SHELL_LANGS.has(fence.lang);

function parseMarker(body: string, line: number, file: string): Marker {
  const match = /^(\w[\w-]*)\s*(.*)$/s.exec(body.trim());
  const verb = match?.[1] as Verb | undefined;
  if (!verb || !VERBS.includes(verb)) {
    throw new MarkerError(
      `${file}:${line}: unknown doctest marker "${body.trim()}": use one of ${VERBS.join(', ')} (see shared/workshop/test-support/doctest/markdown.ts).`,
    );
  }
  const rest = (match?.[2] ?? '').trim();
  const options: Record<string, string> = {};
  let name: string | undefined;
  if (verb !== 'do' && verb !== 'skip') {
    const token = /([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S+))|(\S+)/g;
    for (const part of rest.matchAll(token)) {
      if (part[1]) options[part[1]] = (part[2] ?? part[3] ?? '').replace(/\\(.)/g, '$1');
      else if (name === undefined) name = part[4];
      else throw new MarkerError(`${file}:${line}: unexpected "${part[4]}" in the doctest marker.`);
    }
  }
  if ((verb === 'start' || verb === 'stop') && !name)
    throw new MarkerError(`${file}:${line}: "doctest: ${verb}" needs the server's name.`);
  if (verb === 'start' && !options.until)
    throw new MarkerError(
      `${file}:${line}: "doctest: start ${name}" needs until="<a line it prints when ready>".`,
    );
  if ((verb === 'do' || verb === 'skip') && !rest)
    throw new MarkerError(
      `${file}:${line}: "doctest: ${verb}" needs ${verb === 'do' ? 'a command' : 'a reason'}.`,
    );
  return { line, verb, name, options, rest };
}

/** The README's fenced blocks and markers, in order; a marker that describes a block is attached to it. */
export function parseReadme(markdown: string, file: string): Step[] {
  const lines = markdown.split('\n');
  const steps: Step[] = [];
  let pending: Marker | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const comment = /^\s*<!--\s*doctest:(.*?)-->\s*$/.exec(raw);
    if (comment) {
      if (pending)
        throw new MarkerError(`${file}:${pending.line}: this doctest marker is not followed by a block.`);
      const marker = parseMarker(comment[1] as string, i + 1, file);
      if (STANDALONE.includes(marker.verb)) steps.push({ kind: 'action', marker });
      else pending = marker;
      continue;
    }
    if (/^\s*<!--\s*doctest\b/.test(raw))
      throw new MarkerError(`${file}:${i + 1}: a doctest marker must be one line: <!-- doctest: ... -->`);
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(raw);
    if (!open) {
      if (pending && raw.trim() !== '')
        throw new MarkerError(`${file}:${pending.line}: this doctest marker is not followed by a block.`);
      continue;
    }
    const indent = (open[1] as string).length;
    const fenceChars = open[2] as string;
    const body: string[] = [];
    let j = i + 1;
    const close = new RegExp(`^\\s*${fenceChars[0]}{${fenceChars.length},}\\s*$`);
    while (j < lines.length && !close.test(lines[j] as string)) {
      const content = lines[j] as string;
      body.push(content.slice(Math.min(indent, content.length - content.trimStart().length)));
      j++;
    }
    const fence: Fence = {
      line: i + 1,
      endLine: j + 1,
      lang: (open[3] as string).toLowerCase(),
      text: body.join('\n'),
    };
    steps.push({ kind: 'block', fence, marker: pending });
    pending = undefined;
    i = j;
  }
  if (pending)
    throw new MarkerError(`${file}:${pending.line}: this doctest marker is not followed by a block.`);
  return steps;
}

/** The paragraph just above a line (to tell a "What you should see" block that carries no marker). */
export function paragraphBefore(markdown: string, line: number): string {
  const lines = markdown.split('\n').slice(0, line - 1);
  while (lines.length && (lines.at(-1) as string).trim() === '') lines.pop();
  const paragraph: string[] = [];
  while (lines.length && (lines.at(-1) as string).trim() !== '') paragraph.unshift(lines.pop() as string);
  return paragraph.join(' ');
}
