import { AgentError } from '../../errors/agent-error';
import { ntlmLogon } from '../smb-common/ntlm-logon';
import type { SmbClientOptions } from '../smb-common/options';
import { errorTarget, SmbClientBase } from '../smb-common/smb-client-base';
import { describeNtStatus, isErrorStatus, NtStatus } from '../smb2/ntstatus';
import { ACTION_GUEST, Capability, SecurityMode } from './constants';
import { Smb1Connection } from './connection';
import { buildCloseRequest, buildNtCreateRequest, buildReadRequest, parseNtCreateResponse, readResponseData, type OpenFile, type OpenKind } from './file-messages';
import type { Smb1Message, Smb1Request } from './message';
import {
  buildLogoffRequest,
  buildNegotiateRequest,
  buildSessionSetupRequest,
  buildTreeConnectRequest,
  buildTreeDisconnectRequest,
  CLIENT_MAX_BUFFER,
  parseNegotiateResponse,
  parseSessionSetupResponse,
  parseTreeConnectService,
  type NegotiateResponse,
} from './session-messages';
import { responseStatus } from './status';
import {
  assembleTrans2,
  buildFindCloseRequest,
  buildFindFirstRequest,
  buildFindNextRequest,
  buildQueryPathInfoRequest,
  parseFindReply,
  parseQueryPathInfoReply,
  trans2Complete,
  type DirectoryEntry,
  type PathInfo,
  type Trans2Reply,
} from './trans2';

export interface Smb1ClientOptions extends SmbClientOptions {
  /** MaxBufferSize we announce (default 65535); tests use Windows XP's 16644 to get multi-message replies. */
  maxBufferSize?: number;
}

/** What was agreed with the server: shown in the IT window and asserted by tests. */
export interface Smb1SessionInfo {
  dialect: 'NT1';
  signing: boolean;
  guest: boolean;
  /** The server offered CAP_LARGE_READX (reads beyond its buffer size). */
  largeReads: boolean;
  /** Largest READ_ANDX this client issues on this session. */
  maxReadSize: number;
  /** Requests the server lets us keep outstanding. */
  maxMpx: number;
  serverMaxBuffer: number;
}

/** Read size without CAP_LARGE_READX: what fits our 64 KiB buffer, as Windows clients read. */
const SMALL_READ = 60 * 1024;
/** Samba answers at most 0x1FFFF bytes per message on a signed session; keep a round 127 KiB. */
const SIGNED_LARGE_READ = 127 * 1024;
/** A READ_ANDX reply must fit the 24-bit transport length with its headers. */
const LARGEST_READ = 0xffffff - 1024;
/** Outstanding requests we use even when a server allows more. */
const MPX_CAP = 64;

/**
 * A read-only SMB1 (NT LM 0.12) client for one share: negotiates NT LM 0.12 with extended security,
 * logs on with NTLMv2 inside SPNEGO (or anonymously), connects the tree, then opens, reads, lists
 * and stats with read access only. Requests from any number of callers share the one connection,
 * up to the server's MaxMpxCount at a time.
 */
export class Smb1Client extends SmbClientBase<Smb1Connection, Smb1ClientOptions> {
  private tid = 0;
  private negotiated!: NegotiateResponse;
  private guest = false;
  /** Current read size; lowered when the server answers large reads short or refuses them. */
  private readCap = SMALL_READ;

  static async connect(options: Smb1ClientOptions): Promise<Smb1Client> {
    const target = errorTarget(options);
    const conn = await Smb1Connection.connect(options.host, options.port ?? 445, target, options.timeoutMs);
    const client = new Smb1Client(conn, options, target);
    try {
      await client.negotiate();
      await client.sessionSetup();
      await client.treeConnect();
      return client;
    } catch (error) {
      conn.close();
      throw client.errors.wrap(error, 'connect');
    }
  }

  get info(): Smb1SessionInfo {
    return {
      dialect: 'NT1',
      signing: this.conn.signingActive,
      guest: this.guest,
      largeReads: this.largeReads,
      maxReadSize: this.readCap,
      maxMpx: this.conn.maxMpx,
      serverMaxBuffer: this.negotiated.maxBufferSize,
    };
  }

  /** Largest single READ_ANDX worth issuing for a caller that would like `preferred` bytes. */
  maxReadChunk(preferred: number): number {
    return Math.max(4096, Math.min(preferred, this.readCap));
  }

  // ---- file operations -------------------------------------------------------------------------

  /** Opens a file or folder (path '/'-separated, relative to the share root) for reading. */
  async open(path: string, kind: OpenKind, file = path): Promise<OpenFile> {
    try {
      const response = await this.send(buildNtCreateRequest(toSmb1Path(path), kind));
      const status = responseStatus(response);
      if (status !== NtStatus.SUCCESS) throw this.errors.status(status, 'NT_CREATE_ANDX', file);
      return parseNtCreateResponse(response);
    } catch (error) {
      throw this.errors.wrap(error, 'NT_CREATE_ANDX', file);
    }
  }

  /**
   * Bytes at [offset, offset+length) as a view into the response; fewer when the server caps its
   * reads or at the end of the file, empty past it.
   */
  async read(fid: number, offset: number, length: number, file = ''): Promise<Buffer> {
    try {
      const response = await this.send(buildReadRequest(fid, offset, length));
      const status = responseStatus(response);
      if (status === NtStatus.END_OF_FILE) return Buffer.alloc(0);
      const smaller = this.smallerRead(length);
      if ((status === NtStatus.INVALID_PARAMETER || status === NtStatus.NOT_SUPPORTED) && smaller !== null) {
        // A server that refuses reads this large after all: step down and go on.
        this.readCap = smaller;
        return this.read(fid, offset, smaller, file);
      }
      if (status !== NtStatus.SUCCESS) throw this.errors.status(status, 'READ_ANDX', file);
      const data = readResponseData(response);
      // A short answer inside the file is the server's own limit (Samba and Windows cap silently).
      if (data.length > 0 && data.length < length && data.length < this.readCap) this.readCap = Math.max(4096, data.length - (data.length % 1024));
      return data;
    } catch (error) {
      throw this.errors.wrap(error, 'READ_ANDX', file);
    }
  }

  /** The next smaller read size to try after a refused read of `length`: 60 KiB, then the server's own buffer. */
  private smallerRead(length: number): number | null {
    for (const size of [SMALL_READ, this.serverBufferRead]) if (size < length) return size;
    return null;
  }

  /** A read whose reply fits the server's MaxBufferSize: always acceptable. */
  private get serverBufferRead(): number {
    return Math.max(4096, (Math.min(this.negotiated.maxBufferSize || SMALL_READ, CLIENT_MAX_BUFFER) - 64) & ~1023);
  }

  async closeFile(fid: number, file = ''): Promise<void> {
    if (this.conn.closed) return;
    try {
      const response = await this.send(buildCloseRequest(fid));
      const status = responseStatus(response);
      // A failed CLOSE loses nothing for a read-only open; report only real errors.
      if (isErrorStatus(status) && status !== NtStatus.FILE_CLOSED && status !== NtStatus.INVALID_HANDLE) throw this.errors.status(status, 'CLOSE', file);
    } catch (error) {
      throw this.errors.wrap(error, 'CLOSE', file);
    }
  }

  /** Size, times and kind of one path, without opening it. */
  async queryPathInfo(path: string, file = path || '.'): Promise<PathInfo> {
    try {
      return parseQueryPathInfoReply(await this.trans2(buildQueryPathInfoRequest(toSmb1Path(path)), 'QUERY_PATH_INFORMATION', file));
    } catch (error) {
      throw this.errors.wrap(error, 'QUERY_PATH_INFORMATION', file);
    }
  }

  /** Every entry of one folder ('.' and '..' left out): FIND_FIRST2, then FIND_NEXT2 until the end of the search. */
  async listDirectory(path: string, file = path || '.'): Promise<DirectoryEntry[]> {
    const entries: DirectoryEntry[] = [];
    let sid: number | null = null;
    try {
      const pattern = `${path ? toSmb1Path(path) : ''}\\*`;
      // Windows answers "no such file" (or "no more files") for a search that matches nothing.
      const reply = await this.trans2(buildFindFirstRequest(pattern), 'FIND_FIRST2', file, [NtStatus.NO_SUCH_FILE, NtStatus.NO_MORE_FILES]);
      if (!reply) return [];
      let page = parseFindReply(reply, true);
      sid = page.sid;
      for (;;) {
        for (const entry of page.entries) if (entry.name !== '.' && entry.name !== '..') entries.push(entry);
        if (page.endOfSearch) {
          sid = null; // closed by the server (CLOSE_AT_EOS)
          break;
        }
        const last = page.entries[page.entries.length - 1];
        if (!last) throw new Error('FIND_NEXT2 returned no entries before the end of the search');
        const next = await this.trans2(buildFindNextRequest(sid!, last.resumeKey, last.name), 'FIND_NEXT2', file, [NtStatus.NO_MORE_FILES]);
        if (!next) break; // the end, said as a status; the handle is closed below
        page = parseFindReply(next, false);
      }
      return entries;
    } catch (error) {
      throw this.errors.wrap(error, 'FIND', file);
    } finally {
      if (sid !== null && !this.conn.closed) await this.send(buildFindCloseRequest(sid)).catch(() => undefined);
    }
  }

  protected async signOff(): Promise<void> {
    if (this.tid) await this.send(buildTreeDisconnectRequest());
    await this.send(buildLogoffRequest());
  }

  // ---- connection setup ------------------------------------------------------------------------

  private get largeReads(): boolean {
    return (this.negotiated.capabilities & Capability.LARGE_READX) !== 0;
  }

  private async negotiate(): Promise<void> {
    const response = await this.conn.request(buildNegotiateRequest());
    const status = responseStatus(response);
    if (status !== NtStatus.SUCCESS) throw this.errors.protocol('NEGOTIATE refused', `NEGOTIATE: ${describeNtStatus(status)}`);
    const negotiated = parseNegotiateResponse(response);
    if (negotiated.dialectIndex !== 0) throw this.errors.protocol('no common SMB dialect', 'the server does not speak NT LM 0.12');
    if (!(negotiated.capabilities & Capability.EXTENDED_SECURITY)) {
      throw this.errors.authUnsupported('the server does not offer extended security (NTLMSSP), only the legacy challenge/response logon');
    }
    this.negotiated = negotiated;
    this.conn.maxMpx = Math.max(1, Math.min(negotiated.maxMpxCount || 1, MPX_CAP));
    // Without CAP_LARGE_READX a reply must fit the buffer we announce (MS-CIFS 2.2.4.42): 60 KiB.
    this.readCap = Math.min(SMALL_READ, Math.max(4096, ((this.options.maxBufferSize ?? CLIENT_MAX_BUFFER) - 64) & ~1023));
  }

  private async sessionSetup(): Promise<void> {
    const anonymous = !this.options.username;
    const serverMode = this.negotiated.securityMode;
    const serverRequiresSigning = (serverMode & SecurityMode.SIGNATURES_REQUIRED) !== 0;
    const sign = serverRequiresSigning || (!!this.options.requireSigning && (serverMode & SecurityMode.SIGNATURES_ENABLED) !== 0);
    if (this.options.requireSigning && !sign) {
      throw this.errors.protocol('signing unavailable', 'signing was required by the configuration but the server does not offer it');
    }
    const { final, sessionKey } = await ntlmLogon({
      setup: async (token) => {
        const response = await this.conn.request(buildSessionSetupRequest(token, this.negotiated.sessionKey, this.conn.maxMpx, this.options.maxBufferSize), { skipVerify: true });
        if (response.header.uid) this.conn.uid = response.header.uid;
        return response;
      },
      status: responseStatus,
      securityBlob: (response) => parseSessionSetupResponse(response).securityBlob,
      refused: (status) => this.sessionError(status),
      operation: 'SESSION_SETUP_ANDX',
      account: { ...this.options, password: this.password },
      errors: this.errors,
    });
    this.guest = anonymous || (parseSessionSetupResponse(final).action & ACTION_GUEST) !== 0;
    if (!sign) return;
    if (this.guest || !sessionKey) throw this.errors.guestCannotSign();
    if (!this.conn.activateSigning(sessionKey, final)) {
      throw this.errors.protocol('bad signature', 'the final SESSION_SETUP_ANDX response signature does not match: wrong keys or tampering');
    }
    if (this.largeReads) this.readCap = SIGNED_LARGE_READ;
  }

  private async treeConnect(): Promise<void> {
    const response = await this.conn.request(buildTreeConnectRequest(`\\\\${this.options.host}\\${this.options.share}`));
    const status = responseStatus(response);
    if (status !== NtStatus.SUCCESS) throw this.errors.status(status, 'TREE_CONNECT_ANDX');
    this.tid = response.header.tid;
    const service = parseTreeConnectService(response);
    if (service && service !== 'A:') throw this.errors.protocol('not a disk share', `service ${service}`);
    if (this.largeReads && !this.conn.signingActive) this.readCap = LARGEST_READ;
  }

  private send(request: Smb1Request): Promise<Smb1Message> {
    return this.conn.request(request, { tid: this.tid });
  }

  private trans2(request: Smb1Request, operation: string, file: string): Promise<Trans2Reply>;
  private trans2(request: Smb1Request, operation: string, file: string, empty: number[]): Promise<Trans2Reply | null>;
  /** A TRANS2 request and its (possibly multi-message) reply; statuses in `empty` resolve to null. */
  private async trans2(request: Smb1Request, operation: string, file: string, empty: number[] = []): Promise<Trans2Reply | null> {
    const parts = await this.conn.requestParts(request, { tid: this.tid, complete: trans2Complete });
    const status = responseStatus(parts[parts.length - 1]!);
    if (empty.includes(status)) return null;
    if (isErrorStatus(status)) throw this.errors.status(status, operation, file);
    return assembleTrans2(parts);
  }

  // ---- errors ----------------------------------------------------------------------------------

  private sessionError(status: number): AgentError {
    return this.errors.guestRefused(status, 'SESSION_SETUP_ANDX') ?? this.errors.status(status, 'SESSION_SETUP_ANDX');
  }
}

/** 'a/b/c.dll' → '\\a\\b\\c.dll'; '' → '\\' (SMB1 paths start at the share root). */
export function toSmb1Path(path: string): string {
  return `\\${path.replace(/^[\\/]+/, '').replace(/[\\/]+$/, '').replace(/\//g, '\\')}`;
}
