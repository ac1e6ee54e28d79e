import { ProtocolError } from '../core/errors.js';

/** One listening address of the sharer (`<L P=".." N=".."/>`). */
export interface TicketAddress {
  port: number;
  address: string;
}

/**
 * An invitation's connection string: [MS-RAI] 2.2.2 "Remote Assistance Connection String 2", as RDPSRAPI
 * writes it (`IRDPSRAPIInvitation::ConnectionString`), and as a viewer's reverse-connect string (no `KH`, no `ID`).
 */
export interface ConnectionString {
  /** base64(SHA-1(PublicKeyBlob)) of the sharer's proprietary certificate. */
  kh?: string;
  /** `sha256:<base64>` of the same blob; preferred by viewers that know it. */
  kh2?: string;
  /** The authorization string identifier (`bstrAuthString`), echoed by the viewer in Client Info WorkingDir. */
  authString?: string;
  /** Transport id (`T@ID`), 1 for TCP. */
  transportId?: number;
  /** Session id (`T@SID`); non-zero makes viewers send a pre-connection PDU carrying it. */
  sessionId?: number;
  addresses: TicketAddress[];
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeXml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * Writes the single-line form Windows produces. FreeRDP's parser searches for the literal `<E>`, `<C>`,
 * `<A`, `KH="`, `ID="`, `<L P="` and ` N="` spellings, so attribute order and single spaces matter.
 *
 * @example
 * ```ts
 * const ticket = encodeConnectionString({ kh, kh2, authString: 'team', addresses: [{ port: 3389, address: '192.0.2.7' }] });
 * // <E><A KH="..." KH2="sha256:..." ID="team"/><C><T ID="1" SID="0"><L P="3389" N="192.0.2.7"/></T></C></E>
 * ```
 */
export function encodeConnectionString(ticket: ConnectionString): string {
  const a: string[] = [];
  if (ticket.kh !== undefined) a.push(` KH="${escapeXml(ticket.kh)}"`);
  if (ticket.kh2 !== undefined) a.push(` KH2="${escapeXml(ticket.kh2)}"`);
  if (ticket.authString !== undefined) a.push(` ID="${escapeXml(ticket.authString)}"`);
  const l = ticket.addresses.map(({ port, address }) => `<L P="${port}" N="${escapeXml(address)}"/>`).join('');
  return `<E><A${a.join('')}/><C><T ID="${ticket.transportId ?? 1}" SID="${ticket.sessionId ?? 0}">${l}</T></C></E>`;
}

const MAX_TICKET = 64 * 1024;

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([A-Za-z0-9]+)="([^"]*)"/g)) out.set(m[1], unescapeXml(m[2]));
  return out;
}

function integer(value: string | undefined, what: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new ProtocolError('INVALID', `${what} "${value}" is not an integer in 0..${max}`, 'ConnectionString');
  }
  return Number(value);
}

/**
 * Parses a connection string (whitespace between elements allowed).
 *
 * @example
 * ```ts
 * const { addresses, authString, kh2 } = decodeConnectionString(readFileSync('ticket.msrcIncident', 'utf8'));
 * ```
 */
export function decodeConnectionString(text: string): ConnectionString {
  if (text.length > MAX_TICKET)
    throw new ProtocolError('OVERSIZE', `longer than ${MAX_TICKET} characters`, 'ConnectionString');
  const s = text.trim();
  if (!s.startsWith('<E>') || !s.endsWith('</E>')) {
    throw new ProtocolError('INVALID', 'not an <E>...</E> connection string', 'ConnectionString');
  }
  const aTag = /<A(\s[^>]*)?\/>/.exec(s);
  const tTag = /<T(\s[^>]*)?>/.exec(s);
  if (!tTag) throw new ProtocolError('INVALID', 'no <T> transport element', 'ConnectionString');
  const aAttrs = attributes(aTag?.[1] ?? '');
  const tAttrs = attributes(tTag[1] ?? '');
  const addresses: TicketAddress[] = [];
  for (const m of s.matchAll(/<L(\s[^>]*)\/>/g)) {
    const l = attributes(m[1]);
    const port = integer(l.get('P'), 'port', 65535);
    const address = l.get('N');
    if (port === undefined || !address) throw new ProtocolError('INVALID', '<L> needs P and N', 'ConnectionString');
    addresses.push({ port, address });
  }
  const ticket: ConnectionString = { addresses };
  if (aAttrs.has('KH')) ticket.kh = aAttrs.get('KH');
  if (aAttrs.has('KH2')) ticket.kh2 = aAttrs.get('KH2');
  if (aAttrs.has('ID')) ticket.authString = aAttrs.get('ID');
  ticket.transportId = integer(tAttrs.get('ID'), 'transport id', 0xffffffff);
  ticket.sessionId = integer(tAttrs.get('SID'), 'session id', 0xffffffff);
  return ticket;
}
