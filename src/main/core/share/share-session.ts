import type { AppConfig } from '../config/schema';
import type { ShareFactory } from './factory';
import type { ShareClient } from './share-client';

/**
 * The share connections of one run: opened on first use, reused by the version source and the
 * download, closed together at the end (one SMB session per run, not one per step).
 */
export class ShareSession {
  private readonly clients = new Map<string, Promise<ShareClient>>();

  constructor(private readonly factory: ShareFactory, private readonly app: AppConfig) {}

  get(pathOverride?: string): Promise<ShareClient> {
    const key = pathOverride ?? this.app.share.path;
    let client = this.clients.get(key);
    if (!client) {
      client = this.factory.open(this.app, pathOverride);
      this.clients.set(key, client);
      client.catch(() => this.clients.delete(key));
    }
    return client;
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map(async (c) => (await c.catch(() => null))?.close().catch(() => {})));
  }
}
