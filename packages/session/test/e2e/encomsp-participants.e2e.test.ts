import { userInfo } from 'node:os';
import {
  decodeEncomspPdus,
  type EncomspPdu,
  encodeEncomspPdu,
  FastPathUpdateCode,
  ParticipantFlags,
} from '@rdshare/protocol';
import { waitFor, type XvfbDisplay } from '@rdshare/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTENDEE_DISCONNECT_REASON,
  type Attendee,
  type AttendeeDisconnectInfo,
  CTRL_LEVEL,
  DISCONNECT_CODE,
  RdpSession,
} from '../../src/index.js';
import { RdpTestClient, type RdpTestClientOptions } from '../support/rdp-test-client.js';
import { sharedDisplay } from './fixtures.js';
import { silentLogger } from './logger.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long a PDU may take to arrive. */
const POLL = { timeout: 5000 };
const { MAY_VIEW, MAY_INTERACT, IS_PARTICIPANT } = ParticipantFlags;
const created = (participantId: number, groupId: number, flags: number, friendlyName: string): EncomspPdu => ({
  type: 'participantCreated',
  participantId,
  groupId,
  flags,
  friendlyName,
});

/** A scripted viewer on the `encomsp` channel, with every MS-RDPEMC message the sharer sent it. */
interface Participant {
  client: RdpTestClient;
  readonly messages: EncomspPdu[][];
  attendee: Attendee;
}

/** What MS-RDPEMC says, checked on the wire with a client of our own: who is told what, and when. */
describe('participants over MS-RDPEMC, seen by a scripted client', () => {
  let shared: XvfbDisplay;
  let session: RdpSession;
  const host = created(0, 0, MAY_VIEW | MAY_INTERACT, userInfo().username);
  const connected: Attendee[] = [];
  const requests: { attendee: Attendee; requestedLevel: number }[] = [];
  const disconnects: AttendeeDisconnectInfo[] = [];
  let alice: Participant;
  let bob: Participant;

  beforeAll(async () => {
    shared = await sharedDisplay();
    session = new RdpSession({ display: shared.display, listenAddress: '127.0.0.1', logger: silentLogger() });
    session.events.attendeeConnected$.subscribe(({ attendee }) => connected.push(attendee));
    session.events.controlLevelChangeRequest$.subscribe((request) => requests.push(request));
    session.events.attendeeDisconnected$.subscribe(({ info }) => disconnects.push(info));
    await session.open();
  });

  afterAll(async () => {
    alice?.client.close();
    bob?.client.close();
    await session?.close();
    await shared?.stop();
  });

  async function join(userName: string, groupName: string, core?: RdpTestClientOptions['core']): Promise<Participant> {
    const invitation = session.invitations.createInvitation({ groupName, password: 'pw', attendeeLimit: 1 });
    const count = connected.length;
    const { client, outcome } = await RdpTestClient.connect({
      port: session.port,
      authString: invitation.authString,
      password: 'pw',
      userName,
      channels: ['encomsp'],
      core,
    });
    expect(outcome).toEqual({ kind: 'active' });
    const attendee = await waitFor(() => connected[count], 10_000, `${userName} to be admitted`);
    const participant = {
      client,
      attendee,
      get messages() {
        return client.channelMessages.filter((m) => m.name === 'encomsp').map((m) => decodeEncomspPdus(m.data));
      },
    };
    await waitFor(() => participant.messages.length > 0, 10_000, `${userName}'s greeting`);
    return participant;
  }

  const graphics = (p: Participant) => p.client.updates.filter((u) => u.code === FastPathUpdateCode.BITMAP).length;

  it('greets a viewer at NONE with itself and the host, and sends it nothing of the desktop until granted', async () => {
    alice = await join('alice', 'team');
    expect(alice.attendee.controlLevel).toBe(CTRL_LEVEL.NONE);
    expect(alice.messages).toEqual([[created(alice.attendee.id, 1, IS_PARTICIPANT, 'alice'), host]]);
    await sleep(1000);
    expect(alice.client.updates).toEqual([]);

    alice.attendee.controlLevel = CTRL_LEVEL.VIEW;
    await expect
      .poll(() => alice.messages.at(-1), POLL)
      .toEqual([created(alice.attendee.id, 1, MAY_VIEW | IS_PARTICIPANT, 'alice')]);
    await waitFor(() => graphics(alice) > 0, 10_000, 'bitmap updates once granted');
  });

  it('tells a new viewer about everyone already there, and everyone about it', async () => {
    bob = await join('bob', 'guests');
    await expect
      .poll(() => bob.messages[0], POLL)
      .toEqual([
        created(bob.attendee.id, 2, IS_PARTICIPANT, 'bob'),
        host,
        created(alice.attendee.id, 1, MAY_VIEW, 'alice'),
      ]);
    await expect.poll(() => alice.messages.at(-1), POLL).toEqual([created(bob.attendee.id, 2, 0, 'bob')]);
  });

  it('raises a request for the sender whatever ParticipantId it names, and announces the grant', async () => {
    bob.client.sendChannel('encomsp', encodeEncomspPdu({ type: 'participantCtrlChange', flags: 3, participantId: 0 }));
    const request = await waitFor(() => requests[0], 10_000, 'the control request');
    expect(request).toEqual({ attendee: bob.attendee, requestedLevel: CTRL_LEVEL.INTERACTIVE });
    bob.attendee.controlLevel = CTRL_LEVEL.INTERACTIVE;
    const interactive = MAY_VIEW | MAY_INTERACT;
    await expect
      .poll(() => bob.messages.at(-1), POLL)
      .toEqual([created(bob.attendee.id, 2, interactive | IS_PARTICIPANT, 'bob')]);
    await expect.poll(() => alice.messages.at(-1), POLL).toEqual([created(bob.attendee.id, 2, interactive, 'bob')]);
    // This client does not say it is a Windows 10 viewer, so it is not sent the response it may not read.
    const before = bob.messages.length;
    expect(session.sendControlLevelChangeResponse(bob.attendee, CTRL_LEVEL.INTERACTIVE, 0)).toBe(false);
    await sleep(300);
    expect(bob.messages.length).toBe(before);
  });

  it('tells every viewer of a pause and sends no graphics until resume', async () => {
    await waitFor(() => graphics(bob) > 0, 10_000, 'bob to get the desktop');
    session.pause();
    for (const p of [alice, bob])
      await expect.poll(() => p.messages.at(-1), POLL).toEqual([{ type: 'graphicsStreamPaused' }]);
    await sleep(500);
    const counts = [alice.client.updates.length, bob.client.updates.length];
    await shared.exec('xsetroot', ['-solid', '#2060a0']);
    await sleep(1500);
    expect([alice.client.updates.length, bob.client.updates.length]).toEqual(counts);
    session.resume();
    for (const p of [alice, bob])
      await expect.poll(() => p.messages.at(-1), POLL).toEqual([{ type: 'graphicsStreamResumed' }]);
    await waitFor(
      () => alice.client.updates.length > counts[0] && bob.client.updates.length > counts[1],
      10_000,
      'graphics after resume',
    );
  });

  it('announces departures with their reason and code (the sharer ending one, one leaving, one failing), and answers a Windows 10 viewer', async () => {
    bob.attendee.terminateConnection();
    const removed = (id: number, discType: number, discCode: number): EncomspPdu[] => [
      { type: 'participantRemoved', participantId: id, discType, discCode },
    ];
    await waitFor(() => disconnects.length === 1, 10_000, 'bob to leave');
    expect(disconnects[0]).toMatchObject({ attendee: bob.attendee, reason: ATTENDEE_DISCONNECT_REASON.APP });
    await expect
      .poll(() => alice.messages.at(-1), POLL)
      .toEqual(removed(bob.attendee.id, ATTENDEE_DISCONNECT_REASON.APP, DISCONNECT_CODE.CONNECTION_ABORTED));

    const carol = await join('carol', 'late');
    alice.client.close();
    await waitFor(() => disconnects.length === 2, 10_000, 'alice to leave');
    expect(disconnects[1]).toMatchObject({
      attendee: alice.attendee,
      reason: ATTENDEE_DISCONNECT_REASON.CLI,
      code: DISCONNECT_CODE.GRACEFUL_DISCONNECT,
    });
    await expect
      .poll(() => carol.messages.at(-1), POLL)
      .toEqual(removed(alice.attendee.id, ATTENDEE_DISCONNECT_REASON.CLI, DISCONNECT_CODE.GRACEFUL_DISCONNECT));

    // A client that presents itself as a Windows 10 viewer (a Windows General capability set, as this client
    // always sends; build 19045; a clientDigProductId) is answered with OD_PARTICIPANT_CTRL_CHANGE_RESPONSE.
    const windows = await join('dave', 'windows', { clientBuild: 19045, clientDigProductId: 'a7c3e9d1-5b2f' });
    expect(session.sendControlLevelChangeResponse(windows.attendee, CTRL_LEVEL.INTERACTIVE, 0x80070005)).toBe(true);
    await expect
      .poll(() => windows.messages.at(-1), POLL)
      .toEqual([
        { type: 'participantCtrlChangeResponse', flags: 3, participantId: windows.attendee.id, reasonCode: 0x80070005 },
      ]);
    windows.client.close();
    await waitFor(() => disconnects.length === 3, 10_000, 'dave to leave');

    // ORDER_HDR Length 255 in a 4-byte message: bad input ends this connection, with reason ERR.
    carol.client.sendChannel('encomsp', Uint8Array.of(0x09, 0x00, 0xff, 0x00));
    await waitFor(() => disconnects.length === 4, 10_000, 'carol to be disconnected');
    expect(disconnects[3]).toMatchObject({
      attendee: carol.attendee,
      reason: ATTENDEE_DISCONNECT_REASON.ERR,
      code: DISCONNECT_CODE.INVALID_DATA,
    });
    carol.client.close();
    expect(session.attendees.count).toBe(0);
  });
});
