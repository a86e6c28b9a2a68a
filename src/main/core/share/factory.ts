import type { AppConfig } from '../config/schema';
import type { SecretResolver } from '../config/secrets';
import type { Logger } from '../logger';
import { NativeShareClient } from './native-share';
import type { ShareClient } from './share-client';

/** Opens the share client an app's config asks for. The engine sees only the ShareClient port. */
export interface ShareFactory {
  open(app: AppConfig, pathOverride?: string): Promise<ShareClient>;
}

export function createShareFactory(_secrets: SecretResolver, _logger: Logger): ShareFactory {
  return {
    async open(app, pathOverride) {
      const target = { path: pathOverride ?? app.share.path, timeoutMs: app.share.timeoutSeconds * 1000 };
      switch (app.share.transport) {
        case 'native':
          return new NativeShareClient(target);
        case 'smb2':
          throw new Error('transport smb2 is not wired yet');
      }
    },
  };
}
