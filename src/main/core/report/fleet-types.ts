/** The fleet shapes are the IPC ones: the IT window shows exactly what the database holds. */
export type { FleetStatusView as FleetStatus, FleetRowView as FleetRow } from '../../../shared/api-types';
import type { FleetRowView as FleetRow } from '../../../shared/api-types';

export interface FleetSnapshot {
  generatedAt: string;
  silentHours: number;
  /** Failed first, then silent, then by machine name. */
  rows: FleetRow[];
  countsByVersion: Array<{ app: string; version: string | null; count: number }>;
  totals: { rows: number; machines: number; failed: number; silent: number };
  error: null;
}
