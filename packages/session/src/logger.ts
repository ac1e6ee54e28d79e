/** Where the session writes its log lines; pass your own (pino, console, ...) in the options. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * The default logger: one line per event on stderr, from the level in RDSHARE_LOG (default `warn`, so a
 * refused attendee or a protocol error is always visible), `silent` for none.
 */
export function consoleLogger(level = process.env.RDSHARE_LOG ?? 'warn'): Logger {
  const min = level === 'silent' ? LEVELS.length : Math.max(0, LEVELS.indexOf(level as Level));
  const line = (l: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(l) < min) return;
    const extra = fields ? ` ${JSON.stringify(fields)}` : '';
    process.stderr.write(`rdshare ${l}: ${message}${extra}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
