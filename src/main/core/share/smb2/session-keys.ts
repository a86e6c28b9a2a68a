import { Cipher, Dialect, SigningAlgorithm, type CipherId, type SigningAlgorithmId } from './constants';
import { cstr, smb3Kdf } from './crypto/kdf';
import type { Signer } from './signing';

export interface SessionKeys {
  signer: Signer;
  /** Client-to-server key, for requests. */
  encryptionKey: Buffer;
  /** Server-to-client key, for responses. */
  decryptionKey: Buffer;
}

/**
 * Signing and encryption keys of a session (MS-SMB2 3.2.5.3.1): the session key itself for 2.x,
 * KDF-derived keys for 3.0/3.0.2 (fixed labels) and 3.1.1 (bound to the pre-auth integrity hash).
 */
export function deriveSessionKeys(
  dialect: number,
  sessionKey: Buffer,
  options: { preauthHash?: Buffer; cipher?: CipherId | 0; signingAlgorithm?: SigningAlgorithmId } = {},
): SessionKeys {
  const key16 = Buffer.alloc(16);
  sessionKey.copy(key16, 0, 0, 16);
  if (dialect < Dialect.SMB300) {
    return { signer: { algorithm: SigningAlgorithm.HMAC_SHA256, key: key16 }, encryptionKey: Buffer.alloc(0), decryptionKey: Buffer.alloc(0) };
  }
  if (dialect < Dialect.SMB311) {
    return {
      signer: { algorithm: SigningAlgorithm.AES_CMAC, key: smb3Kdf(key16, cstr('SMB2AESCMAC'), cstr('SmbSign')) },
      encryptionKey: smb3Kdf(key16, cstr('SMB2AESCCM'), cstr('ServerIn ')),
      decryptionKey: smb3Kdf(key16, cstr('SMB2AESCCM'), cstr('ServerOut')),
    };
  }
  const preauth = options.preauthHash;
  if (!preauth) throw new Error('SMB 3.1.1 keys need the pre-auth integrity hash');
  const bits = options.cipher === Cipher.AES_256_CCM || options.cipher === Cipher.AES_256_GCM ? 256 : 128;
  // AES-256 ciphers use the full session key (MS-SMB2 3.2.5.3.1); NTLM keys are 16 bytes anyway.
  const cipherKeyInput = bits === 256 ? sessionKey : key16;
  return {
    signer: { algorithm: options.signingAlgorithm ?? SigningAlgorithm.AES_CMAC, key: smb3Kdf(key16, cstr('SMBSigningKey'), preauth) },
    encryptionKey: smb3Kdf(cipherKeyInput, cstr('SMBC2SCipherKey'), preauth, bits),
    decryptionKey: smb3Kdf(cipherKeyInput, cstr('SMBS2CCipherKey'), preauth, bits),
  };
}
