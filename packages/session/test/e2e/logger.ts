import type { Logger } from '../../src/index.js';

/** One line a {@link silentLogger} kept. */
export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps its lines for assertions instead of printing them. */
export function silentLogger(lines: LogLine[] = []): Logger {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
