import type { SafeStorage } from 'electron';
import type { ProtectedDecryptor } from '../core/config/secrets';

export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;

/**
 * `{ "protected": "<base64>" }` secret references, encrypted with Electron safeStorage (on Windows:
 * DPAPI for the logged-on account, key kept in the agent's profile folder). The engine's
 * DefaultSecretResolver calls this decryptor; it never sees safeStorage itself.
 */
export function createProtectedDecryptor(safeStorage: SafeStorageLike): ProtectedDecryptor {
  return (blob) => {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('safeStorage (DPAPI) is not available on this PC/account');
    return safeStorage.decryptString(blob);
  };
}

export function protectSecret(safeStorage: SafeStorageLike, plain: string): { protected: string } {
  if (!safeStorage.isEncryptionAvailable()) throw new Error('safeStorage (DPAPI) is not available on this PC/account');
  return { protected: safeStorage.encryptString(plain).toString('base64') };
}

/**
 * `HisUpdateAgent.exe --protect-secret`: reads the password from stdin (one trailing newline dropped),
 * prints the JSON reference to paste into config.json. Exit code 0, or 2 when stdin was empty or
 * encryption is unavailable. The password itself is never printed or logged.
 */
export async function runProtectSecret(
  safeStorage: SafeStorageLike,
  stdin: AsyncIterable<string | Buffer>,
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const plain = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
  if (plain === '') {
    err.write('没有从标准输入读到密码 / no password on stdin\n');
    return 2;
  }
  try {
    out.write(`${JSON.stringify(protectSecret(safeStorage, plain))}\n`);
    return 0;
  } catch (error) {
    err.write(`无法加密 / cannot encrypt: ${(error as Error).message}\n`);
    return 2;
  }
}
