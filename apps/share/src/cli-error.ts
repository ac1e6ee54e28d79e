/**
 * A failure the user can act on: the message says what is wrong, `fix` what to do instead. The exit code is 2 for
 * a mistake in how rdshare was run, 1 for a failure that is not the user's (a bug to report).
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly fix: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}
