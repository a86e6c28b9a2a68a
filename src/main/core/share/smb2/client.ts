import { AgentError } from '../../errors/agent-error';
import type { ErrorTarget } from '../smb-common/connection-errors';
import { ntlmLogon } from '../smb-common/ntlm-logon';
import type { SmbClientOptions } from '../smb-common/options';
import { errorTarget, SmbClientBase } from '../smb-common/smb-client-base';
import {
  ALL_DIALECTS,
  Capability,
  Cipher,
  Command,
  DIALECT_NAMES,
  Dialect,
  HeaderFlag,
  QueryDirectoryFlag,
  SecurityMode,
  SessionFlag,
  ShareFlag,
  ShareType,
  SigningAlgorithm,
  type CipherId,
  type DialectName,
  type SigningAlgorithmId,
} from './constants';
import { Smb2Connection, type SessionCrypto, type Smb2Response } from './connection';
import {
  buildCloseRequest,
  buildCreateRequest,
  buildQueryDirectoryRequest,
  buildReadRequest,
  parseCreateResponse,
  parseDirectoryEntries,
  readResponseData,
  type DirectoryEntry,
  type FileInfo,
  type OpenKind,
} from './file-messages';
import type { NegotiateResponse } from './negotiate';
import { negotiateDialect, RetryDirectNegotiate } from './negotiation';
import { isErrorStatus, NtStatus } from './ntstatus';
import { PreauthHash } from './preauth';
import { deriveSessionKeys } from './session-keys';
import { buildEmptyRequest, buildSessionSetupRequest, buildTreeConnectRequest, parseSessionSetupResponse, parseTreeConnectResponse } from './session-messages';
import { verifySignature } from './signing';

export interface Smb2ClientOptions extends SmbClientOptions {
  /** Dialects to offer (tests pin one); default 2.0.2 … 3.1.1. */
  dialects?: number[];
  /** 3.1.1 ciphers to offer, most preferred first. */
  ciphers?: CipherId[];
  /** 3.1.1 signing algorithms to offer, most preferred first. */
  signingAlgorithms?: SigningAlgorithmId[];
}

/** What was agreed with the server: shown in the IT window and asserted by tests. */
export interface Smb2SessionInfo {
  dialect: DialectName;
  signing: boolean;
  signingAlgorithm: 'HMAC-SHA256' | 'AES-CMAC' | 'AES-GMAC' | null;
  encryption: boolean;
  cipher: string | null;
  guest: boolean;
  maxReadSize: number;
  maxTransactSize: number;
}

const SIGNING_NAMES = { [SigningAlgorithm.HMAC_SHA256]: 'HMAC-SHA256', [SigningAlgorithm.AES_CMAC]: 'AES-CMAC', [SigningAlgorithm.AES_GMAC]: 'AES-GMAC' } as const;
const CIPHER_LABELS: Record<number, string> = {
  [Cipher.AES_128_CCM]: 'AES-128-CCM',
  [Cipher.AES_128_GCM]: 'AES-128-GCM',
  [Cipher.AES_256_CCM]: 'AES-256-CCM',
  [Cipher.AES_256_GCM]: 'AES-256-GCM',
};

/**
 * An SMB2/3 client for one share: connects, negotiates, logs on with NTLMv2 (or anonymously), connects
 * the tree, then opens, reads, lists and closes files with read access only. Requests from any number
 * of callers run concurrently on the one connection.
 */
export class Smb2Client extends SmbClientBase<Smb2Connection, Smb2ClientOptions> {
  private treeId = 0;
  private negotiated!: NegotiateResponse;
  private crypto!: SessionCrypto;
  private guest = false;

  static async connect(options: Smb2ClientOptions): Promise<Smb2Client> {
    const target = errorTarget(options);
    const deadline = Date.now() + options.timeoutMs;
    let client = await Smb2Client.open(options, target, options.timeoutMs);
    try {
      let preauth: PreauthHash | null;
      try {
        preauth = await client.negotiate('multi-protocol');
      } catch (error) {
        if (!(error instanceof RetryDirectNegotiate)) throw error;
        // Some servers refuse the SMB1-style opening although they speak SMB2: ask again, SMB2 only.
        client.conn.close();
        client = await Smb2Client.open(options, target, Math.max(1000, deadline - Date.now()));
        preauth = await client.negotiate('smb2');
      }
      await client.sessionSetup(preauth);
      await client.treeConnect();
      return client;
    } catch (error) {
      client.conn.close();
      throw client.errors.wrap(error, 'connect');
    }
  }

  private static async open(options: Smb2ClientOptions, target: ErrorTarget, timeoutMs: number): Promise<Smb2Client> {
    const conn = await Smb2Connection.connect(options.host, options.port ?? 445, target, timeoutMs);
    return new Smb2Client(conn, options, target);
  }

  get info(): Smb2SessionInfo {
    const signer = this.crypto.signer;
    return {
      dialect: DIALECT_NAMES[this.negotiated.dialect]!,
      signing: !!signer && this.crypto.signAll && !this.crypto.encrypt,
      signingAlgorithm: signer ? SIGNING_NAMES[signer.algorithm] : null,
      encryption: this.crypto.encrypt,
      cipher: this.crypto.encrypt ? (CIPHER_LABELS[this.crypto.cipher] ?? null) : null,
      guest: this.guest,
      maxReadSize: this.negotiated.maxReadSize,
      maxTransactSize: this.negotiated.maxTransactSize,
    };
  }

  /** Largest single READ worth issuing: MaxReadSize capped by what the credits allow. */
  maxReadChunk(preferred: number): number {
    if (!this.multiCredit) return Math.min(65536, this.negotiated.maxReadSize);
    const byCredits = Math.max(1, Math.floor(this.conn.creditHighWater / 4)) * 65536;
    return Math.max(65536, Math.min(preferred, this.negotiated.maxReadSize, byCredits));
  }

  // ---- file operations -------------------------------------------------------------------------

  /** Opens a file or folder (path '/'-separated, relative to the share root) for reading. */
  async open(path: string, kind: OpenKind, file = path): Promise<FileInfo> {
    try {
      const response = await this.send(Command.CREATE, buildCreateRequest(toSmbPath(path), kind));
      if (response.header.status !== NtStatus.SUCCESS) throw this.statusError(response.header.status, 'CREATE', file);
      return parseCreateResponse(response.message);
    } catch (error) {
      throw this.errors.wrap(error, 'CREATE', file);
    }
  }

  /**
   * CREATE + READ + CLOSE as one compound: a small file (or the first chunk of a large one) in a single
   * round trip. The handle is closed afterwards; `info.fileId` is not usable.
   */
  async openReadClose(path: string, offset: number, length: number, file = path): Promise<{ info: FileInfo; data: Buffer }> {
    try {
      const charge = this.multiCredit ? Math.ceil(length / 65536) : 1;
      const [create, read] = await this.sendChain([
        { command: Command.CREATE, body: buildCreateRequest(toSmbPath(path), 'file') },
        { command: Command.READ, body: buildReadRequest(RELATED_FILE_ID, offset, length), creditCharge: charge },
        { command: Command.CLOSE, body: buildCloseRequest(RELATED_FILE_ID) },
      ]);
      if (create!.header.status !== NtStatus.SUCCESS) throw this.statusError(create!.header.status, 'CREATE', file);
      const info = parseCreateResponse(create!.message);
      const status = read!.header.status;
      if (status === NtStatus.END_OF_FILE) return { info, data: Buffer.alloc(0) };
      if (status !== NtStatus.SUCCESS) throw this.statusError(status, 'READ', file);
      return { info, data: readResponseData(read!.message) };
    } catch (error) {
      throw this.errors.wrap(error, 'CREATE+READ+CLOSE', file);
    }
  }

  /** Bytes at [offset, offset+length) as a view into the response; fewer at the end of the file, empty past it. */
  async read(fileId: Buffer, offset: number, length: number, file = ''): Promise<Buffer> {
    try {
      const charge = this.multiCredit ? Math.ceil(length / 65536) : 1;
      const response = await this.send(Command.READ, buildReadRequest(fileId, offset, length), charge);
      const status = response.header.status;
      if (status === NtStatus.END_OF_FILE) return Buffer.alloc(0);
      if (status !== NtStatus.SUCCESS) throw this.statusError(status, 'READ', file);
      return readResponseData(response.message);
    } catch (error) {
      throw this.errors.wrap(error, 'READ', file);
    }
  }

  async closeFile(fileId: Buffer, file = ''): Promise<void> {
    if (this.conn.closed) return;
    try {
      const response = await this.send(Command.CLOSE, buildCloseRequest(fileId));
      // A failed CLOSE loses nothing for a read-only open; report only real errors.
      if (isErrorStatus(response.header.status) && response.header.status !== NtStatus.FILE_CLOSED) {
        throw this.statusError(response.header.status, 'CLOSE', file);
      }
    } catch (error) {
      throw this.errors.wrap(error, 'CLOSE', file);
    }
  }

  /** Every entry of one folder ('.' and '..' left out), following continuation to STATUS_NO_MORE_FILES. */
  async listDirectory(path: string, file = path || '.'): Promise<DirectoryEntry[]> {
    const dir = await this.open(path, 'directory', file);
    const entries: DirectoryEntry[] = [];
    try {
      const outputLength = this.multiCredit ? Math.min(this.negotiated.maxTransactSize, 1024 * 1024) : Math.min(this.negotiated.maxTransactSize, 65536);
      const charge = this.multiCredit ? Math.ceil(outputLength / 65536) : 1;
      for (let first = true; ; first = false) {
        const response = await this.send(Command.QUERY_DIRECTORY, buildQueryDirectoryRequest(dir.fileId, '*', outputLength, first ? QueryDirectoryFlag.RESTART_SCANS : 0), charge);
        const status = response.header.status;
        if (status === NtStatus.NO_MORE_FILES) break;
        if (status !== NtStatus.SUCCESS) throw this.statusError(status, 'QUERY_DIRECTORY', file);
        for (const entry of parseDirectoryEntries(response.message)) {
          if (entry.name !== '.' && entry.name !== '..') entries.push(entry);
        }
      }
    } catch (error) {
      throw this.errors.wrap(error, 'QUERY_DIRECTORY', file);
    } finally {
      await this.closeFile(dir.fileId, file).catch(() => undefined);
    }
    return entries;
  }

  protected async signOff(): Promise<void> {
    if (this.treeId) await this.send(Command.TREE_DISCONNECT, buildEmptyRequest());
    await this.send(Command.LOGOFF, buildEmptyRequest());
  }

  // ---- connection setup ------------------------------------------------------------------------

  private get multiCredit(): boolean {
    return this.negotiated.dialect >= Dialect.SMB210 && (this.negotiated.capabilities & Capability.LARGE_MTU) !== 0;
  }

  /** Agrees on a dialect; an SMB1-only server becomes SHARE_SMB1_ONLY right here, within one round trip. */
  private async negotiate(mode: 'multi-protocol' | 'smb2'): Promise<PreauthHash | null> {
    const outcome = await negotiateDialect(this.conn, mode, this.options, this.target);
    if (outcome.kind === 'smb1') {
      throw new AgentError('SHARE_SMB1_ONLY', { host: this.options.host, share: this.target.share }, 'the server chose NT LM 0.12 from [NT LM 0.12, SMB 2.002, SMB 2.???]');
    }
    this.negotiated = outcome.negotiated;
    return outcome.preauth;
  }

  private async sessionSetup(connectionPreauth: PreauthHash | null): Promise<void> {
    const preauth = connectionPreauth?.clone() ?? null;
    const anonymous = !this.options.username;
    const serverRequiresSigning = (this.negotiated.securityMode & SecurityMode.SIGNING_REQUIRED) !== 0;
    const requireSigning = serverRequiresSigning || !!this.options.requireSigning;
    this.crypto = { sessionId: 0n, signer: null, signAll: false, encrypt: false, cipher: 0, encryptionKey: Buffer.alloc(0), decryptionKey: Buffer.alloc(0) };
    this.conn.session = this.crypto;

    const { final, sessionKey } = await ntlmLogon({
      setup: async (token) => {
        const response = await this.conn.request({
          command: Command.SESSION_SETUP,
          body: buildSessionSetupRequest(token, requireSigning),
          onSent: (m) => preauth?.update(m),
          skipVerify: true,
        });
        this.crypto.sessionId = response.header.sessionId;
        return response;
      },
      status: (response) => response.header.status,
      securityBlob: (response) => parseSessionSetupResponse(response.message).securityBlob,
      onChallenge: (response) => preauth?.update(response.message),
      refused: (status) => this.sessionError(status),
      operation: 'SESSION_SETUP',
      account: { ...this.options, password: this.password },
      errors: this.errors,
    });
    const flags = parseSessionSetupResponse(final.message).sessionFlags;
    this.guest = anonymous || (flags & (SessionFlag.IS_GUEST | SessionFlag.IS_NULL)) !== 0;
    if (this.guest || !sessionKey) {
      if (serverRequiresSigning) throw this.errors.guestCannotSign();
      return;
    }

    const dialect = this.negotiated.dialect;
    const cipher = this.agreedCipher();
    const keys = deriveSessionKeys(dialect, sessionKey, {
      preauthHash: preauth?.current,
      cipher,
      signingAlgorithm: this.negotiated.signingAlgorithm ?? SigningAlgorithm.AES_CMAC,
    });
    // The final response is signed with the new keys; 3.1.1 must sign it (pre-auth integrity).
    const signed = (final.header.flags & HeaderFlag.SIGNED) !== 0;
    if (signed && !final.encrypted && !verifySignature(keys.signer, final.message)) {
      throw this.errors.protocol('bad signature', 'the final SESSION_SETUP response signature does not match: wrong keys or tampering');
    }
    if (!signed && dialect === Dialect.SMB311) throw this.errors.protocol('unsigned session', 'the final SMB 3.1.1 SESSION_SETUP response was not signed');
    Object.assign(this.crypto, {
      signer: keys.signer,
      signAll: requireSigning,
      encryptionKey: keys.encryptionKey,
      decryptionKey: keys.decryptionKey,
      cipher,
    });
    if (flags & SessionFlag.ENCRYPT_DATA) this.requireEncryption('the server requires an encrypted session');
  }

  private async treeConnect(): Promise<void> {
    const response = await this.send(Command.TREE_CONNECT, buildTreeConnectRequest(`\\\\${this.options.host}\\${this.options.share}`), 1, {
      // 3.1.1: sign TREE_CONNECT so the server can confirm the pre-auth integrity result.
      sign: this.negotiated.dialect === Dialect.SMB311,
    });
    if (response.header.status !== NtStatus.SUCCESS) throw this.statusError(response.header.status, 'TREE_CONNECT', undefined, this.couldNotEncrypt());
    const tree = parseTreeConnectResponse(response.message);
    this.treeId = response.header.treeId;
    if (tree.shareType !== ShareType.DISK) throw this.errors.protocol('not a disk share', `share type ${tree.shareType}`);
    if (tree.shareFlags & ShareFlag.ENCRYPT_DATA) this.requireEncryption('the share requires encryption');
  }

  private agreedCipher(): CipherId | 0 {
    if (this.negotiated.dialect === Dialect.SMB311) return this.negotiated.cipher;
    if (this.negotiated.dialect >= Dialect.SMB300 && this.negotiated.capabilities & Capability.ENCRYPTION) return Cipher.AES_128_CCM;
    return 0;
  }

  private requireEncryption(why: string): void {
    if (this.crypto.cipher === 0) {
      throw new AgentError('SHARE_ENCRYPTION_REQUIRED', { host: this.options.host, share: this.target.share }, `${why}, but no cipher was agreed (dialect ${DIALECT_NAMES[this.negotiated.dialect]})`);
    }
    this.crypto.encrypt = true;
  }

  private sendChain(parts: Array<{ command: number; body: Buffer; creditCharge?: number }>): Promise<Smb2Response[]> {
    return this.conn.requestChain(parts.map((p) => ({ ...p, treeId: this.treeId, noCreditCharge: !this.multiCredit })));
  }

  private send(command: number, body: Buffer, creditCharge = 1, extra: { sign?: boolean } = {}): Promise<Smb2Response> {
    return this.conn.request({
      command,
      body,
      treeId: this.treeId,
      creditCharge,
      noCreditCharge: !this.multiCredit,
      sign: extra.sign,
    });
  }

  // ---- errors ----------------------------------------------------------------------------------

  private sessionError(status: number): AgentError {
    return this.errors.guestRefused(status, 'SESSION_SETUP') ?? this.statusError(status, 'SESSION_SETUP', undefined, this.couldNotEncrypt());
  }

  /**
   * Servers that require encryption refuse a session that cannot encrypt with ACCESS_DENIED. That is
   * the likely cause when no cipher was agreed although the server speaks SMB3, or when we ourselves
   * offered no SMB3 dialect; a server limited to SMB 2.x cannot require encryption at all.
   */
  private couldNotEncrypt(): boolean {
    if (this.agreedCipher() !== 0) return false;
    const offered = this.options.dialects ?? ALL_DIALECTS;
    return this.negotiated.dialect >= Dialect.SMB300 || !offered.some((d) => d >= Dialect.SMB300);
  }

  private statusError(status: number, operation: string, file?: string, unencrypted = false): AgentError {
    const error = this.errors.status(status, operation, file, unencrypted);
    // The server dropped our session or tree (expiry, admin action): retire this connection so the
    // next call logs on again instead of failing the same way.
    if (error.code === 'SHARE_CONNECTION_CLOSED') this.conn.close();
    return error;
  }
}

/** FileId meaning "the one the previous request of this compound opened". */
const RELATED_FILE_ID = Buffer.alloc(16, 0xff);

/** 'a/b/c.dll' → 'a\\b\\c.dll' (SMB2 paths are relative to the share, backslash-separated). */
export function toSmbPath(path: string): string {
  return path.replace(/^[\\/]+/, '').replace(/[\\/]+$/, '').replace(/\//g, '\\');
}
