import { CliError } from './cli-error.js';

/** How attendees are let in: asked about (`ask`), or given a level as they join. */
export type ControlPolicy = 'ask' | 'view' | 'interactive';

export interface ShareFlags {
  display?: string;
  virtual?: string;
  rect?: string;
  app?: string[];
  password?: string;
  limit?: string;
  port?: string;
  listen?: string;
  web?: string;
  control?: string;
  json?: boolean;
  seconds?: string;
  ticket?: string;
}

export interface Size {
  width: number;
  height: number;
}

export interface Rect extends Size {
  x: number;
  y: number;
}

/** What to share and how: `ShareFlags` validated and defaulted. */
export interface ShareOptions {
  /** An X display to share, or the size of an embedded Xvfb desktop to start. */
  source: { display: string } | { virtual: Size };
  rect?: Rect;
  apps: string[];
  /** Undefined: a random one is generated. */
  password?: string;
  limit: number;
  port: number;
  listen: string;
  web?: number;
  control: ControlPolicy;
  json: boolean;
  seconds?: number;
  /** Where the `.msrcIncident` file goes. */
  ticket: string;
}

const DEFAULT_VIRTUAL: Size = { width: 1280, height: 800 };
/** RDP's desktop size limits (TS_UD_CS_CORE desktopWidth/Height: 200..8192). */
const MIN_SIDE = 200;
const MAX_SIDE = 8192;
const MAX_ATTENDEE_LIMIT = 1024;

function integer(text: string, flag: string, min: number, max: number, fix: string): number {
  if (!/^\d+$/.test(text.trim())) throw new CliError(`${flag} must be a whole number, got "${text}"`, fix);
  const n = Number(text);
  if (n < min || n > max) throw new CliError(`${flag} must be from ${min} to ${max}, got ${n}`, fix);
  return n;
}

/** `WxH`, e.g. `1280x800`. */
export function parseSize(text: string): Size {
  const m = /^(\d+)x(\d+)$/i.exec(text.trim());
  const fix = `write it as WIDTHxHEIGHT, each from ${MIN_SIDE} to ${MAX_SIDE}, e.g. --virtual 1280x800`;
  if (!m) throw new CliError(`--virtual must be WIDTHxHEIGHT, got "${text}"`, fix);
  return {
    width: integer(m[1] as string, '--virtual width', MIN_SIDE, MAX_SIDE, fix),
    height: integer(m[2] as string, '--virtual height', MIN_SIDE, MAX_SIDE, fix),
  };
}

/** `x,y,w,h` in desktop pixels. */
export function parseRect(text: string): Rect {
  const parts = text.split(',');
  const fix = 'write it as x,y,width,height in pixels of the shared display, e.g. --rect 0,0,800,600';
  if (parts.length !== 4) throw new CliError(`--rect takes four numbers, got "${text}"`, fix);
  const [x, y, width, height] = parts.map((p, i) =>
    integer(p, `--rect ${['x', 'y', 'width', 'height'][i]}`, i < 2 ? 0 : 1, MAX_SIDE, fix),
  ) as [number, number, number, number];
  return { x, y, width, height };
}

/** `:N` or `:N.S` (local displays only: the addon attaches MIT-SHM). */
export function parseDisplay(text: string): string {
  if (!/^:\d+(\.\d+)?$/.test(text.trim())) {
    throw new CliError(
      `--display must be a local X display like :0, got "${text}"`,
      'pass --display :N, or --virtual WxH for an embedded desktop',
    );
  }
  return text.trim();
}

const CONTROL: readonly ControlPolicy[] = ['ask', 'view', 'interactive'];

/** Validates every flag of `rdshare share` at once, before anything starts. */
export function parseShareFlags(flags: ShareFlags, env: NodeJS.ProcessEnv = process.env): ShareOptions {
  if (flags.display !== undefined && flags.virtual !== undefined) {
    throw new CliError(
      '--display and --virtual exclude each other',
      'share an existing display (--display :N) or start one (--virtual WxH), not both',
    );
  }
  let source: ShareOptions['source'];
  if (flags.display !== undefined) source = { display: parseDisplay(flags.display) };
  else if (flags.virtual !== undefined) source = { virtual: parseSize(flags.virtual) };
  else if (env.DISPLAY) source = { display: parseDisplay(env.DISPLAY) };
  else source = { virtual: DEFAULT_VIRTUAL };

  const control = (flags.control ?? 'ask') as ControlPolicy;
  if (!CONTROL.includes(control)) {
    throw new CliError(
      `--control must be ask, view or interactive, got "${flags.control}"`,
      'ask: you decide per request; view: everyone sees; interactive: everyone controls',
    );
  }
  if (flags.password !== undefined && flags.password.length === 0) {
    throw new CliError('--password is empty', 'give a password, or leave --password out to have one generated');
  }
  if (flags.password !== undefined && flags.password.length > 255) {
    throw new CliError('--password is longer than 255 characters', 'use a shorter password');
  }
  const listen = flags.listen ?? '127.0.0.1';
  if (listen.trim() === '') throw new CliError('--listen is empty', 'give an address: 127.0.0.1, 0.0.0.0 or ::');
  return {
    source,
    rect: flags.rect === undefined ? undefined : parseRect(flags.rect),
    apps: flags.app ?? [],
    password: flags.password,
    limit:
      flags.limit === undefined
        ? 5
        : integer(
            flags.limit,
            '--limit',
            1,
            MAX_ATTENDEE_LIMIT,
            'the number of attendees one invitation admits, e.g. --limit 5',
          ),
    port:
      flags.port === undefined
        ? 0
        : integer(flags.port, '--port', 0, 65535, 'a TCP port, or 0 (the default) for any free one'),
    listen,
    web:
      flags.web === undefined
        ? undefined
        : integer(flags.web, '--web', 0, 65535, 'a TCP port for the web viewer, e.g. --web 8080 (0: any free one)'),
    control,
    json: flags.json ?? false,
    seconds:
      flags.seconds === undefined
        ? undefined
        : integer(flags.seconds, '--seconds', 1, 7 * 24 * 3600, 'how long to share before stopping, e.g. --seconds 60'),
    ticket: flags.ticket ?? 'rdshare.msrcIncident',
  };
}
