import { ADDRESS_FAMILY, CTRL_LEVEL } from './constants.js';
import { invalidArgument, RdshareError } from './errors.js';

/** The documented IRDPSRAPISessionProperties names and value types (names are case-sensitive, as on Windows). */
export interface SessionPropertyValues {
  /** Listener port; 0 or unset picks an ephemeral port. */
  PortId: number;
  /** Listener address family: ADDRESS_FAMILY.AF_UNSPEC (both), AF_INET or AF_INET6. */
  PortProtocol: ADDRESS_FAMILY;
  /**
   * Level new attendees start at: NONE (the default, as on Windows: they see nothing until the app grants a level)
   * or VIEW, never INTERACTIVE.
   */
  DefaultAttendeeControlLevel: CTRL_LEVEL;
  /** The capture interval in ms (33 ≈ 30 fps): captures come at most once per interval on average. */
  FrameCaptureIntervalInMs: number;
  /**
   * Require FIPS 140 grade encryption from viewers: TLS 1.2/1.3 with FIPS-approved suites only (ECDHE over P-256 or
   * P-384 with AES-GCM), or Standard RDP Security with the FIPS method only (3DES, HMAC-SHA1); RC4 is refused.
   * Off (the default), TLS still takes forward-secret AEAD suites only, and Standard RDP Security 128-bit RC4 or
   * FIPS. Read-only after `open()`.
   */
  EnforceStrongEncryption: boolean;
  /** Clipboard sharing with interactive attendees. */
  EnableClipboardRedirect: boolean;
  /**
   * Called on each sharer-to-viewer paste attempt (IRDPSRAPIClipboardUseEvents); `undefined` for none. Read-only
   * after `open()`.
   */
  SetClipboardRedirectCallback: ClipboardUseCallback | undefined;
  /** Transports the listener enables: 1 = TCP (3, TCP and UDP, is refused: rdshare has no UDP transport). */
  EnabledTransports: number;
  /** Mirror-driver attach mode; accepted for compatibility, it has no effect on X11. */
  DrvConAttach: boolean;
}

/**
 * IRDPSRAPIClipboardUseEvents::OnPasteFromClipboard: whether `attendeeId` may paste clipboard data of
 * `clipboardFormat` from the sharer.
 */
export type ClipboardUseCallback = (clipboardFormat: number, attendeeId: number) => boolean;

/** Documented names that belong to the viewer's property bag (IRDPSRAPIViewer), with what to use instead. */
const VIEWER_ONLY: Record<string, string> = {
  SetNetworkStream: 'on the sharer, pass the stream to RdpSession.connectUsingTransportStream()',
};

/** EnabledTransports values: TCP (1); TCP and UDP (3) is documented, but rdshare has no UDP transport. */
const TRANSPORT_TCP = 1;
const TRANSPORT_TCP_UDP = 3;

export type SessionPropertyName = keyof SessionPropertyValues;

interface Rule<K extends SessionPropertyName> {
  default: SessionPropertyValues[K];
  /** Only settable before open(). */
  beforeOpenOnly: boolean;
  validate(value: unknown): SessionPropertyValues[K];
}

const int = (name: string, min: number, max: number) => (v: unknown) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidArgument(`${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
  return v;
};
const bool = (name: string) => (v: unknown) => {
  if (typeof v !== 'boolean') throw invalidArgument(`${name} must be a boolean, got ${String(v)}`);
  return v;
};

const RULES: { [K in SessionPropertyName]: Rule<K> } = {
  PortId: { default: 0, beforeOpenOnly: true, validate: int('PortId', 0, 65535) },
  PortProtocol: {
    default: ADDRESS_FAMILY.AF_UNSPEC,
    beforeOpenOnly: true,
    validate: (v) => {
      if (!Object.values(ADDRESS_FAMILY).includes(v as ADDRESS_FAMILY))
        throw invalidArgument(`PortProtocol must be 0 (AF_UNSPEC), 2 (AF_INET) or 23 (AF_INET6), got ${String(v)}`);
      return v as ADDRESS_FAMILY;
    },
  },
  DefaultAttendeeControlLevel: {
    default: CTRL_LEVEL.NONE,
    beforeOpenOnly: false,
    validate: (v) => {
      if (v !== CTRL_LEVEL.NONE && v !== CTRL_LEVEL.VIEW) {
        throw invalidArgument(
          `DefaultAttendeeControlLevel must be CTRL_LEVEL.NONE (1) or CTRL_LEVEL.VIEW (2), got ${String(v)}; grant INTERACTIVE per attendee`,
        );
      }
      return v;
    },
  },
  FrameCaptureIntervalInMs: {
    default: 33,
    beforeOpenOnly: false,
    validate: int('FrameCaptureIntervalInMs', 1, 60_000),
  },
  EnforceStrongEncryption: { default: false, beforeOpenOnly: true, validate: bool('EnforceStrongEncryption') },
  EnableClipboardRedirect: { default: false, beforeOpenOnly: false, validate: bool('EnableClipboardRedirect') },
  SetClipboardRedirectCallback: {
    default: undefined,
    beforeOpenOnly: true,
    validate: (v) => {
      if (v !== undefined && typeof v !== 'function') {
        throw invalidArgument(`SetClipboardRedirectCallback must be a function or undefined, got ${typeof v}`);
      }
      return v as ClipboardUseCallback | undefined;
    },
  },
  EnabledTransports: {
    default: TRANSPORT_TCP,
    beforeOpenOnly: true,
    validate: (v) => {
      if (v === TRANSPORT_TCP_UDP) {
        throw invalidArgument(
          'EnabledTransports 3 (TCP and UDP) is not supported: rdshare has no UDP transport; use 1',
        );
      }
      return int('EnabledTransports', TRANSPORT_TCP, TRANSPORT_TCP)(v);
    },
  },
  DrvConAttach: { default: true, beforeOpenOnly: true, validate: bool('DrvConAttach') },
};

/**
 * Property bags whose session is open. Module-private (not a member, not exported from the package), so no
 * caller can unlock the before-open-only properties of an open session.
 */
const lockedBags = new WeakSet<SessionProperties>();

/** Makes the before-open-only properties read-only; the session calls it when `open()` succeeds. */
export function lockProperties(properties: SessionProperties): void {
  lockedBags.add(properties);
}

/**
 * IRDPSRAPISessionProperties: the named property bag. `get`/`set` mirror get_Property/put_Property and reject
 * undocumented names; each property also has a typed accessor (`properties.PortId = 3390`).
 *
 * @example
 * ```ts
 * const session = new RdpSession();
 * session.properties.PortId = 3390; // typed accessor, checked
 * session.properties.set('FrameCaptureIntervalInMs', 50); // the COM-style named form
 * await session.open(); // listening properties are fixed from here on
 * ```
 */
export class SessionProperties {
  private readonly values = new Map<SessionPropertyName, unknown>();

  constructor(initial: Partial<SessionPropertyValues> = {}) {
    for (const [name, value] of Object.entries(initial)) this.set(name, value);
  }

  /** get_Property. */
  get<K extends SessionPropertyName>(name: K): SessionPropertyValues[K];
  get(name: string): unknown;
  get(name: string): unknown {
    const rule = this.rule(name);
    return this.values.has(name as SessionPropertyName) ? this.values.get(name as SessionPropertyName) : rule.default;
  }

  /** put_Property. */
  set<K extends SessionPropertyName>(name: K, value: SessionPropertyValues[K]): void;
  set(name: string, value: unknown): void;
  set(name: string, value: unknown): void {
    const rule = this.rule(name);
    if (rule.beforeOpenOnly && lockedBags.has(this)) {
      throw new RdshareError('READ_ONLY', `${name} can only be set before open()`);
    }
    this.values.set(name as SessionPropertyName, rule.validate(value));
  }

  private rule(name: string): Rule<SessionPropertyName> {
    if (Object.hasOwn(VIEWER_ONLY, name)) {
      throw invalidArgument(`${name} is a property of the viewer, not of the sharing session; ${VIEWER_ONLY[name]}`);
    }
    const rule = (RULES as Record<string, Rule<SessionPropertyName>>)[name];
    if (!Object.hasOwn(RULES, name) || !rule) {
      throw new RdshareError(
        'UNKNOWN_PROPERTY',
        `unknown session property '${name}'; known: ${Object.keys(RULES).join(', ')}`,
      );
    }
    return rule;
  }

  get PortId() {
    return this.get('PortId');
  }
  set PortId(v) {
    this.set('PortId', v);
  }
  get PortProtocol() {
    return this.get('PortProtocol');
  }
  set PortProtocol(v) {
    this.set('PortProtocol', v);
  }
  get DefaultAttendeeControlLevel() {
    return this.get('DefaultAttendeeControlLevel');
  }
  set DefaultAttendeeControlLevel(v) {
    this.set('DefaultAttendeeControlLevel', v);
  }
  get FrameCaptureIntervalInMs() {
    return this.get('FrameCaptureIntervalInMs');
  }
  set FrameCaptureIntervalInMs(v) {
    this.set('FrameCaptureIntervalInMs', v);
  }
  get EnforceStrongEncryption() {
    return this.get('EnforceStrongEncryption');
  }
  set EnforceStrongEncryption(v) {
    this.set('EnforceStrongEncryption', v);
  }
  get EnableClipboardRedirect() {
    return this.get('EnableClipboardRedirect');
  }
  set EnableClipboardRedirect(v) {
    this.set('EnableClipboardRedirect', v);
  }
  get EnabledTransports() {
    return this.get('EnabledTransports');
  }
  set EnabledTransports(v) {
    this.set('EnabledTransports', v);
  }
  get SetClipboardRedirectCallback() {
    return this.get('SetClipboardRedirectCallback');
  }
  set SetClipboardRedirectCallback(v) {
    this.set('SetClipboardRedirectCallback', v);
  }
  get DrvConAttach() {
    return this.get('DrvConAttach');
  }
  set DrvConAttach(v) {
    this.set('DrvConAttach', v);
  }
}
