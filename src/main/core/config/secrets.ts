import { AgentError } from '../errors/agent-error';
import type { SecretRef } from './schema';
import { registerSecret } from './redact';

/**
 * Resolves secret references. The CLI knows environment variables; the Electron shell adds
 * `protected` blobs decrypted with safeStorage (DPAPI). Every resolved value is registered for
 * redaction before it is returned, so it can never reach a log, status file or bundle.
 */
export interface SecretResolver {
  resolve(ref: SecretRef): Promise<string>;
}

export type ProtectedDecryptor = (blob: Buffer) => string;

export class DefaultSecretResolver implements SecretResolver {
  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly decrypt?: ProtectedDecryptor,
  ) {}

  async resolve(ref: SecretRef): Promise<string> {
    if ('env' in ref) {
      const value = this.env[ref.env];
      if (value === undefined || value === '') throw new AgentError('SECRET_MISSING', { ref: `env:${ref.env}` });
      registerSecret(value);
      return value;
    }
    if (!this.decrypt) {
      throw new AgentError('SECRET_MISSING', { ref: 'protected' }, 'encrypted secrets can only be read by the agent service/tray on the PC that stored them');
    }
    try {
      const value = this.decrypt(Buffer.from(ref.protected, 'base64'));
      registerSecret(value);
      return value;
    } catch (error) {
      throw new AgentError('SECRET_MISSING', { ref: 'protected' }, error);
    }
  }
}
