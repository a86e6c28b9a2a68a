import net from 'node:net';

/**
 * A TCP link with a bandwidth limit in front of a real server (the hospital WAN, not loopback at
 * 500 MB/s), so a test can act while a transfer is under way. The link itself stays up: when the
 * server behind it is gone, a new connection is closed at once and open ones are cut, the way the
 * client would see a server that went away. Bytes are counted in both directions.
 */
export class SlowLink {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  bytesDown = 0;
  connections = 0;
  /** Cut the next connection once this many bytes went down it (a server dropping a session), then reset. */
  dropNextAfterBytes: number | null = null;
  private hold: { at: number; reached: () => void; gate: Promise<void>; open: () => void } | null = null;

  private constructor(
    public upstreamPort: number,
    public bytesPerSecond: number,
  ) {}

  static async open(upstreamPort: number, bytesPerSecond: number): Promise<SlowLink> {
    const link = new SlowLink(upstreamPort, bytesPerSecond);
    const server = net.createServer((client) => link.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    link.server = server;
    link.port = (server.address() as net.AddressInfo).port;
    return link;
  }

  private accept(client: net.Socket): void {
    this.connections++;
    const dropAfter = this.dropNextAfterBytes;
    this.dropNextAfterBytes = null;
    let sent = 0;
    const upstream = net.connect({ host: '127.0.0.1', port: this.upstreamPort });
    this.sockets.add(client).add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    // Server → client at the configured rate, in 16 KiB slices.
    let queue = Promise.resolve();
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      queue = queue.then(async () => {
        for (let offset = 0; offset < chunk.length; offset += 16384) {
          const slice = chunk.subarray(offset, offset + 16384);
          await new Promise((r) => setTimeout(r, (slice.length / this.bytesPerSecond) * 1000));
          const hold = this.hold;
          if (hold && this.bytesDown + slice.length > hold.at) {
            hold.reached();
            await hold.gate;
          }
          if (client.destroyed) return;
          if (dropAfter !== null && sent + slice.length >= dropAfter) {
            // Cut in the middle of a response, the way a dying server leaves a read pending.
            client.write(slice.subarray(0, Math.max(1, dropAfter - sent)), () => cut());
            return;
          }
          client.write(slice);
          this.bytesDown += slice.length;
          sent += slice.length;
        }
        upstream.resume();
      });
    });
  }

  /**
   * Stops forwarding once `bytes` went down in total and resolves then: the test acts (stops the server)
   * at an exact point of the transfer, not whenever its polling notices. release() lets data flow again.
   */
  holdAt(bytes: number): Promise<void> {
    let reached!: () => void;
    let open!: () => void;
    const atHold = new Promise<void>((resolve) => (reached = resolve));
    const gate = new Promise<void>((resolve) => (open = resolve));
    this.hold = { at: bytes, reached, gate, open };
    return atHold;
  }

  release(): void {
    this.hold?.open();
    this.hold = null;
  }

  /**
   * Cuts every open connection with whatever is queued in the link: what a dying server leaves in
   * flight on a real wire is a few KB, not the megabytes this emulation may have read ahead.
   */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
