/** What the page's URL fragment may carry: `#ticket=…&name=…&ws=…` (each URL-encoded, all optional). */
export interface FragmentParameters {
  ticket?: string;
  name?: string;
  /** The WebSocket URL, when the listener is not the page's own origin at `/rdp`. */
  ws?: string;
}

/** Reads the fragment; a fragment never reaches the server, so the ticket stays out of its logs. */
export function fragmentParameters(hash: string): FragmentParameters {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const get = (key: string) => params.get(key) ?? undefined;
  return { ticket: get('ticket'), name: get('name'), ws: get('ws') };
}

/** The WebSocket of the sharer that served this page: same host, `wss` under https. */
export const sameOriginWebSocket = (location: { protocol: string; host: string }): string =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rdp`;
