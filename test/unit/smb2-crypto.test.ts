import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Cipher, SigningAlgorithm } from '../../src/main/core/share/smb2/constants';
import { aesCmac } from '../../src/main/core/share/smb2/crypto/cmac';
import { cstr, smb3Kdf } from '../../src/main/core/share/smb2/crypto/kdf';
import { md4 } from '../../src/main/core/share/smb2/crypto/md4';
import { rc4 } from '../../src/main/core/share/smb2/crypto/rc4';
import { decryptMessage, encryptMessage, NonceSource } from '../../src/main/core/share/smb2/encryption';
import { PreauthHash } from '../../src/main/core/share/smb2/preauth';
import { deriveSessionKeys } from '../../src/main/core/share/smb2/session-keys';
import { computeSignature, signMessage, verifySignature } from '../../src/main/core/share/smb2/signing';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('MD4 (RFC 1320 appendix A.5)', () => {
  it('is really missing from OpenSSL here, which is why we carry our own', () => {
    // If this ever flips, the pure-JS MD4 still works; the test documents why it exists.
    expect(crypto.getHashes().includes('md4')).toBe(false);
  });

  it.each([
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ])('MD4(%j)', (input, digest) => {
    expect(md4(Buffer.from(input, 'latin1')).toString('hex')).toBe(digest);
  });

  it('handles inputs around the 56-byte padding boundary', () => {
    // 55, 56 and 64 bytes exercise one- and two-block padding; compare against a second computation path.
    for (const n of [55, 56, 63, 64, 65, 119, 120]) {
      const data = Buffer.alloc(n, 0x61);
      expect(md4(data)).toHaveLength(16);
      expect(md4(data).equals(md4(Buffer.from(data)))).toBe(true);
    }
    expect(md4(Buffer.alloc(56, 0x61)).equals(md4(Buffer.alloc(55, 0x61)))).toBe(false);
  });
});

describe('RC4', () => {
  it.each([
    ['Key', 'Plaintext', 'bbf316e8d940af0ad3'],
    ['Wiki', 'pedia', '1021bf0420'],
    ['Secret', 'Attack at dawn', '45a01f645fc35b383552544b9bf5'],
  ])('RC4(%s, %s)', (key, text, out) => {
    expect(rc4(Buffer.from(key), Buffer.from(text)).toString('hex')).toBe(out);
  });
});

describe('AES-CMAC (RFC 4493 section 4)', () => {
  const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
  const message = hex(
    '6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710',
  );
  it.each([
    [0, 'bb1d6929e95937287fa37d129b756746'],
    [16, '070a16b46b4d4144f79bdd9dd04a287c'],
    [40, 'dfa66747de9ae63030ca32611497c827'],
    [64, '51f0bebf7e3b9d92fc49741779363cfe'],
  ])('length %i', (length, mac) => {
    expect(aesCmac(key, message.subarray(0, length)).toString('hex')).toBe(mac);
  });

  it('gives the same MAC for a message split into parts anywhere', () => {
    const big = crypto.randomBytes(5000);
    const whole = aesCmac(key, big);
    for (const cut of [1, 15, 16, 17, 48, 4999]) {
      expect(aesCmac(key, big.subarray(0, cut), big.subarray(cut)).equals(whole)).toBe(true);
    }
    expect(aesCmac(key, big.subarray(0, 48), Buffer.alloc(16), big.subarray(64)).equals(whole)).toBe(false);
  });
});

describe('SP800-108 KDF and SMB3 session keys', () => {
  it('matches the SMB 3.0 vectors (Microsoft "Encryption in SMB 3.0", also in smbj)', () => {
    const k1 = deriveSessionKeys(0x0300, hex('B4546771B515F766A86735532DD6C4F0'));
    expect(k1.encryptionKey.toString('hex')).toBe('261b72350558f2e9dcf613070383edbf');
    expect(k1.decryptionKey.toString('hex')).toBe('8fe2b57ec34d2db5b1a9727f526bbdb5');
    const k2 = deriveSessionKeys(0x0302, hex('09921d4431b171b977370bf8910900f9'));
    expect(k2.signer.key.toString('hex')).toBe('8f5a6907bce9ec89b8f89e560d4e2e18');
    expect(k2.encryptionKey.toString('hex')).toBe('858e8cba1f7068969e825b2b538830c4');
    expect(k2.decryptionKey.toString('hex')).toBe('df91d31ef09a01fd4d2a093c42deef46');
    expect(k2.signer.algorithm).toBe(SigningAlgorithm.AES_CMAC);
  });

  it('matches the SMB 3.1.1 encryption vectors (Microsoft "SMB 3.1.1 Encryption in Windows 10")', () => {
    const preauth = hex(
      'B23F3CBFD69487D9832B79B1594A367CDD950909B774C3A4C412B4FCEA9EDDDBA7DB256BA2EA30E977F11F9B113247578E0E915C6D2A513B8F2FCA5707DC8770',
    );
    const keys = deriveSessionKeys(0x0311, hex('419FDDF34C1E001909D362AE7FB6AF79'), { preauthHash: preauth, cipher: Cipher.AES_128_GCM });
    expect(keys.encryptionKey.toString('hex')).toBe('a2f5e80e5d59103034f32e52f698e5ec');
    expect(keys.decryptionKey.toString('hex')).toBe('748c50868c90f302962a5c35f5f9a8bf');
  });

  it('uses the session key itself for SMB 2.x signing', () => {
    const keys = deriveSessionKeys(0x0210, hex('00112233445566778899aabbccddeeff'));
    expect(keys.signer).toEqual({ algorithm: SigningAlgorithm.HMAC_SHA256, key: hex('00112233445566778899aabbccddeeff') });
  });

  it('derives 256-bit keys for the AES-256 ciphers', () => {
    const keys = deriveSessionKeys(0x0311, crypto.randomBytes(16), { preauthHash: crypto.randomBytes(64), cipher: Cipher.AES_256_GCM });
    expect(keys.encryptionKey).toHaveLength(32);
    expect(keys.signer.key).toHaveLength(16);
    expect(smb3Kdf(Buffer.alloc(16), cstr('x'), cstr('y'), 256)).toHaveLength(32);
  });
});

describe('SMB 3.1.1 pre-auth integrity (Microsoft "SMB 3.1.1 Pre-authentication integrity" vectors)', () => {
  it('chains SHA-512 over negotiate and session setup and derives the signing key', () => {
    const h = new PreauthHash();
    h.update(
      hex(
        'FE534D4240000100000000000000800000000000000000000100000000000000FFFE000000000000' +
          '00000000000000000000000000000000000000000000000024000500000000003F000000ECD86F32' +
          '6276024F9F7752B89BB33F3A70000000020000000202100200030203110300000100260000000000' +
          '010020000100FA49E6578F1F3A9F4CD3E9CC14A67AA884B3D05844E0E5A118225C15887F32FF0000' +
          '0200060000000000020002000100',
      ),
    );
    expect(h.current.toString('hex').toUpperCase()).toBe(
      'DD94EFC5321BB618A2E208BA8920D2F422992526947A409B5037DE1E0FE8C7362B8C47122594CDE0CE26AA9DFC8BCDBDE0621957672623351A7540F1E54A0426',
    );
    const session = h.clone();
    session.update(hex('00'));
    expect(h.current.toString('hex').toUpperCase().startsWith('DD94EFC5')).toBe(true); // clone is independent
    // The signing key of the vector, from its final hash value.
    const finalHash = hex(
      '0DD13628CC3ED218EF9DF9772D436D0887AB9814BFAE63A80AA845F36909DB7928622DDDAD522D9751640A459762C5A9D6BB084CBB3CE6BDADEF5D5BCE3C6C01',
    );
    const keys = deriveSessionKeys(0x0311, hex('270E1BA896585EEB7AF3472D3B4C75A7'), { preauthHash: finalHash });
    expect(keys.signer.key.toString('hex').toUpperCase()).toBe('73FE7A9A77BEF0BDE49C650D8CCB5F76');
  });
});

describe('signing', () => {
  it('matches an SMB 3.0 AES-CMAC signature vector (go-smb test data)', () => {
    const packet = hex(
      'fe534d42400001000000000001007f00090000000000000003000000000000000000000000000000020000007bfba3f4000000000000000000000000000000000900000048000900a1073005a0030a0100',
    );
    const keys = deriveSessionKeys(0x0300, hex('726d4c454e63516446695457664e5042'));
    expect(computeSignature(keys.signer, packet).toString('hex')).toBe('041393e756a048c9092c4e52dc703719');
  });

  it.each([
    ['HMAC-SHA256', SigningAlgorithm.HMAC_SHA256],
    ['AES-CMAC', SigningAlgorithm.AES_CMAC],
    ['AES-GMAC', SigningAlgorithm.AES_GMAC],
  ])('%s: signs in place, verifies, and detects a flipped byte', (_name, algorithm) => {
    const signer = { algorithm, key: crypto.randomBytes(16) };
    const message = Buffer.concat([hex('fe534d424000'), crypto.randomBytes(200)]);
    signMessage(signer, message);
    expect(message.readUInt32LE(16) & 0x8).toBe(0x8);
    expect(verifySignature(signer, message)).toBe(true);
    message[100] = message[100]! ^ 1;
    expect(verifySignature(signer, message)).toBe(false);
  });
});

describe('encryption (TRANSFORM_HEADER)', () => {
  it('reproduces the SMB 3.0 AES-128-CCM encryption vector byte for byte', () => {
    const plain = hex(
      'FE534D4240000100000000000900400008000000000000000400000000000000FFFE0000010000001100001400E4080000000000000000000000000000000000' +
        '3100700017000000000000000000000015010000390000020100000039020000' +
        '00000000000000007000000000000000536D623320656E6372797074696F6E2074657374696E67',
    );
    const out = encryptMessage(plain, {
      cipher: Cipher.AES_128_CCM,
      key: hex('261B72350558F2E9DCF613070383EDBF'),
      sessionId: 0x8e40014000011n,
      nonce: hex('66E69A111892584FB5ED524A744DA3EE'),
    });
    // The vector's nonce field keeps all 16 bytes; CCM itself uses the first 11.
    expect(out.toString('hex').toUpperCase()).toBe(
      'FD534D4281A286535415445DAE393921E44FA42E66E69A111892584FB5ED524A744DA3EE87000000000001001100001400E4080025C8FEE16605A437832D1CD5' +
        '2DA9F4645333482A175FE5384563F45FCDAFAEF38BC62BA4D5C62897996625A44C29BE5658DE2E6117585779E7B59FFD971278D08580D7FA899E410E910EABF5' +
        'AA1DB43050B33B49182637759AC15D84BFCDF5B6B238993C0F4CF4D6012023F6C627297075D84B7803912D0A9639634453595EF3E33FFE4E7AC2AB',
    );
  });

  it('decrypts the SMB 3.0 AES-128-CCM server vector', () => {
    const frame = hex(
      'FD534D42A6015530A18F6D9AFFE22AFAE8E66484860000000000000011000014' +
        '00E4080050000000000001001100001400E40800DBF46435C5F14169293CE079' +
        'E344479BF670227E49873F458672C3098DAC467DD5809F369D67409166515787' +
        '1483E01F7BECD02064EAC3E235F913668BBC2F097980D4B378F1993EFF6E60D1' +
        '77309E5B',
    );
    const plain = decryptMessage(frame, Cipher.AES_128_CCM, hex('8FE2B57EC34D2DB5B1A9727F526BBDB5'));
    expect(plain.toString('hex').toUpperCase()).toBe(
      'FE534D4240000100000000000900210009000000000000000400000000000000FFFE0000010000001100001400E408000000000000000000000000000000000011000000170000000000000000000000',
    );
  });

  it('reproduces the SMB 3.1.1 AES-128-GCM vectors both ways', () => {
    const plain = hex(
      'FE534D4240000100000000000900010008000000000000000500000000000000FFFE000001000000' +
        '25000000001000000000000000000000000000000000000031007000170000000000000000000000' +
        '0600000004000000010000000400000000000000000000007000000000000000536D623320656E63' +
        '72797074696F6E2074657374696E67',
    );
    const nonce = Buffer.concat([hex('C7D6822D269CAF48904C664C'), Buffer.alloc(4)]);
    const out = encryptMessage(plain, { cipher: Cipher.AES_128_GCM, key: hex('A2F5E80E5D59103034F32E52F698E5EC'), sessionId: 0x100000000025n, nonce });
    expect(out.toString('hex').toUpperCase()).toBe(
      'FD534D42BD73D97D2BC9001BCAFAC0FDFF5FEEBCC7D6822D269CAF48904C664C0000000087000000' +
        '0000010025000000001000006ECDD2A7AFC7B47763057A041B8FD4DAFFE990B70C9E09D36C084E02' +
        'D14EF247F8BDE38ACF6256F8B1D3B56F77FBDEB312FEA5E92CBCC1ED8FB2EBBFAA75E49A4A394BB4' +
        '4576545567C24D4C014D47C9FBDFDAFD2C4F9B72F8D256452620A299F48E29E53D6B61D1C13A19E9' +
        '1AF013F00D17E3ABC2FC3D36C8C1B6B93973253852DBD442E46EE8',
    );
    const response = hex(
      'FD534D42ACBE1CB7ED343ADF1725EF144D90D4B0E06831DD2E8EB7B4000000000000000050000000' +
        '00000100250000000010000026BBBF949983A6C1C796559D0F2C510CB651D1F7B6AC8DED32A2A0B8' +
        'F2D793A815C6F6B848D69767A215841A42D400AE6DDB5F0B44173A014973321FDD7950DA6179159B' +
        '82E03C9E18A050FF0EA1C967',
    );
    expect(decryptMessage(response, Cipher.AES_128_GCM, hex('748C50868C90F302962A5C35F5F9A8BF')).toString('hex').toUpperCase()).toBe(
      'FE534D4240000100000000000900010001000000000000000500000000000000FFFE00000100000025000000001000000000000000000000000000000000000011000000170000000000000000000000',
    );
  });

  it.each([Cipher.AES_128_CCM, Cipher.AES_128_GCM, Cipher.AES_256_CCM, Cipher.AES_256_GCM])('cipher %i round-trips and rejects tampering', (cipher) => {
    const key = crypto.randomBytes(cipher >= 3 ? 32 : 16);
    const plain = crypto.randomBytes(3000);
    const nonces = new NonceSource();
    const a = nonces.next(cipher);
    const b = nonces.next(cipher);
    expect(a.equals(b)).toBe(false);
    const frame = encryptMessage(plain, { cipher, key, sessionId: 7n, nonce: a });
    expect(decryptMessage(frame, cipher, key).equals(plain)).toBe(true);
    frame[frame.length - 1] = frame[frame.length - 1]! ^ 1;
    expect(() => decryptMessage(frame, cipher, key)).toThrow();
  });
});
