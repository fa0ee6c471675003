/*
 * Split a command-line string into arguments the way a POSIX shell would
 * (without expansions): whitespace separates words, single quotes keep
 * everything literally, double quotes keep spaces and allow \" \\ \$ \`
 * escapes, and a backslash outside quotes escapes the next character.
 */

/** Raised when a quote is left open. */
export class ShellSplitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellSplitError';
  }
}

/**
 * Split `input` into arguments.
 *
 * @example shellSplit(`--name "my run" --lr 0.1 'a b'`)
 *   // => ['--name', 'my run', '--lr', '0.1', 'a b']
 * @throws {ShellSplitError} on an unterminated quote.
 */
export function shellSplit(input: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;

  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quote === "'") {
      if (ch === "'") {
        quote = null;
      } else {
        current += ch;
      }
      continue;
    }
    if (quote === '"') {
      if (ch === '"') {
        quote = null;
      } else if (
        ch === '\\' &&
        i + 1 < input.length &&
        '"\\$`'.includes(input[i + 1])
      ) {
        current += input[++i];
      } else {
        current += ch;
      }
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 < input.length) {
        const next = input[++i];
        // A backslash-newline is a line continuation.
        if (next !== '\n') {
          current += next;
          inWord = true;
        }
      }
    } else if (/\s/.test(ch)) {
      if (inWord) {
        args.push(current);
        current = '';
        inWord = false;
      }
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) {
    throw new ShellSplitError(
      `Unterminated ${quote === '"' ? 'double' : 'single'} quote in arguments.`
    );
  }
  if (inWord) {
    args.push(current);
  }
  return args;
}

/**
 * Quote arguments so that `shellSplit(shellJoin(args))` gives `args` back.
 */
export function shellJoin(args: string[]): string {
  return args
    .map(arg => {
      if (arg === '') {
        return "''";
      }
      if (/^[A-Za-z0-9_\-+=.,/:@%]+$/.test(arg)) {
        return arg;
      }
      return `'${arg.replace(/'/g, `'\\''`)}'`;
    })
    .join(' ');
}
