/** A mistake the user can fix: the message says what is wrong, `fix` what to do instead. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}
