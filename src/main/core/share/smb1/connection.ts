import { AgentError } from '../../errors/agent-error';
import { timeoutParams, type ErrorTarget } from '../smb-common/connection-errors';
import { FramedSocket } from '../smb-common/framed-socket';
import { SmbConnectionBase } from '../smb-common/smb-connection-base';
import { SMB1_MAGIC } from '../smb2/constants';
import { Flags, Flags2, OPLOCK_BREAK_MID } from './constants';
import { encodeRequest, parseMessage, type Smb1Message, type Smb1Request } from './message';
import { signMessage, SigningState, verifyMessage } from './signing';

export interface SendOptions {
  /** Tree id for this request (0 before TREE_CONNECT). */
  tid?: number;
  /**
   * For requests answered in several messages (TRANS2 replies larger than the negotiated buffer):
   * called with the parts so far, true when the reply is complete. Default: the first message.
   */
  complete?: (parts: Smb1Message[]) => boolean;
  /** Leave the signature of the response unchecked (the final SESSION_SETUP, checked by the caller). */
  skipVerify?: boolean;
}

interface Pending {
  mid: number;
  command: number;
  parts: Smb1Message[];
  complete: (parts: Smb1Message[]) => boolean;
  resolve: (parts: Smb1Message[]) => void;
  reject: (error: Error) => void;
  /** Sequence number the response is signed with; null when signing is off. */
  responseSequence: number | null;
  sentAt: number;
}

export interface Smb1ConnectionStats {
  requests: number;
  bytesReceived: number;
  /** Replies that came in more than one message. */
  multiPartReplies: number;
}

/** However busy the link, no request stays unanswered longer than this many timeouts. */
const MAX_REQUEST_TIMEOUTS = 10;

const DEFAULT_FLAGS2 = Flags2.LONG_NAMES | Flags2.EAS | Flags2.IS_LONG_NAME | Flags2.EXTENDED_SECURITY | Flags2.NT_STATUS | Flags2.UNICODE;

/**
 * One TCP connection to an SMB1 server: transport framing, MIDs, the server's limit on outstanding
 * requests (MaxMpxCount), signing of requests and checking of responses, reassembly of multi-message
 * replies, and a timeout (no byte from the server for timeoutMs while requests are outstanding). A
 * failure of the connection itself (timeout, close, bad signature, garbage) fails every pending
 * request with an AgentError and closes the socket.
 */
export class Smb1Connection extends SmbConnectionBase {
  readonly stats: Smb1ConnectionStats = { requests: 0, bytesReceived: 0, multiPartReplies: 0 };
  uid = 0;
  /** Requests the server lets us keep outstanding; 1 until NEGOTIATE says more. */
  maxMpx = 1;
  private signing: SigningState | null = null;
  private signRequests = false;
  private readonly pending = new Map<number, Pending>();
  private readonly slotWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  /** Slots handed out whose request is not yet in `pending` (between takeSlot and write). */
  private reservedSlots = 0;
  private nextMid = 1;
  private readonly pid = process.pid & 0xffff;
  private watchdog: NodeJS.Timeout | null = null;
  /** When bytes last arrived (or the first outstanding request was sent). */
  private lastProgress = 0;

  /** Opens the TCP connection; refused → SHARE_UNREACHABLE, no answer in timeoutMs → SHARE_TIMEOUT. */
  static connect(host: string, port: number, target: ErrorTarget, timeoutMs: number): Promise<Smb1Connection> {
    return FramedSocket.connect(host, port, target, timeoutMs, (link) => new Smb1Connection(link, target, timeoutMs));
  }

  get signingActive(): boolean {
    return this.signing !== null;
  }

  /**
   * Starts signing after the logon: the final SESSION_SETUP response must verify with sequence 1
   * (returns false otherwise); requests from now on are signed from sequence 2.
   */
  activateSigning(macKey: Buffer, finalSessionSetup: Smb1Message): boolean {
    if (!verifyMessage(macKey, finalSessionSetup.raw, 1)) return false;
    this.signing = new SigningState(macKey);
    this.signRequests = true;
    return true;
  }

  /** Sends one request and resolves with its (first, or only) response, whatever its status. */
  async request(request: Smb1Request, options: SendOptions = {}): Promise<Smb1Message> {
    const parts = await this.requestParts(request, options);
    return parts[parts.length - 1]!;
  }

  /** Sends one request and resolves with every message of its reply. */
  async requestParts(request: Smb1Request, options: SendOptions = {}): Promise<Smb1Message[]> {
    await this.takeSlot();
    if (this.failure) {
      this.releaseSlot();
      throw this.failure;
    }
    const mid = this.allocateMid();
    const flags2 = DEFAULT_FLAGS2 | (this.signRequests ? Flags2.SECURITY_SIGNATURE : 0);
    let message: Buffer;
    try {
      message = encodeRequest(request, { mid, uid: this.uid, tid: options.tid ?? 0, pid: this.pid, flags2 });
    } catch (error) {
      this.releaseSlot();
      throw error;
    }
    let responseSequence: number | null = null;
    if (this.signing) {
      const sequence = this.signing.take();
      signMessage(this.signing.macKey, message, sequence);
      if (!options.skipVerify) responseSequence = sequence + 1;
    }
    const reply = new Promise<Smb1Message[]>((resolve, reject) => {
      this.pending.set(mid, {
        mid,
        command: request.command,
        parts: [],
        complete: options.complete ?? (() => true),
        resolve,
        reject,
        responseSequence,
        sentAt: Date.now(),
      });
    });
    if (this.pending.size === 1) this.lastProgress = Date.now(); // the clock starts with the first request outstanding
    this.startWatchdog();
    this.reservedSlots--; // the slot is now held by the pending entry
    this.stats.requests++;
    this.link.write(message);
    return reply;
  }

  private allocateMid(): number {
    for (;;) {
      const mid = this.nextMid;
      this.nextMid = this.nextMid >= 0xfffe ? 1 : this.nextMid + 1;
      if (mid !== OPLOCK_BREAK_MID && !this.pending.has(mid)) return mid;
    }
  }

  /** The server processes at most MaxMpxCount requests of ours at a time: queue the rest (FIFO). */
  private takeSlot(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.size + this.reservedSlots < this.maxMpx && this.slotWaiters.length === 0) {
      this.reservedSlots++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) =>
      this.slotWaiters.push({
        resolve: () => {
          this.reservedSlots++;
          resolve();
        },
        reject,
      }),
    );
  }

  private releaseSlot(): void {
    this.reservedSlots--;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    while (this.slotWaiters.length && this.pending.size + this.reservedSlots < this.maxMpx) this.slotWaiters.shift()!.resolve();
  }

  /**
   * The request timeout, as a watchdog over the connection: it fails when requests are outstanding and
   * nothing has arrived for timeoutMs. A per-request clock would fire on a slow link while a request
   * waits behind several large READ replies that are all still arriving.
   */
  private startWatchdog(): void {
    if (this.watchdog) return;
    const tick = Math.max(20, Math.floor(this.timeoutMs / 10));
    this.watchdog = setInterval(() => {
      if (this.pending.size === 0) {
        clearInterval(this.watchdog!);
        this.watchdog = null;
        return;
      }
      const now = Date.now();
      const silentFor = now - this.lastProgress;
      const oldest = this.pending.values().next().value!;
      // A server trickling bytes while one request never completes still ends, at ten timeouts.
      const overdue = now - oldest.sentAt >= this.timeoutMs * MAX_REQUEST_TIMEOUTS;
      if (silentFor < this.timeoutMs && !overdue) return;
      const request = `SMB1 command 0x${oldest.command.toString(16)} (MID ${oldest.mid})`;
      const what = overdue
        ? `${request} unanswered after ${now - oldest.sentAt} ms`
        : `no answer from the server for ${silentFor} ms with ${this.pending.size} request(s) outstanding, the oldest ${request}`;
      this.fail(new AgentError('SHARE_TIMEOUT', timeoutParams(this.target, this.timeoutMs), what));
    }, tick);
    this.watchdog.unref();
  }

  protected onBytes(count: number): void {
    this.stats.bytesReceived += count;
    this.lastProgress = Date.now();
  }

  protected onFrame(frame: Buffer): void {
    if (this.failure) return;
    if (frame.length === 0) return; // NetBIOS keep-alive
    if (frame.length < 4 || frame.readUInt32LE(0) !== SMB1_MAGIC) throw new Error(`not an SMB1 message (signature 0x${frame.length >= 4 ? frame.readUInt32LE(0).toString(16) : '?'})`);
    const message = parseMessage(frame);
    const { header } = message;
    if (!(header.flags & Flags.REPLY)) throw new Error('received a request instead of a response');
    const entry = this.pending.get(header.mid);
    if (!entry) return; // e.g. an oplock break (MID 0xFFFF); we hold no oplocks
    if (this.signing && entry.responseSequence !== null && !verifyMessage(this.signing.macKey, frame, entry.responseSequence)) {
      throw new Error(`bad signature on the response to SMB1 command 0x${header.command.toString(16)}`);
    }
    entry.parts.push(message);
    if (!entry.complete(entry.parts)) return; // more of this reply follows
    if (entry.parts.length > 1) this.stats.multiPartReplies++;
    this.pending.delete(entry.mid);
    this.wakeWaiters();
    entry.resolve(entry.parts);
  }

  protected rejectAll(error: AgentError): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
    for (const waiter of this.slotWaiters.splice(0)) waiter.reject(error);
  }
}
