/**
 * Before an exercise's check runs its file, the file's own compiler or parser reads it: a mistake is then
 * shown where the learner made it, the tool's whole message with the file's line and column, rather than
 * as whatever the check trips over later (or, for a type error, not at all).
 *
 *   TypeScript  esbuild (what tsx compiles with) for syntax, then the TypeScript compiler with the project's
 *               tsconfig, on that file alone, as `npm test`'s tsc would report it
 *   YAML        the yaml parser, on the exercise file itself (not on the serverless.yml it is spliced into)
 *   Postman     Node's parser (a Postman script is JavaScript)
 *   shell       sh -n, which reads the script without running it
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { REPO_ROOT } from '../env';
import { displayName, type Exercise } from './contract';

/** At most this many errors of one file are shown: the first is nearly always the one to fix. */
const MAX_ERRORS = 3;

/** The line `line` (1-based) of `text` and a caret under column `column` (1-based). */
function codeFrame(text: string, line: number, column: number): string {
  const source = text.split('\n')[line - 1]?.replace(/\r$/, '') ?? '';
  const gutter = `${line} | `;
  return `    ${gutter}${source}\n    ${' '.repeat(gutter.length + Math.max(0, column - 1))}^`;
}

function typescriptSyntax(file: string, text: string): string | undefined {
  const esbuild = require('esbuild') as typeof import('esbuild');
  try {
    esbuild.transformSync(text, { loader: 'ts', sourcefile: displayName(file), format: 'cjs' });
    return undefined;
  } catch (error) {
    const errors = (error as { errors?: import('esbuild').Message[] }).errors;
    if (!errors?.length) return `${displayName(file)}: ${(error as Error).message}`;
    const formatted = esbuild.formatMessagesSync(errors.slice(0, MAX_ERRORS), {
      kind: 'error',
      color: false,
    });
    return `${displayName(file)} has a syntax error:\n${formatted.join('').trimEnd()}`;
  }
}

let compilerOptions: import('typescript').CompilerOptions | undefined;

/** The project's tsconfig, as npm test's `tsc --noEmit` reads it. */
function projectOptions(ts: typeof import('typescript')): import('typescript').CompilerOptions {
  if (compilerOptions) return compilerOptions;
  const tsconfig = path.join(REPO_ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, REPO_ROOT, undefined, tsconfig);
  // jest's globals are for the tests: an exercise file that used them would fail its check anyway.
  compilerOptions = {
    ...parsed.options,
    types: ['node'],
    // The project's types whatever folder the file is in (a copy of it outside the checkout).
    typeRoots: [path.join(REPO_ROOT, 'node_modules', '@types')],
    noEmit: true,
  };
  return compilerOptions;
}

function typescriptTypes(file: string, text: string): string | undefined {
  const ts = require('typescript') as typeof import('typescript');
  const program = ts.createProgram([file], projectOptions(ts));
  const source = program.getSourceFile(file);
  if (!source) return undefined;
  const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  if (found.length === 0) return undefined;
  const shown = found.slice(0, MAX_ERRORS).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n      ');
    if (diagnostic.start === undefined) return `  error TS${diagnostic.code}: ${message}`;
    const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start);
    return `  ${displayName(file)}:${line + 1}:${character + 1}: error TS${diagnostic.code}: ${message}\n${codeFrame(text, line + 1, character + 1)}`;
  });
  const more = found.length > MAX_ERRORS ? `\n  (and ${found.length - MAX_ERRORS} more)` : '';
  return `${displayName(file)} does not type-check (npm test's tsc would fail on it):\n${shown.join('\n')}${more}`;
}

function yamlErrors(file: string, text: string): string | undefined {
  const { parseAllDocuments } = require('yaml') as typeof import('yaml');
  // CloudFormation's tags (!Sub, !If...) are unknown to the parser: a warning, not an error.
  const errors = parseAllDocuments(text, { prettyErrors: true }).flatMap((document) =>
    'errors' in document ? document.errors : [],
  );
  if (errors.length === 0) return undefined;
  const shown = errors.slice(0, MAX_ERRORS).map((error) => {
    const at = error.linePos?.[0];
    const [first, ...rest] = error.message.split('\n');
    const message = (first ?? '').replace(/ at line \d+, column \d+:$/, '');
    const frame = at
      ? codeFrame(text, at.line, at.col)
      : rest
          .filter((line) => line.trim() !== '')
          .map((line) => `    ${line}`)
          .join('\n');
    return `  ${displayName(file)}${at ? `:${at.line}:${at.col}` : ''}: ${message}\n${frame}`;
  });
  return `${displayName(file)} is not valid YAML:\n${shown.join('\n')}`;
}

function postmanSyntax(file: string, text: string): string | undefined {
  try {
    // Compiled, never run: Postman runs it, with pm defined.
    new vm.Script(text, { filename: displayName(file) });
    return undefined;
  } catch (error) {
    const stack = String((error as Error).stack ?? error);
    const lines = stack.split('\n');
    const end = lines.findIndex((line) => /^\w*Error: /.test(line));
    const located = (end >= 0 ? lines.slice(0, end + 1) : lines.slice(0, 1)).join('\n    ');
    return `${displayName(file)} is not valid JavaScript (Postman could not run it):\n    ${located}`;
  }
}

function shellSyntax(file: string, text: string): string | undefined {
  if (text.includes('\r\n')) {
    return `${displayName(file)} has Windows line endings (CRLF), and sh reads each \\r as part of a command: save it with LF line endings (VS Code: click CRLF in the status bar and choose LF), then check again.`;
  }
  try {
    // Relative to the root, so that sh names the file as the learner knows it.
    execFileSync('sh', ['-n', path.relative(REPO_ROOT, file)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: 5000,
    });
    return undefined;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    // No sh here (Windows without Git Bash): the check says so itself.
    if (e.code === 'ENOENT') return undefined;
    const said = String(e.stderr ?? '')
      .trim()
      .replaceAll(path.relative(REPO_ROOT, file), displayName(file));
    return `${displayName(file)} is not a valid shell script (sh -n):\n    ${said || e.message}`;
  }
}

/** The first mistake the file's compiler or parser finds in it, with its line, or undefined. */
export function diagnose(exercise: Pick<Exercise, 'language' | 'file'>, file: string): string | undefined {
  // The reference of an exercise may be another kind of file (4.1's is the whole Postman collection).
  if (path.extname(file) !== path.extname(exercise.file)) return undefined;
  const text = readFileSync(file, 'utf8');
  switch (exercise.language) {
    case 'typescript':
      return typescriptSyntax(file, text) ?? typescriptTypes(file, text);
    case 'yaml':
      return yamlErrors(file, text);
    case 'postman':
      return postmanSyntax(file, text);
    case 'shell':
      return shellSyntax(file, text);
  }
}
