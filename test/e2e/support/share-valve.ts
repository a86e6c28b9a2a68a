import { pipeline, Readable, Transform } from 'node:stream';
import type { ShareFactory } from '../../../src/main/core/share/factory';
import type { ShareClient } from '../../../src/main/core/share/share-client';

const SLICE = 64 * 1024;

/**
 * A slow, pausable link in front of the real share: the engine, the share client and the files are
 * all real; only the wire is slower (a hospital WAN, not a loopback disk at 250 MB/s), so a person,
 * a screenshot or a test can see a state before it is over. `pause()` holds every share request
 * (the run stays in the state it is in), `resume()` lets it go on.
 */
export class ShareValve {
  private held: { promise: Promise<void>; release: () => void } | null = null;

  constructor(public bytesPerSecond: number | null = null) {}

  pause(): void {
    if (this.held) return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.held = { promise, release };
  }

  resume(): void {
    const held = this.held;
    this.held = null;
    held?.release();
  }

  get paused(): boolean {
    return this.held !== null;
  }

  async pass(): Promise<void> {
    while (this.held) await this.held.promise;
  }

  /** Wraps the production factory: every client it opens goes through this valve. */
  wrap(inner: ShareFactory): ShareFactory {
    return { open: async (app, pathOverride) => this.wrapClient(await inner.open(app, pathOverride)) };
  }

  private wrapClient(client: ShareClient): ShareClient {
    const valve = this;
    return {
      location: client.location,
      transport: client.transport,
      stat: async (p) => (await valve.pass(), client.stat(p)),
      readFile: async (p, max) => (await valve.pass(), client.readFile(p, max)),
      list: async (p) => (await valve.pass(), client.list(p)),
      close: () => client.close(),
      async createReadStream(p, options) {
        await valve.pass();
        const source = await client.createReadStream(p, options);
        const slow = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            void (async () => {
              for (let offset = 0; offset < chunk.length; offset += SLICE) {
                await valve.pass();
                const slice = chunk.subarray(offset, offset + SLICE);
                if (valve.bytesPerSecond) await new Promise((r) => setTimeout(r, (slice.length / valve.bytesPerSecond!) * 1000));
                this.push(slice);
              }
            })().then(() => done(), done);
          },
        });
        return pipeline(source, slow, () => {}) as unknown as Readable;
      },
    };
  }
}
