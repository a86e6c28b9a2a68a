import { EventEmitter } from 'node:events';
import type { AgentErrorData } from '../errors/agent-error';
import type { TransferProgress } from '../sync/progress';
import type { RunRecord } from '../report/status-store';
import type { RunState } from '../../../shared/api-types';

/** Where one app's run is (the same names the tray, the windows and the CLI use). */
export type { RunState };

export type AgentEvent =
  | { type: 'state'; appId: string; state: RunState; from: string | null; to: string | null; at: string }
  | { type: 'progress'; appId: string; phase: 'download' | 'apply'; progress: TransferProgress }
  | { type: 'his-running'; appId: string; exe: string; waitingSinceMs: number }
  | { type: 'error'; appId: string; error: AgentErrorData }
  | { type: 'result'; appId: string; record: RunRecord }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; at: string };

/** A typed emitter: subscribers get exactly the AgentEvent union. */
export class AgentEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(50);
  }

  emit(event: AgentEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: AgentEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
