import type { CommanderError } from 'commander';

/** Commander's "(Did you mean --port?)" hint, put after the message by `suggestSimilar`. */
const SUGGESTION = /\s*\(Did you mean (.+)\?\)\s*$/;

/**
 * A parse error of commander (unknown option or command, missing value or argument, too many arguments) as one
 * line naming what is wrong and where the usage is: `unknown option --foo (see rdshare share --help)`. The whole
 * usage text after every mistake buried the one line that mattered.
 */
export function usageErrorLine(error: CommanderError, usage: string): string {
  const suggestion = SUGGESTION.exec(error.message)?.[1];
  const text = error.message.replace(SUGGESTION, '').replace(/^error: /, '');
  const quoted = /'([^']+)'/.exec(text)?.[1] ?? '';
  const long = quoted.split(/[ ,]+/).find((f) => f.startsWith('--')) ?? quoted.split(/[ ,]+/)[0];
  const didYouMean = suggestion ? `; did you mean ${suggestion}?` : '';
  const what = (() => {
    switch (error.code) {
      case 'commander.unknownOption':
        return `unknown option ${quoted}${didYouMean}`;
      case 'commander.unknownCommand':
        return `unknown command ${quoted}${didYouMean}`;
      case 'commander.optionMissingArgument':
        return `${long} needs a value: ${quoted}`;
      case 'commander.missingMandatoryOptionValue':
        return `${long} is required: ${quoted}`;
      case 'commander.missingArgument':
        return `the <${quoted}> argument is missing`;
      case 'commander.excessArguments': {
        const [, expected, got] = /Expected (\d+) arguments? but got (\d+)/.exec(text) ?? [];
        if (expected !== undefined) return `too many arguments: ${usage} takes ${expected}, got ${got}`;
        break;
      }
    }
    return text.replace(/\.$/, '').replace(/\s*\n\s*/g, ' ');
  })();
  return `${what} (see ${usage} --help)`;
}
