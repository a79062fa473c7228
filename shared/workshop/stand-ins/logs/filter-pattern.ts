/**
 * CloudWatch Logs filter patterns, as FilterLogEvents and StartLiveTail read them:
 *   - terms:            ERROR            ERROR Exception    (every term must appear; case-sensitive)
 *   - quoted phrases:   "not an authentic signature"
 *   - exclusions:       ERROR -timeout   (ERROR, but not timeout)
 *   - any of:           ?ERROR ?WARN
 *   - regular expressions between percent signs: %4[0-9]{2}%
 *   - JSON property filters on events whose whole message is a JSON object:
 *       { $.level = "ERROR" }   { $.durationMs > 100 && $.outcome != "authentic" }
 *       { $.reason = "*authentic*" }   { $.error IS NULL }   { $.error NOT EXISTS }   { $.ok IS TRUE }
 * Space-delimited patterns ([ip, user, ...]) are not supported: they are rejected with a message saying so.
 *
 * No pattern can hold the endpoint for long: regular expressions are limited to the syntax AWS accepts
 * (no groups, ASCII only, at most two per pattern) and run on RE2 (re2js), whose matching time grows with
 * the message's length only, never exponentially as JavaScript's backtracking RegExp can; `*` wildcards
 * in JSON filters are matched in one pass.
 */
import { RE2JS } from 're2js';

export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

export type Matcher = (message: string) => boolean;

/** AWS's limit on filterPattern (and logEventFilterPattern): it also bounds how deep a JSON filter nests. */
export const MAX_PATTERN_LENGTH = 1024;

/** Compile a pattern once; the result tells whether a message matches. Throws FilterPatternError. */
export function compileFilterPattern(pattern: string | undefined): Matcher {
  if ((pattern ?? '').length > MAX_PATTERN_LENGTH) {
    throw new FilterPatternError(
      `1 validation error detected: Value at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PATTERN_LENGTH}`,
    );
  }
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{')) return compileJsonPattern(text);
  if (text.startsWith('[')) {
    throw new FilterPatternError(
      `Space-delimited filter patterns such as "${text}" are not supported here: use terms ("a phrase", -exclude, ?any) or a JSON filter such as { $.level = "ERROR" }.`,
    );
  }
  return compileTermPattern(text);
}

// ---------------------------------------------------------------- terms

/** AWS: "Filter patterns with regex can only include" letters, digits, these symbols and these operators. */
const REGEX_CHARACTERS = /^[A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+.]*$/;
const MAX_REGEXES = 2;

function compileRegex(source: string, text: string): (message: string) => boolean {
  if (!REGEX_CHARACTERS.test(source)) {
    const bad = [...source].find((c) => !REGEX_CHARACTERS.test(c)) as string;
    throw new FilterPatternError(
      `Invalid regular expression %${source}% in filter pattern ${text}: ${JSON.stringify(bad)} is not allowed. CloudWatch Logs accepts letters, digits, the symbols : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \\ * + . (no parentheses, no spaces: use \\s).`,
    );
  }
  try {
    const regex = RE2JS.compile(source);
    return (message) => regex.matcher(message).find();
  } catch (error) {
    throw new FilterPatternError(
      `Invalid regular expression %${source}% in filter pattern: ${(error as Error).message}`,
    );
  }
}

interface Term {
  readonly kind: 'all' | 'none' | 'any';
  readonly test: (message: string) => boolean;
}

function compileTermPattern(text: string): Matcher {
  const terms: Term[] = [];
  let regexes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    let kind: Term['kind'] = 'all';
    if ((c === '-' || c === '?') && i + 1 < text.length && !/\s/.test(text[i + 1] as string)) {
      kind = c === '-' ? 'none' : 'any';
      i++;
    }
    const open = text[i];
    if (open === '"') {
      const { value, end } = readQuoted(text, i);
      terms.push({ kind, test: (m) => m.includes(value) });
      i = end;
    } else if (open === '%') {
      const close = text.indexOf('%', i + 1);
      if (close < 0)
        throw new FilterPatternError(`Unterminated regular expression in filter pattern: ${text}`);
      if (++regexes > MAX_REGEXES) {
        throw new FilterPatternError(
          `A filter pattern holds at most ${MAX_REGEXES} regular expressions, as on AWS: ${text}`,
        );
      }
      terms.push({ kind, test: compileRegex(text.slice(i + 1, close), text) });
      i = close + 1;
    } else {
      let end = i;
      while (end < text.length && !/\s/.test(text[end] as string)) end++;
      const word = text.slice(i, end);
      if (word.includes('"')) {
        throw new FilterPatternError(
          `Unbalanced quote in filter pattern term ${word}: quote whole phrases, e.g. "not authentic".`,
        );
      }
      terms.push({ kind, test: (m) => m.includes(word) });
      i = end;
    }
  }
  const all = terms.filter((t) => t.kind === 'all');
  const none = terms.filter((t) => t.kind === 'none');
  const any = terms.filter((t) => t.kind === 'any');
  return (message) =>
    all.every((t) => t.test(message)) &&
    !none.some((t) => t.test(message)) &&
    (any.length === 0 || any.some((t) => t.test(message)));
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') return { value, end: i + 1 };
    value += c;
    i++;
  }
  throw new FilterPatternError(`Unterminated quoted phrase in filter pattern: ${text}`);
}

// ---------------------------------------------------------------- JSON

type Token =
  | { type: 'selector'; path: (string | number)[] }
  | { type: 'op'; value: '=' | '!=' | '<' | '>' | '<=' | '>=' }
  | { type: 'and' | 'or' | 'lparen' | 'rparen' }
  | { type: 'string'; value: string; quoted: boolean }
  | { type: 'number'; value: number };

type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'compare'; path: (string | number)[]; op: string; value: string | number; quoted: boolean }
  | { kind: 'is'; path: (string | number)[]; what: 'NULL' | 'TRUE' | 'FALSE' }
  | { kind: 'exists'; path: (string | number)[]; negated: boolean };

function compileJsonPattern(text: string): Matcher {
  if (!text.endsWith('}')) throw new FilterPatternError(`A JSON filter pattern must end with "}": ${text}`);
  const tokens = tokenize(text.slice(1, -1), text);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const fail = (what: string): never => {
    throw new FilterPatternError(`Invalid JSON filter pattern ${text}: ${what}`);
  };

  const parseOr = (): Expr => {
    let left = parseAnd();
    while (peek()?.type === 'or') {
      next();
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): Expr => {
    let left = parseUnary();
    while (peek()?.type === 'and') {
      next();
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): Expr => {
    const token = next();
    if (!token) return fail('it ends too early');
    if (token.type === 'lparen') {
      const inner = parseOr();
      if (next()?.type !== 'rparen') fail('a ")" is missing');
      return inner;
    }
    if (token.type !== 'selector') return fail('a condition must start with a selector such as $.level');
    const op = next();
    if (!op) return fail(`nothing follows ${showPath(token.path)}`);
    if (op.type === 'string' && !op.quoted && op.value.toUpperCase() === 'IS') {
      const what = next();
      const word = what?.type === 'string' ? what.value.toUpperCase() : '';
      if (word !== 'NULL' && word !== 'TRUE' && word !== 'FALSE')
        fail('IS must be followed by NULL, TRUE or FALSE');
      return { kind: 'is', path: token.path, what: word as 'NULL' | 'TRUE' | 'FALSE' };
    }
    if (op.type === 'string' && !op.quoted && op.value.toUpperCase() === 'NOT') {
      const what = next();
      if (what?.type !== 'string' || what.value.toUpperCase() !== 'EXISTS')
        fail('NOT must be followed by EXISTS');
      return { kind: 'exists', path: token.path, negated: true };
    }
    if (op.type === 'string' && !op.quoted && op.value.toUpperCase() === 'EXISTS') {
      return { kind: 'exists', path: token.path, negated: false };
    }
    if (op.type !== 'op')
      return fail(`expected =, !=, <, >, <=, >=, IS or NOT EXISTS after ${showPath(token.path)}`);
    const value = next();
    if (!value || (value.type !== 'string' && value.type !== 'number'))
      return fail(`a value must follow ${op.value}`);
    if (op.value !== '=' && op.value !== '!=' && value.type !== 'number') {
      fail(`${op.value} compares numbers only`);
    }
    return {
      kind: 'compare',
      path: token.path,
      op: op.value,
      value: value.value,
      quoted: value.type === 'string' && value.quoted,
    };
  };

  const expr = parseOr();
  if (pos !== tokens.length) fail('unexpected text after the condition');
  return (message) => {
    const trimmed = message.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return false;
    let document: unknown;
    try {
      document = JSON.parse(trimmed);
    } catch {
      return false;
    }
    return evaluate(expr, document);
  };
}

function showPath(path: (string | number)[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
}

function tokenize(body: string, whole: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new FilterPatternError(`Invalid JSON filter pattern ${whole}: ${what}`);
  };
  while (i < body.length) {
    const c = body[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '$') {
      const path: (string | number)[] = [];
      i++;
      while (i < body.length) {
        if (body[i] === '.') {
          let end = i + 1;
          while (end < body.length && /[A-Za-z0-9_\-@*]/.test(body[end] as string)) end++;
          if (end === i + 1) fail('a property name must follow "."');
          path.push(body.slice(i + 1, end));
          i = end;
        } else if (body[i] === '[') {
          const close = body.indexOf(']', i);
          const index = Number(body.slice(i + 1, close));
          if (close < 0 || !Number.isInteger(index)) fail('an array index must look like [0]');
          path.push(index);
          i = close + 1;
        } else break;
      }
      tokens.push({ type: 'selector', path });
    } else if (body.startsWith('&&', i)) {
      tokens.push({ type: 'and' });
      i += 2;
    } else if (body.startsWith('||', i)) {
      tokens.push({ type: 'or' });
      i += 2;
    } else if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen' });
      i++;
    } else if (/[=!<>]/.test(c)) {
      const two = body.slice(i, i + 2);
      if (two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ type: 'op', value: two });
        i += 2;
      } else if (c === '=' || c === '<' || c === '>') {
        tokens.push({ type: 'op', value: c });
        i++;
      } else fail(`unexpected "${c}"`);
    } else if (c === '"') {
      const { value, end } = readQuoted(body, i);
      tokens.push({ type: 'string', value, quoted: true });
      i = end;
    } else {
      let end = i;
      while (end < body.length && !/[\s()=!<>&|]/.test(body[end] as string)) end++;
      const word = body.slice(i, end);
      const number = Number(word);
      if (word !== '' && /^-?[0-9.]+(e[+-]?[0-9]+)?$/i.test(word) && Number.isFinite(number)) {
        tokens.push({ type: 'number', value: number });
      } else {
        tokens.push({ type: 'string', value: word, quoted: false });
      }
      i = end;
    }
  }
  return tokens;
}

function select(document: unknown, path: (string | number)[]): { found: boolean; value: unknown } {
  let current: unknown = document;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return { found: false, value: undefined };
    const container = current as Record<string | number, unknown>;
    // Own members only: `$.constructor` or `$.__proto__` must not find what every object inherits.
    if (!Object.hasOwn(container, step)) return { found: false, value: undefined };
    current = container[step];
  }
  return { found: true, value: current };
}

/**
 * Whether `value` matches `pattern`, where each `*` stands for any text. The pieces between the stars are
 * found left to right, each at its first place after the previous one: one pass, whatever the pattern.
 */
export function wildcardMatch(value: string, pattern: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return value === pattern;
  const head = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  if (value.length < head.length + last.length || !value.startsWith(head) || !value.endsWith(last)) {
    return false;
  }
  let at = head.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] as string;
    const found = value.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

function evaluate(expr: Expr, document: unknown): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluate(expr.left, document) && evaluate(expr.right, document);
    case 'or':
      return evaluate(expr.left, document) || evaluate(expr.right, document);
    case 'exists': {
      const { found } = select(document, expr.path);
      return expr.negated ? !found : found;
    }
    case 'is': {
      const { found, value } = select(document, expr.path);
      if (!found) return false;
      if (expr.what === 'NULL') return value === null;
      return value === (expr.what === 'TRUE');
    }
    case 'compare': {
      const { found, value } = select(document, expr.path);
      if (!found) return false;
      if (typeof expr.value === 'number') {
        if (typeof value !== 'number') return expr.op === '!=';
        switch (expr.op) {
          case '=':
            return value === expr.value;
          case '!=':
            return value !== expr.value;
          case '<':
            return value < expr.value;
          case '>':
            return value > expr.value;
          case '<=':
            return value <= expr.value;
          default:
            return value >= expr.value;
        }
      }
      const text = value === null || typeof value === 'object' ? JSON.stringify(value) : String(value);
      const equal = wildcardMatch(text, expr.value);
      return expr.op === '=' ? equal : !equal;
    }
  }
}
