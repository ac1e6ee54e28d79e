import { describe, expect, it } from 'vitest';
import { decodeConnectionString, encodeConnectionString, ProtocolError } from '../../src/index.js';

// A connection string as RDPSRAPI produced it (quoted in wds-protocol.md §2.1).
const windows =
  '<E><A KH="W111qeblP+fRNOpdtxweUCg6HJ8=" ID="AuthString"/><C><T ID="1" SID="0"><L P="51125" N="fe80::6cf0:c374:dffd:c82%12"/><L P="51126" N="172.16.1.118"/></T></C></E>';

describe('connection string', () => {
  it('decodes a Windows-generated ticket', () => {
    expect(decodeConnectionString(windows)).toEqual({
      kh: 'W111qeblP+fRNOpdtxweUCg6HJ8=',
      authString: 'AuthString',
      transportId: 1,
      sessionId: 0,
      addresses: [
        { port: 51125, address: 'fe80::6cf0:c374:dffd:c82%12' },
        { port: 51126, address: '172.16.1.118' },
      ],
    });
  });

  it('encodes byte for byte the form Windows writes', () => {
    expect(encodeConnectionString(decodeConnectionString(windows))).toBe(windows);
  });

  it('writes KH2 after KH and escapes attribute values', () => {
    const s = encodeConnectionString({
      kh: 'a',
      kh2: 'sha256:b',
      authString: 'x"<&>',
      addresses: [{ port: 3389, address: '127.0.0.1' }],
    });
    expect(s).toBe(
      '<E><A KH="a" KH2="sha256:b" ID="x&quot;&lt;&amp;&gt;"/><C><T ID="1" SID="0"><L P="3389" N="127.0.0.1"/></T></C></E>',
    );
    expect(decodeConnectionString(s).authString).toBe('x"<&>');
  });

  it('accepts a reverse-connect string without KH and ID', () => {
    const t = decodeConnectionString('<E><A/><C><T ID="1" SID="0"><L P="5000" N="10.1.2.33"/></T></C></E>');
    expect(t.kh).toBeUndefined();
    expect(t.addresses).toEqual([{ port: 5000, address: '10.1.2.33' }]);
  });

  it.each([
    ['not xml', 'hello'],
    ['no transport', '<E><A/></E>'],
    ['bad port', '<E><A/><C><T ID="1" SID="0"><L P="99999" N="host.example"/></T></C></E>'],
    ['missing address', '<E><A/><C><T ID="1" SID="0"><L P="1"/></T></C></E>'],
  ])('rejects %s with a ProtocolError', (_, text) => {
    expect(() => decodeConnectionString(text)).toThrow(ProtocolError);
  });
});
