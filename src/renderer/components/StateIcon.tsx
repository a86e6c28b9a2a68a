import type { Tone } from './tone';

/** A distinct shape per tone (check, spinner, "i", triangle, cross, dash); decorative: the label says it in words. */
export function StateIcon({ tone, size = 24 }: { tone: Tone; size?: number }) {
  return (
    <svg className={`state-icon tone-${tone}${tone === 'busy' ? ' spin' : ''}`} width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      {tone === 'ok' && (
        <>
          <circle cx="12" cy="12" r="11" fill="currentColor" />
          <path d="M6.5 12.5l3.5 3.5 7.5-8" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
        </>
      )}
      {tone === 'busy' && (
        <>
          <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
          <path d="M12 3a9 9 0 0 1 9 9" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
        </>
      )}
      {tone === 'info' && (
        <>
          <circle cx="12" cy="12" r="11" fill="currentColor" />
          <path d="M12 17V8M8.5 11.5L12 8l3.5 3.5" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
        </>
      )}
      {tone === 'warn' && (
        <>
          <path d="M12 1.8L23 21.5H1z" fill="currentColor" />
          <path d="M12 9v5.5" stroke="#111" strokeWidth="2.4" strokeLinecap="round" />
          <circle cx="12" cy="18" r="1.4" fill="#111" />
        </>
      )}
      {tone === 'error' && (
        <>
          <path d="M7.4 1h9.2L23 7.4v9.2L16.6 23H7.4L1 16.6V7.4z" fill="currentColor" />
          <path d="M8 8l8 8M16 8l-8 8" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" />
        </>
      )}
      {tone === 'neutral' && (
        <>
          <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" strokeWidth="2.4" />
          <path d="M7.5 12h9" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
        </>
      )}
    </svg>
  );
}
