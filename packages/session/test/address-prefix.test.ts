import { describe, expect, it } from 'vitest';
import { addressPrefix } from '../src/address-prefix.js';

describe('addressPrefix', () => {
  it('groups IPv4 by /24, IPv6 by /64, and all of loopback together', () => {
    expect(addressPrefix('192.0.2.7')).toBe('192.0.2.0/24');
    expect(addressPrefix('192.0.2.200')).toBe(addressPrefix('192.0.2.7'));
    expect(addressPrefix('192.0.3.7')).not.toBe(addressPrefix('192.0.2.7'));
    expect(addressPrefix('::ffff:192.0.2.9')).toBe('192.0.2.0/24');
    expect(addressPrefix('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressPrefix('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64');
    expect(addressPrefix('2001:db8:1:3::1')).not.toBe(addressPrefix('2001:db8:1:2::1'));
    expect(addressPrefix('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    for (const lo of ['127.0.0.1', '127.9.8.7', '::1', '::ffff:127.0.0.1']) expect(addressPrefix(lo)).toBe('loopback');
  });
});
