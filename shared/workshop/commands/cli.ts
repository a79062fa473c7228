/**
 * The command line of every workshop script: node's parseArgs, plus what each needs the same way:
 * misuse prints a one-line reason and the usage and exits 2; -h/--help prints the usage and exits 0.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export function parseCommandLine<const T extends ParseArgsConfig>(
  command: string,
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T & { options: { help: { type: 'boolean'; short: 'h' } } }>> {
  const withHelp = {
    ...config,
    options: { ...config.options, help: { type: 'boolean', short: 'h' } },
  } as T & {
    options: { help: { type: 'boolean'; short: 'h' } };
  };
  let parsed: ReturnType<typeof parseArgs<typeof withHelp>>;
  try {
    parsed = parseArgs(withHelp);
  } catch (error) {
    process.stderr.write(`${command}: ${(error as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return parsed;
}

/** A line for the learner, on stdout. */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Stops the script: declare it with this type (`const fail: Fail = ...`) so TypeScript knows it never returns. */
export type Fail = (message: string, code?: number) => never;

/**
 * How a script stops on a problem: `<command>: <message>` on stderr, then the exit status (1 by default).
 * Given the usage, the message is misuse: the usage follows it and the status is 2.
 */
export function failWith(command: string, usage?: string): Fail {
  return (message, code = usage === undefined ? 1 : 2) => {
    process.stderr.write(`${command}: ${message}${usage === undefined ? '' : `\n\n${usage}`}\n`);
    process.exit(code);
  };
}
