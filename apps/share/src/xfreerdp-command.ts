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
  const user = name === '$USER' ? '"$USER"' : shellQuote(name);
  return `xfreerdp ${shellQuote(ticketFile)} ${shellQuote(`/assistance:${password}`)} /u:${user} /cert:ignore /gfx /bpp:32 </dev/null`;
}
