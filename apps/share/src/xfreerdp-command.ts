/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `xfreerdp` line that joins an invitation as printed, with nobody at the keyboard: `/cert:ignore` because
 * the sharer's certificate is a fresh self-signed one (the invitation's key hash is what identifies it), and
 * `</dev/null` so a prompt FreeRDP might still show fails instead of waiting. `/gfx` asks for the graphics pipeline
 * (lossless, with scrolls and moved windows sent as surface copies): in Remote Assistance mode xfreerdp 2.x
 * otherwise stays on bitmap updates.
 */
export function xfreerdpCommand(ticketFile: string, password: string, name = '$USER'): string {
  return freerdpLine('xfreerdp', ticketFile, password, name, '/cert:ignore /gfx /bpp:32');
}

/**
 * The same for FreeRDP 3 (`xfreerdp3`, what current distributions ship): it takes the graphics pipeline with H.264
 * by default, and asks on its terminal for a domain and password unless given some (empty ones do: the assistance
 * password is not one).
 */
export function xfreerdp3Command(ticketFile: string, password: string, name = '$USER'): string {
  return freerdpLine('xfreerdp3', ticketFile, password, name, '/d: /p: /cert:ignore');
}

/** `program` joining the ticket in Remote Assistance mode as `name` (`$USER` left to the shell), then `flags`. */
function freerdpLine(program: string, ticketFile: string, password: string, name: string, flags: string): string {
  const user = name === '$USER' ? '"$USER"' : shellQuote(name);
  return `${program} ${shellQuote(ticketFile)} ${shellQuote(`/assistance:${password}`)} /u:${user} ${flags} </dev/null`;
}
