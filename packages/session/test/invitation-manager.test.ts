import { describe, expect, it } from 'vitest';
import { RdshareError } from '../src/errors.js';
import { InvitationManager } from '../src/invitation-manager.js';

const manager = (open = true) => {
  let n = 0;
  return new InvitationManager(
    (auth) => `<E><A ID="${auth}"/></E>`,
    () => `generated-${++n}`,
    () => {
      if (!open) throw new RdshareError('NOT_OPEN', 'open the session first');
    },
  );
};

describe('InvitationManager', () => {
  it('creates invitations with the ticket for their auth string', () => {
    const m = manager();
    const inv = m.createInvitation({ authString: 'auth1', groupName: 'g', password: 'pw', attendeeLimit: 2 });
    expect(inv.connectionString).toBe('<E><A ID="auth1"/></E>');
    expect(inv).toMatchObject({ groupName: 'g', password: 'pw', attendeeLimit: 2, revoked: false });
    expect(m.count).toBe(1);
    expect(m.item('auth1')).toBe(inv);
    expect(m.item(0)).toBe(inv);
    expect([...m]).toEqual([inv]);
  });

  it('generates an auth string when none is given', () => {
    const inv = manager().createInvitation({ groupName: 'g', password: 'p', attendeeLimit: 1 });
    expect(inv.authString).toBe('generated-1');
  });

  it('requires an open session', () => {
    expect(() => manager(false).createInvitation({ groupName: 'g', password: 'p', attendeeLimit: 1 })).toThrow(
      expect.objectContaining({ code: 'NOT_OPEN' }),
    );
  });

  it('validates arguments and uniqueness', () => {
    const m = manager();
    expect(() => m.createInvitation({ groupName: '', password: 'p', attendeeLimit: 1 })).toThrow(
      /groupName must not be empty/,
    );
    expect(() => m.createInvitation({ groupName: 'g', password: 'p'.repeat(256), attendeeLimit: 1 })).toThrow(
      /at most 255/,
    );
    expect(() => m.createInvitation({ groupName: 'g', password: 'p', attendeeLimit: 0 })).toThrow(/attendeeLimit/);
    m.createInvitation({ authString: 'a', groupName: 'g', password: 'p', attendeeLimit: 1 });
    expect(() => m.createInvitation({ authString: 'a', groupName: 'h', password: 'p', attendeeLimit: 1 })).toThrow(
      expect.objectContaining({ code: 'DUPLICATE' }),
    );
    expect(() => m.createInvitation({ authString: 'b', groupName: 'g', password: 'p', attendeeLimit: 1 })).toThrow(
      /group 'g'/,
    );
  });

  it('finds invitations by auth string; revoking is final', () => {
    const m = manager();
    const inv = m.createInvitation({ authString: 'a', groupName: 'g', password: 's3cret', attendeeLimit: 2 });
    expect(m.find('a')).toBe(inv);
    expect(m.find('zz')).toBeUndefined();
    inv.revoked = true;
    expect(() => {
      inv.revoked = false;
    }).toThrow(/cannot be reinstated/);
  });
});
