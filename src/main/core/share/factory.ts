import type { AppConfig } from '../config/schema';
import type { SecretResolver } from '../config/secrets';
import type { Logger } from '../logger';
import { NativeShareClient } from './native-share';
import type { ShareClient } from './share-client';
import { AutoShareClient } from './auto-share';

/** Opens the share client an app's config asks for. The engine sees only the ShareClient port. */
export interface ShareFactory {
  open(app: AppConfig, pathOverride?: string): Promise<ShareClient>;
}

export function createShareFactory(secrets: SecretResolver, logger: Logger): ShareFactory {
  return {
    async open(app, pathOverride) {
      const path = pathOverride ?? app.share.path;
      const timeoutMs = app.share.timeoutSeconds * 1000;
      switch (app.share.transport) {
        case 'native':
          return new NativeShareClient({ path, timeoutMs });
        case 'smb2': {
          const password = app.share.password ? await secrets.resolve(app.share.password) : undefined;
          // SMB2/3, or the read-only SMB1 client for an SMB1-only server when allowSmb1 permits.
          return new AutoShareClient({
            path,
            timeoutMs,
            allowSmb1: app.share.allowSmb1,
            logger,
            ...(app.share.port !== undefined ? { port: app.share.port } : {}),
            ...(app.share.username !== undefined ? { username: app.share.username } : {}),
            ...(app.share.domain !== undefined ? { domain: app.share.domain } : {}),
            ...(password !== undefined ? { password } : {}),
          });
        }
      }
    },
  };
}
