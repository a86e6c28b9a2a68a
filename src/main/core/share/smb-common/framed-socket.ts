import net from 'node:net';
import { AgentError } from '../../errors/agent-error';
import { FrameDecoder, frameHeader } from '../smb2/framing';
import { connectionClosedError, connectionProtocolError, timeoutParams, type ErrorTarget } from './connection-errors';

/** How the SMB connection on top hears from its socket. */
export interface FrameListener {
  /** Bytes arrived, before framing (statistics, liveness). */
  onBytes(count: number): void;
  /** One whole SMB message; throwing fails the connection as a protocol error. */
  onFrame(frame: Buffer): void;
  /** The connection broke (socket error or close, undecodable data): fail everything pending. */
  onFailure(error: AgentError): void;
}

/**
 * The TCP side shared by the SMB1 and SMB2 connections: connect with a timeout, received bytes go
 * straight into the frame being assembled (see FrameDecoder), writes of one tick leave together.
 */
export class FramedSocket {
  private listener: FrameListener | null = null;
  private corked = false;

  private constructor(
    private readonly socket: net.Socket,
    private readonly decoder: FrameDecoder,
    private readonly target: ErrorTarget,
  ) {}

  /**
   * Opens the TCP connection; refused → SHARE_UNREACHABLE, no answer in timeoutMs → SHARE_TIMEOUT.
   * `create` builds the SMB connection on the socket, which calls listen() before any byte can arrive.
   */
  static connect<T>(host: string, port: number, target: ErrorTarget, timeoutMs: number, create: (socket: FramedSocket) => T): Promise<T> {
    return new Promise((resolve, reject) => {
      let framed: FramedSocket | null = null;
      // The server speaks only after our first request, so frames never arrive before `framed` exists.
      const decoder = new FrameDecoder((frame) => framed?.listener?.onFrame(frame));
      const socket = net.connect({
        host,
        port,
        onread: {
          buffer: () => decoder.readInto(),
          callback: (bytes: number) => {
            framed?.received(bytes);
            return true;
          },
        },
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new AgentError('SHARE_TIMEOUT', timeoutParams(target, timeoutMs), `TCP connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        framed = new FramedSocket(socket, decoder, target);
        resolve(create(framed));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new AgentError('SHARE_UNREACHABLE', { host: target.host, share: target.share }, error));
      });
    });
  }

  listen(listener: FrameListener): void {
    this.listener = listener;
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, 30_000);
    this.socket.on('error', (error) => listener.onFailure(connectionClosedError(this.target, error)));
    this.socket.on('close', () => listener.onFailure(connectionClosedError(this.target, new Error('the server closed the connection'))));
  }

  /** Frames one message; writes of one tick go out together (one syscall for many concurrent requests). */
  write(message: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frameHeader(message.length));
    this.socket.write(message);
  }

  /** Ends politely, and for good a second later whatever the server does. */
  end(): void {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private received(count: number): void {
    this.listener?.onBytes(count);
    try {
      this.decoder.onRead(count);
    } catch (error) {
      this.listener?.onFailure(connectionProtocolError(this.target, error instanceof Error ? error.message : String(error)));
    }
  }
}
