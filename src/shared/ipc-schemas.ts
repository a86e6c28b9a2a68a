import { z } from 'zod';
import type { RequestChannel } from './ipc-contract';

const appId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/);
const none = z.undefined();

/** Runtime validation of every request payload; main refuses anything that does not parse. */
export const requestSchemas: Record<RequestChannel, z.ZodType> = {
  'agent:get-snapshot': none,
  'agent:check-now': z.object({ appId: appId.optional() }).strict(),
  'agent:update-now': z.object({ appId: appId.optional() }).strict(),
  'agent:cancel': none,
  'agent:answer-his-prompt': z.object({ appId, answer: z.enum(['retry', 'cancel']) }).strict(),
  'agent:get-history': z.object({ limit: z.number().int().min(1).max(10000).optional(), appId: appId.optional() }).strict(),
  'agent:get-log-tail': z
    .object({ maxLines: z.number().int().min(1).max(5000), minLevel: z.enum(['debug', 'info', 'warn', 'error']).optional(), search: z.string().max(200).optional() })
    .strict(),
  'agent:run-diagnosis': z.object({ appId: appId.optional() }).strict(),
  'agent:export-bundle': none,
  'agent:get-fleet': z.object({ prefix: z.string().max(64).regex(/^[\w.-]*$/).optional(), silentHours: z.number().positive().max(24 * 365).optional() }).strict(),
  'agent:launch-his': z.object({ appId }).strict(),
  'ui:copy-text': z.object({ text: z.string().max(100_000) }).strict(),
  'ui:open-status-window': none,
};
