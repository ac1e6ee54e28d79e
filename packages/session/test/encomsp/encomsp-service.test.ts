import {
  type ActivatedClient,
  decodeEncomspPdus,
  type EncomspPdu,
  ErrorInfo,
  encodeEncomspPdu,
  ParticipantFlags,
  ProtocolError,
} from '@rdshare/protocol';
import { describe, expect, it } from 'vitest';
import type { Attendee } from '../../src/attendee.js';
import type { AttendeeServiceHooks } from '../../src/attendee-service.js';
import { CTRL_LEVEL } from '../../src/constants.js';
import { DISCONNECT_CODE } from '../../src/disconnect-code.js';
import { EncomspService } from '../../src/encomsp-service.js';
import { silentLogger } from '../e2e/logger.js';

/** A viewer's channel that records the PDUs it was sent, one array per channel message. */
function viewerChannel(joined = true) {
  const messages: EncomspPdu[][] = [];
  return { channel: { joined, send: (m: Uint8Array) => messages.push(decodeEncomspPdus(m)) }, messages };
}

const created = (participantId: number, groupId: number, flags: number, friendlyName: string): EncomspPdu => ({
  type: 'participantCreated',
  participantId,
  groupId,
  flags,
  friendlyName,
});
const { MAY_VIEW, MAY_INTERACT, IS_PARTICIPANT } = ParticipantFlags;

describe('EncomspService', () => {
  const service = () => new EncomspService('sharer', silentLogger(), () => {});

  it('greets a viewer with itself (IS_PARTICIPANT), the host and the others, and tells the others', () => {
    const s = service();
    const a = viewerChannel();
    const b = viewerChannel();
    s.join({ id: 1, groupName: 'team', friendlyName: 'alice', level: CTRL_LEVEL.VIEW }, a.channel, false, () => {});
    expect(a.messages).toEqual([[created(1, 1, MAY_VIEW | IS_PARTICIPANT, 'alice'), created(0, 0, 3, 'sharer')]]);
    s.join({ id: 2, groupName: 'guests', friendlyName: 'bob', level: CTRL_LEVEL.NONE }, b.channel, false, () => {});
    expect(b.messages).toEqual([
      [created(2, 2, IS_PARTICIPANT, 'bob'), created(0, 0, 3, 'sharer'), created(1, 1, MAY_VIEW, 'alice')],
    ]);
    expect(a.messages[1]).toEqual([created(2, 2, 0, 'bob')]);
  });

  it('announces level changes, removals and pause to everyone, and greets late joiners with the pause', () => {
    const s = service();
    const a = viewerChannel();
    const b = viewerChannel();
    s.join({ id: 1, groupName: 'g', friendlyName: 'a', level: CTRL_LEVEL.VIEW }, a.channel, false, () => {});
    s.join({ id: 2, groupName: 'g', friendlyName: 'b', level: CTRL_LEVEL.VIEW }, b.channel, false, () => {});
    a.messages.length = 0;
    b.messages.length = 0;
    s.changeLevel(1, CTRL_LEVEL.INTERACTIVE);
    expect(a.messages).toEqual([[created(1, 1, MAY_VIEW | MAY_INTERACT | IS_PARTICIPANT, 'a')]]);
    expect(b.messages).toEqual([[created(1, 1, MAY_VIEW | MAY_INTERACT, 'a')]]);
    s.setPaused(true);
    s.setPaused(true);
    expect(b.messages.slice(1)).toEqual([[{ type: 'graphicsStreamPaused' }]]);
    const c = viewerChannel();
    s.join({ id: 3, groupName: 'g', friendlyName: 'c', level: CTRL_LEVEL.VIEW }, c.channel, false, () => {});
    expect(c.messages[0].at(-1)).toEqual({ type: 'graphicsStreamPaused' });
    s.setPaused(false);
    expect(c.messages.at(-1)).toEqual([{ type: 'graphicsStreamResumed' }]);
    s.leave(2, 0, DISCONNECT_CODE.CONNECTION_ABORTED);
    const removed = { type: 'participantRemoved', participantId: 2, discType: 0, discCode: 0x800704d4 };
    expect(a.messages.at(-1)).toEqual([removed]);
    expect(c.messages.at(-1)).toEqual([removed]);
    expect(b.messages.at(-1)).toEqual([{ type: 'graphicsStreamResumed' }]);
    // Gone means gone: no PDUs for it, no second removal.
    expect(s.send(2, [{ type: 'graphicsStreamPaused' }])).toBe(0);
    s.leave(2, 0, 0);
    expect(a.messages.at(-1)).toEqual([removed]);
  });

  it('routes a viewer request to its own connection whatever ParticipantId it names', () => {
    const s = service();
    const requests: number[] = [];
    const shows: [number, number][] = [];
    s.onWindowShow((id, wnd) => shows.push([id, wnd]));
    const endpoint = s.join(
      { id: 7, groupName: 'g', friendlyName: 'v', level: CTRL_LEVEL.VIEW },
      viewerChannel().channel,
      false,
      (flags) => requests.push(flags),
    );
    endpoint.receive(
      Uint8Array.of(
        ...encodeEncomspPdu({ type: 'participantCtrlChange', flags: 3, participantId: 0 }),
        ...encodeEncomspPdu({ type: 'participantCtrlChange', flags: 1, participantId: 99 }),
        ...encodeEncomspPdu({ type: 'windowShow', windowId: 42 }),
        ...encodeEncomspPdu({ type: 'graphicsStreamPaused' }),
      ),
    );
    expect(requests).toEqual([3, 1]);
    expect(shows).toEqual([[7, 42]]);
    expect(() => endpoint.receive(Uint8Array.of(0x09, 0x00, 0x02, 0x00))).toThrow(/Length 2/);
  });

  it('sends the response and region PDUs only to viewers that read them, and nothing to unjoined ones', () => {
    const s = service();
    const windows = viewerChannel();
    const freerdp = viewerChannel();
    const absent = viewerChannel(false);
    s.join({ id: 1, groupName: 'g', friendlyName: 'w', level: CTRL_LEVEL.VIEW }, windows.channel, true, () => {});
    s.join({ id: 2, groupName: 'g', friendlyName: 'f', level: CTRL_LEVEL.VIEW }, freerdp.channel, false, () => {});
    s.join({ id: 3, groupName: 'g', friendlyName: 'x', level: CTRL_LEVEL.VIEW }, absent.channel, false, () => {});
    const response: EncomspPdu = { type: 'participantCtrlChangeResponse', flags: 3, participantId: 1, reasonCode: 0 };
    expect(s.send(1, [response])).toBe(1);
    expect(s.send(2, [response])).toBe(0);
    const region: EncomspPdu = { type: 'windowRegionUpdate', left: 0, top: 0, right: 9, bottom: 9 };
    s.broadcast([region, { type: 'filterStateUpdated', flags: 1 }]);
    expect(windows.messages.at(-1)).toEqual([region, { type: 'filterStateUpdated', flags: 1 }]);
    expect(freerdp.messages.at(-1)).toEqual([{ type: 'filterStateUpdated', flags: 1 }]);
    expect(absent.messages).toEqual([]);
  });

  it('calls join listeners after the participants were announced', () => {
    const s = service();
    const v = viewerChannel();
    s.onJoin((id) => s.send(id, [{ type: 'filterStateUpdated', flags: 0 }]));
    s.join({ id: 1, groupName: 'g', friendlyName: 'v', level: CTRL_LEVEL.VIEW }, v.channel, false, () => {});
    expect(v.messages.map((m) => m.map((p) => p.type))).toEqual([
      ['participantCreated', 'participantCreated'],
      ['filterStateUpdated'],
    ]);
  });

  it('attaches to an attendee: requests raise the event, levels and departures are announced, bad input ends it', () => {
    const asked: [unknown, number][] = [];
    const s = new EncomspService('sharer', silentLogger(), (attendee, level) => asked.push([attendee, level]));
    const watcher = viewerChannel();
    s.join({ id: 1, groupName: 'g', friendlyName: 'w', level: CTRL_LEVEL.VIEW }, watcher.channel, false, () => {});
    const sent: Uint8Array[] = [];
    const disconnects: [number, string, Error | undefined][] = [];
    const attendee = {
      id: 2,
      remoteName: 'viewer',
      controlLevel: CTRL_LEVEL.NONE,
      invitation: { groupName: 'g' },
    } as unknown as Attendee;
    const client = { capabilitySets: [], clientData: { core: { clientBuild: 2600 } } };
    const hooks = s.attach(attendee, {
      client: client as unknown as ActivatedClient,
      sendChannelData: (channel, data) => {
        expect(channel).toBe('encomsp');
        sent.push(data);
      },
      hasChannel: (channel) => channel === 'encomsp',
      backlog: () => 0,
      onDrain: () => () => {},
      disconnect: (errorInfo, reason, error) => disconnects.push([errorInfo, reason, error]),
    }) as Required<AttendeeServiceHooks>;
    expect(decodeEncomspPdus(sent[0])[0]).toEqual(created(2, 1, IS_PARTICIPANT, 'viewer'));
    hooks.onChannelData('encomsp', encodeEncomspPdu({ type: 'participantCtrlChange', flags: 3, participantId: 0 }));
    expect(asked).toEqual([[attendee, CTRL_LEVEL.INTERACTIVE]]);
    hooks.onControlLevelChanged(CTRL_LEVEL.VIEW);
    expect(watcher.messages.at(-1)).toEqual([created(2, 1, MAY_VIEW, 'viewer')]);
    hooks.onChannelData('encomsp', Uint8Array.of(0x09, 0x00, 0xff, 0x00));
    expect(disconnects).toEqual([
      [ErrorInfo.VCHANNEL_DATA_TOO_SHORT, expect.stringMatching(/malformed MS-RDPEMC/), expect.any(ProtocolError)],
    ]);
    hooks.onDetached({ byClient: true, reason: 'bye' });
    expect(watcher.messages.at(-1)).toEqual([
      { type: 'participantRemoved', participantId: 2, discType: 2, discCode: DISCONNECT_CODE.GRACEFUL_DISCONNECT },
    ]);
  });
});
