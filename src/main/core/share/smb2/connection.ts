import { AgentError } from '../../errors/agent-error';
import { connectionProtocolError, timeoutParams, type ErrorTarget } from '../smb-common/connection-errors';
import { FramedSocket } from '../smb-common/framed-socket';
import { SmbConnectionBase } from '../smb-common/smb-connection-base';
import { HEADER_SIZE, HeaderFlag, SMB1_MAGIC, SMB2_MAGIC, SMB2_TRANSFORM_MAGIC, type CipherId } from './constants';
import { decryptMessage, encryptMessage, NonceSource, parseTransformHeader } from './encryption';
import { parseHeader, splitCompound, writeRequestHeader, type Smb2Header } from './header';
import { NtStatus } from './ntstatus';
import { signMessage, verifySignature, type Signer } from './signing';

/** Signing/encryption state of the (single) session on a connection. */
export interface SessionCrypto {
  sessionId: bigint;
  signer: Signer | null;
  /** Sign every request (server or client requires signing). */
  signAll: boolean;
  /** Encrypt every request (session or share requires it). */
  encrypt: boolean;
  cipher: CipherId | 0;
  encryptionKey: Buffer;
  decryptionKey: Buffer;
}

export interface Smb2Response {
  header: Smb2Header;
  /** The whole SMB2 message, header included (body offsets count from its start). */
  message: Buffer;
  /** It arrived inside a TRANSFORM_HEADER. */
  encrypted: boolean;
}

export interface RequestOptions {
  command: number;
  body: Buffer;
  treeId?: number;
  /** Credits this request costs (multi-credit READ); 1 otherwise. */
  creditCharge?: number;
  /** Sign this request even when the session does not sign everything (3.1.1 TREE_CONNECT). */
  sign?: boolean;
  /** Skip the session's signature check on the response (the final SESSION_SETUP, checked by the caller). */
  skipVerify?: boolean;
  /** Called with the plain request as sent, before encryption (pre-auth integrity). */
  onSent?: (message: Buffer) => void;
  /** Leave CreditCharge zero (SMB 2.0.2 has no multi-credit support). */
  noCreditCharge?: boolean;
}

/** Pseudo command of the SMB1 multi-protocol NEGOTIATE (SMB_COM_NEGOTIATE). */
const SMB1_NEGOTIATE = 0x72;

interface Pending {
  messageId: bigint;
  command: number;
  resolve: (response: Smb2Response | Buffer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  skipVerify: boolean;
  encrypted: boolean;
}

export interface ConnectionStats {
  requests: number;
  /** STATUS_PENDING interim responses seen (each followed later by the final response). */
  interimResponses: number;
  bytesReceived: number;
}

/**
 * One TCP connection to an SMB server: framing, message ids, credits, signing and encryption of
 * requests, matching of responses (waiting past STATUS_PENDING interim ones), and a timeout on each
 * request. Any failure of the connection itself (timeout, close, bad signature) fails every pending
 * request with an AgentError and closes the socket: nothing is left waiting.
 */
export class Smb2Connection extends SmbConnectionBase {
  readonly stats: ConnectionStats = { requests: 0, interimResponses: 0, bytesReceived: 0 };
  session: SessionCrypto | null = null;
  /** Largest credit balance seen: how large a multi-credit request can be without waiting forever. */
  creditHighWater = 1;

  private readonly pending = new Map<bigint, Pending>();
  private readonly creditWaiters: Array<{ charge: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly nonces = new NonceSource();
  private credits = 1;
  private nextMessageId = 0n;
  /** Requests that hold credits and have no final response yet. */
  private awaitingResponses = 0;

  /** Opens the TCP connection; refused → SHARE_UNREACHABLE, no answer in timeoutMs → SHARE_TIMEOUT. */
  static connect(host: string, port: number, target: ErrorTarget, timeoutMs: number): Promise<Smb2Connection> {
    return FramedSocket.connect(host, port, target, timeoutMs, (link) => new Smb2Connection(link, target, timeoutMs));
  }

  /**
   * Sends the SMB1 multi-protocol NEGOTIATE as message 0 and returns the raw answer: an SMB1 message
   * (SMB1-only server) or an SMB2 NEGOTIATE response.
   */
  async negotiateSmb1(message: Buffer): Promise<Buffer> {
    await this.takeCredits(1, 1);
    const messageId = this.nextMessageId++;
    const answer = this.register(messageId, SMB1_NEGOTIATE, false, false);
    this.link.write(message);
    return answer as Promise<Buffer>;
  }

  /** Sends one request and resolves with its final response (any status: callers interpret it). */
  async request(options: RequestOptions): Promise<Smb2Response> {
    const [response] = await this.requestChain([options]);
    return response!;
  }

  /**
   * Sends requests as one related compound (MS-SMB2 3.2.4.1.4): later ones act on the FileId the
   * first one creates (pass the all-ones FileId). One frame out, and usually one back: a small file
   * is CREATE + READ + CLOSE in a single round trip. Each response resolves on its own.
   */
  async requestChain(parts: RequestOptions[]): Promise<Smb2Response[]> {
    if (this.failure) throw this.failure;
    const charges = parts.map((p) => Math.max(1, p.creditCharge ?? 1));
    const total = charges.reduce((a, b) => a + b, 0);
    await this.takeCredits(total, parts.length);
    if (this.failure) throw this.failure;

    const session = this.session;
    const encrypt = !!session?.encrypt && session.cipher !== 0;
    const sizes = parts.map((p, i) => {
      const size = HEADER_SIZE + p.body.length;
      return i < parts.length - 1 ? (size + 7) & ~7 : size; // compounded messages start 8-byte aligned
    });
    const chain = Buffer.alloc(sizes.reduce((a, b) => a + b, 0));
    const responses: Array<Promise<Smb2Response>> = [];
    let offset = 0;
    parts.forEach((part, i) => {
      const messageId = this.nextMessageId;
      this.nextMessageId += BigInt(charges[i]!);
      const message = chain.subarray(offset, offset + sizes[i]!);
      writeRequestHeader(message, 0, {
        command: part.command,
        creditCharge: part.noCreditCharge ? 0 : charges[i]!,
        // Ask for enough to keep many large reads in flight; the server caps what it grants.
        creditRequest: Math.max(charges[i]!, 256),
        flags: i > 0 ? HeaderFlag.RELATED_OPERATIONS : 0,
        messageId,
        treeId: part.treeId ?? 0,
        sessionId: session?.sessionId ?? 0n,
      });
      if (i < parts.length - 1) message.writeUInt32LE(sizes[i]!, 20); // NextCommand
      part.body.copy(message, HEADER_SIZE);
      // Each message of a chain is signed on its own, padding included.
      if (!encrypt && session?.signer && (session.signAll || part.sign)) signMessage(session.signer, message);
      part.onSent?.(message);
      this.stats.requests++;
      responses.push(this.register(messageId, part.command, !!part.skipVerify, encrypt) as Promise<Smb2Response>);
      offset += sizes[i]!;
    });
    const wire = encrypt
      ? encryptMessage(chain, { cipher: session!.cipher as CipherId, key: session!.encryptionKey, sessionId: session!.sessionId, nonce: this.nonces.next(session!.cipher as CipherId) })
      : chain;
    this.link.write(wire);
    return Promise.all(responses);
  }

  private register(messageId: bigint, command: number, skipVerify: boolean, encrypted: boolean): Promise<Smb2Response | Buffer> {
    return new Promise((resolve, reject) => {
      const timer = this.armTimer(messageId, command);
      this.pending.set(messageId, { messageId, command, resolve, reject, timer, skipVerify, encrypted });
    });
  }

  private armTimer(messageId: bigint, command: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.fail(new AgentError('SHARE_TIMEOUT', timeoutParams(this.target, this.timeoutMs), `no answer to SMB2 command 0x${command.toString(16)} (message ${messageId}) within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    timer.unref();
    return timer;
  }

  /**
   * Reserves `charge` credits for `messages` requests about to be sent (FIFO: a large request is not
   * starved by small ones). Counted as awaiting a response from this moment, before they are written.
   */
  private takeCredits(charge: number, messages: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.creditWaiters.length === 0 && this.credits >= charge) {
      this.credits -= charge;
      this.awaitingResponses += messages;
      return Promise.resolve();
    }
    const waiting = new Promise<void>((resolve, reject) =>
      this.creditWaiters.push({
        charge,
        resolve: () => {
          this.awaitingResponses += messages;
          resolve();
        },
        reject,
      }),
    );
    this.checkCreditDeadlock();
    return waiting;
  }

  /** Credits only come with responses: waiting with no response to come would wait forever. */
  private checkCreditDeadlock(): void {
    if (this.creditWaiters.length && this.awaitingResponses === 0) {
      this.fail(connectionProtocolError(this.target, `the server granted only ${this.credits} credits, ${this.creditWaiters[0]!.charge} needed`));
    }
  }

  private grantCredits(count: number): void {
    this.credits += count;
    if (this.credits > this.creditHighWater) this.creditHighWater = this.credits;
    while (this.creditWaiters.length && this.credits >= this.creditWaiters[0]!.charge) {
      const waiter = this.creditWaiters.shift()!;
      this.credits -= waiter.charge;
      waiter.resolve();
    }
  }

  protected onBytes(count: number): void {
    this.stats.bytesReceived += count;
  }

  protected onFrame(frame: Buffer): void {
    if (this.failure || frame.length < 4) return;
    const magic = frame.readUInt32LE(0);
    if (magic === SMB2_TRANSFORM_MAGIC) {
      const session = this.session;
      const header = parseTransformHeader(frame);
      if (!session || session.cipher === 0 || header.sessionId !== session.sessionId) throw new Error('encrypted message for an unknown session');
      let plain: Buffer;
      try {
        plain = decryptMessage(frame, session.cipher as CipherId, session.decryptionKey);
      } catch (error) {
        throw new Error(`cannot decrypt a server message: ${(error as Error).message}`);
      }
      for (const message of splitCompound(plain)) this.onMessage(message, true);
    } else if (magic === SMB2_MAGIC) {
      for (const message of splitCompound(frame)) this.onMessage(message, false);
    } else if (magic === SMB1_MAGIC) {
      const entry = this.pending.get(0n);
      if (!entry || entry.command !== SMB1_NEGOTIATE) throw new Error('unexpected SMB1 message');
      this.settle(entry);
      entry.resolve(frame);
    } else {
      throw new Error(`unknown message signature 0x${magic.toString(16)}`);
    }
  }

  private onMessage(message: Buffer, encrypted: boolean): void {
    const header = parseHeader(message);
    if (!(header.flags & HeaderFlag.SERVER_TO_REDIR)) throw new Error('received a request instead of a response');
    this.grantCredits(header.credits);
    const entry = this.pending.get(header.messageId);
    if (!entry) return; // e.g. an oplock break notification (message id 0xFFFF…); we hold no oplocks
    if (header.status === NtStatus.PENDING && header.flags & HeaderFlag.ASYNC_COMMAND) {
      // Interim response: the real one follows with the same message id. The server is alive: restart the clock.
      this.stats.interimResponses++;
      clearTimeout(entry.timer);
      entry.timer = this.armTimer(entry.messageId, entry.command);
      return;
    }
    const session = this.session;
    if (!encrypted && entry.encrypted) throw new Error('the server answered an encrypted request in plain text');
    if (!encrypted && session?.signer && !entry.skipVerify && header.sessionId === session.sessionId) {
      if (header.flags & HeaderFlag.SIGNED) {
        if (!verifySignature(session.signer, message)) throw new Error(`bad signature on the response to command 0x${header.command.toString(16)}`);
      } else if (session.signAll && header.status === NtStatus.SUCCESS) {
        throw new Error(`unsigned response to command 0x${header.command.toString(16)} on a signed session`);
      }
    }
    this.settle(entry);
    // The multi-protocol NEGOTIATE (message 0) is answered by an SMB2 NEGOTIATE response: hand back the raw message.
    entry.resolve(entry.command === SMB1_NEGOTIATE ? message : { header, message, encrypted });
  }

  private settle(entry: Pending): void {
    clearTimeout(entry.timer);
    this.pending.delete(entry.messageId);
    this.awaitingResponses--;
    this.checkCreditDeadlock();
  }

  protected rejectAll(error: AgentError): void {
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.pending.clear();
    for (const waiter of this.creditWaiters.splice(0)) waiter.reject(error);
  }
}
