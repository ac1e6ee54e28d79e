import { connect, type Socket } from 'node:net';
import {
  encodeClientData,
  encodeConferenceCreateRequest,
  encodeConnectInitial,
  encodeConnectionRequest,
  encodeMcsDomainPdu,
  encodeTpkt,
  encodeX224Data,
  McsPduType,
  NegProtocol,
} from '@rdshare/protocol';
import { buildXClient, killAndWait, startXfreerdp, waitFor } from '@rdshare/testkit';
import { CLIENT_CORE, DOMAIN_PARAMETERS, RdpTestClient, type RdpTestOutcome } from '../support/rdp-test-client.js';
import type { Arena } from './arena.js';
import { inParallel, linearSlope, prng, sleep } from './attack-kit.js';

/** Opens a socket to the sharer and resolves once connected (or rejects if refused). */
function open(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress ? { localAddress } : {}) });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves true when the sharer closed the socket within `ms`, false when it was still open. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('close', done);
    socket.once('end', done);
    socket.on('error', () => undefined);
  });
}

/** The client's first flight of a plaintext (Standard RDP Security) handshake, as one byte string. */
function handshakeBytes(): Uint8Array {
  const userData = encodeClientData({
    core: { ...CLIENT_CORE, clientName: 'mutant' },
    security: { encryptionMethods: 0x1b, extEncryptionMethods: 0 },
    network: { channels: [{ name: 'encomsp', options: 0xc0000000 }] },
  });
  const parts = [
    encodeTpkt(
      encodeConnectionRequest({ cookie: 'm', negotiation: { flags: 0, requestedProtocols: NegProtocol.RDP } }),
    ),
    encodeTpkt(
      encodeX224Data(
        encodeConnectInitial({
          callingDomainSelector: Uint8Array.of(1),
          calledDomainSelector: Uint8Array.of(1),
          upwardFlag: true,
          targetParameters: DOMAIN_PARAMETERS,
          minimumParameters: DOMAIN_PARAMETERS,
          maximumParameters: DOMAIN_PARAMETERS,
          userData: encodeConferenceCreateRequest({ conferenceName: '1', userData }),
        }),
      ),
    ),
    encodeTpkt(
      encodeX224Data(encodeMcsDomainPdu({ type: McsPduType.ERECT_DOMAIN_REQUEST, subHeight: 0, subInterval: 0 })),
    ),
    encodeTpkt(encodeX224Data(encodeMcsDomainPdu({ type: McsPduType.ATTACH_USER_REQUEST }))),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Connections that send random bytes, then wait to be dropped. */
export async function garbageFlood(arena: Arena, count: number, seed = 1) {
  const random = prng(seed);
  let droppedByServer = 0;
  await inParallel(count, 50, async () => {
    const socket = await open(arena.session.port);
    const bytes = new Uint8Array(16 + Math.floor(random() * 4096)).map(() => Math.floor(random() * 256));
    // Half start like a TPKT header, so the garbage gets past the first byte.
    if (random() < 0.5) bytes.set([0x03, 0x00]);
    socket.write(bytes);
    if (await closedWithin(socket, 2000)) droppedByServer++;
    socket.destroy();
  });
  return { volume: `${count} connections of random bytes`, notes: `${droppedByServer} dropped by the sharer at once` };
}

/** A valid handshake with a few bytes flipped, so the parsers see almost-right input at every layer. */
export async function mutatedHandshakes(arena: Arena, count: number, seed = 2) {
  const random = prng(seed);
  const valid = handshakeBytes();
  let droppedByServer = 0;
  await inParallel(count, 40, async () => {
    const bytes = valid.slice();
    const flips = 1 + Math.floor(random() * 8);
    for (let i = 0; i < flips; i++) bytes[Math.floor(random() * bytes.byteLength)] = Math.floor(random() * 256);
    const socket = await open(arena.session.port);
    socket.on('data', () => undefined);
    socket.write(bytes);
    if (await closedWithin(socket, 1500)) droppedByServer++;
    socket.destroy();
  });
  return { volume: `${count} mutated handshakes`, notes: `${droppedByServer} dropped by the sharer within 1.5 s` };
}

/**
 * Slowloris: many connections that trickle a Connection Request one byte at a time and never finish, while an
 * honest client must still be able to join.
 */
export async function slowloris(arena: Arena, count: number, holdMs: number) {
  const header = encodeTpkt(
    encodeConnectionRequest({ cookie: 'slow', negotiation: { flags: 0, requestedProtocols: NegProtocol.SSL } }),
  );
  const sockets: Socket[] = [];
  let refusedAtConnect = 0;
  let closedBySharer = 0;
  for (let i = 0; i < count; i++) {
    try {
      const s = await open(arena.session.port);
      s.on('close', () => closedBySharer++);
      sockets.push(s);
    } catch {
      refusedAtConnect++;
    }
  }
  const trickle = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write(header.subarray(0, 1));
  }, 1000);
  const started = Date.now();
  const honest = await RdpTestClient.connect({
    port: arena.session.port,
    authString: arena.invitation.authString,
    password: arena.password,
    userName: 'honest-late',
  });
  const joinMs = Date.now() - started;
  honest.client.close();
  await sleep(Math.max(0, holdMs - (Date.now() - started)));
  clearInterval(trickle);
  const stillOpen = sockets.filter((s) => !s.destroyed).length;
  for (const s of sockets) s.destroy();
  if (honest.outcome.kind !== 'active') {
    throw new Error(`an honest client could not join during slowloris: ${JSON.stringify(honest.outcome)}`);
  }
  return {
    volume: `${count} trickling connections for ${Math.round(holdMs / 1000)} s`,
    notes: `honest join in ${joinMs} ms; ${closedBySharer} closed by the sharer, ${refusedAtConnect} refused at connect`,
    /** Trickling connections the sharer still held when the attack ended: a handshake deadline makes this 0. */
    stillHeld: stillOpen,
  };
}

/** Every guess is a full handshake with a wrong password, from rotating loopback source addresses. */
export async function parallelGuessing(arena: Arena, count: number) {
  const outcomes: RdpTestOutcome['kind'][] = [];
  const started = Date.now();
  await inParallel(count, 30, async (i) => {
    const { outcome } = await RdpTestClient.connect({
      port: arena.session.port,
      localAddress: `127.0.${1 + (i % 200)}.${1 + ((i * 7) % 250)}`,
      authString: arena.invitation.authString,
      password: `guess-${i}`,
      timeoutMs: 5000,
    });
    outcomes.push(outcome.kind);
  });
  const seconds = (Date.now() - started) / 1000;
  const checked = arena.lines.filter(
    (l) => l.message === 'attendee refused' && l.fields?.reason === 'wrong-password',
  ).length;
  if (outcomes.includes('active')) throw new Error('a wrong password was admitted');
  return {
    volume: `${count} wrong-password handshakes, 30 at a time, rotating source addresses`,
    notes: `${checked} passwords actually checked in ${seconds.toFixed(1)} s`,
  };
}

/** Many clients with the right password at the same moment against an invitation with a small limit. */
export async function limitRace(arena: Arena, count: number) {
  const invitation = arena.session.invitations.createInvitation({
    groupName: `race-${Date.now()}`,
    password: 'race-pw',
    attendeeLimit: 2,
  });
  const first = await RdpTestClient.connect({
    port: arena.session.port,
    authString: invitation.authString,
    password: 'race-pw',
  });
  if (first.outcome.kind !== 'active') throw new Error(`the first racer was not admitted: ${first.outcome.kind}`);
  const racers = await Promise.all(
    Array.from({ length: count }, () =>
      RdpTestClient.connect({ port: arena.session.port, authString: invitation.authString, password: 'race-pw' }),
    ),
  );
  const admitted = racers.filter((r) => r.outcome.kind === 'active').length;
  const live = [...arena.session.attendees].filter((a) => a.invitation === invitation).length;
  for (const r of [first, ...racers]) r.client.close();
  if (live > invitation.attendeeLimit) throw new Error(`attendee limit 2 overrun: ${live} live`);
  return {
    volume: `${count} simultaneous joins, limit 2, 1 already in`,
    notes: `${admitted} more admitted, ${live} live at most 2`,
  };
}

/**
 * A viewer that stops reading (SIGSTOP) while the cursor shape changes ~`rate` times a second and the display
 * animates: the sharer must not queue for it. Returns the RSS slope over the second half of the window.
 */
export async function stoppedViewerUnderCursorChurn(arena: Arena, seconds: number, rate = 100) {
  const display = await arena.display();
  const before = arena.session.attendees.count;
  const viewer = startXfreerdp({
    display,
    connectionString: arena.invitation.connectionString,
    password: arena.password,
    name: 'stopped',
    args: ['/bpp:32'],
  });
  await waitFor(() => arena.session.attendees.count > before, 30_000, 'the viewer to be stopped to join');
  await sleep(1000);
  viewer.process.kill('SIGSTOP');
  const churn = arena.shared.spawn(await buildXClient('cursor-churn'), [String(rate)]);
  const samples: [number, number][] = [];
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    await sleep(500);
    samples.push([(Date.now() - started) / 1000, process.memoryUsage().rss / 1024 / 1024]);
  }
  await killAndWait(churn);
  viewer.process.kill('SIGCONT');
  await viewer.stop();
  const tail = samples.slice(Math.floor(samples.length / 2));
  const slope = linearSlope(tail);
  return {
    volume: `1 stopped viewer, ${rate} cursor changes/s + 20 fps animation for ${seconds} s`,
    notes: `RSS slope over the last half ${slope.toFixed(2)} MB/s`,
    slope,
  };
}

/** Clients that vanish without a goodbye at random points of the handshake or of the session. */
export async function abruptKills(arena: Arena, count: number, seed = 3) {
  const random = prng(seed);
  const baseline = arena.session.attendees.count;
  let disconnects = 0;
  const sub = arena.session.events.attendeeDisconnected$.subscribe(() => disconnects++);
  let admitted = 0;
  const handshake = handshakeBytes();
  await inParallel(count, 10, async () => {
    if (random() < 0.3) {
      // Vanish mid-handshake: part of the first flight, then the socket is cut.
      const socket = await open(arena.session.port);
      socket.on('error', () => undefined);
      socket.write(handshake.subarray(0, 1 + Math.floor(random() * handshake.byteLength)));
      await sleep(Math.floor(random() * 40));
      socket.destroy();
      return;
    }
    const { client, outcome } = await RdpTestClient.connect({
      port: arena.session.port,
      authString: arena.invitation.authString,
      password: arena.password,
      userName: 'doomed',
    });
    if (outcome.kind === 'active') admitted++;
    await sleep(Math.floor(random() * 300));
    client.close();
  });
  await waitFor(() => arena.session.attendees.count === baseline, 10_000, 'killed attendees to be removed');
  sub.unsubscribe();
  return {
    volume: `${count} clients killed at random points`,
    notes: `${admitted} had been admitted; ${disconnects} disconnect events; attendees back to ${baseline}`,
    admitted,
    disconnects,
  };
}
