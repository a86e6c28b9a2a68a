import { StateIcon } from './StateIcon';
import type { Tone } from './tone';

/** Icon + words: the state is readable without colour. */
export function StatusBadge({ tone, label }: { tone: Tone; label: string }) {
  return (
    <span className={`badge tone-${tone}`}>
      <StateIcon tone={tone} size={18} />
      <span>{label}</span>
    </span>
  );
}
