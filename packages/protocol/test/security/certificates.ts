import { hex } from './hex.js';

/**
 * Proprietary certificates signed by real servers with the Terminal Services Signing Key, 512-bit server keys.
 * WINDOWS_CERTIFICATE is the hard-coded server certificate of Microsoft's Terminal Services licensing test
 * (hslice test harness); XRDP_CERTIFICATE is xrdp's built-in test certificate (its g_testkey plus the 8 zero
 * bytes that follow every signature).
 */
export const WINDOWS_CERTIFICATE = hex(`
  01 00 00 00 01 00 00 00 01 00 00 00 06 00 5c 00 52 53 41 31 48 00 00 00 00 02 00 00 3f 00 00 00
  01 00 01 00 83 76 5b 09 8f c1 74 12 1b d3 4e 72 72 4d be ce 55 1d 29 3d 0e ed 28 09 50 66 32 fa
  1d d2 cc 42 de 5b 4e 3c 35 f6 73 5b 0c 0d b0 a6 4d 76 ba c0 88 5f c4 67 0b b8 a3 23 a6 c7 79 bd
  80 d1 a8 75 00 00 00 00 00 00 00 00 08 00 48 00 19 50 2e 2e 82 b4 eb b3 87 85 b9 31 4c 29 07 05
  d7 37 99 86 15 30 56 e4 47 7a 2c 2f 4c bd f0 37 d3 94 01 c8 73 ea 5c 2c 3f 60 27 1e 5d a9 54 32
  dc 49 a4 7e 26 af ea 07 ca 4e e9 95 8e 66 f0 33 00 00 00 00 00 00 00 00`);

export const XRDP_CERTIFICATE = hex(`
  01 00 00 00 01 00 00 00 01 00 00 00 06 00 5c 00 52 53 41 31 48 00 00 00 00 02 00 00 3f 00 00 00
  01 00 01 00 79 6f b4 df a6 95 b9 a9 61 e3 c4 5e ff 6b d8 81 8a 12 4a 93 42 97 18 93 ac d1 3a 38
  3c 68 50 19 31 b6 84 51 79 fb 1c e7 e3 99 20 c7 84 df d1 aa b5 15 ef 47 7e fc 88 eb 29 c3 27 5a
  35 f8 fd aa 00 00 00 00 00 00 00 00 08 00 48 00 32 3b de 6f 18 97 1e c3 6b 2b 2d e4 fc 2d a2 8e
  32 3c f3 1b 24 90 57 4d 8e e4 69 fc 16 8d 41 92 78 c7 9c b4 26 ff e8 3e a1 8a f5 57 c0 7f 3e 21
  17 32 30 6f 79 e1 36 cd b6 8e be 57 57 d2 a9 36 00 00 00 00 00 00 00 00`);
