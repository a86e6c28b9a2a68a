import { useEffect, useState } from 'react';
import type { LogLevel } from '../../shared/api-types';
import { useApi } from '../api/api-context';
import { ErrorMessage } from '../components/ErrorMessage';
import { useLang } from '../i18n/lang-context';
import { useRequest } from './use-request';

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];
const MAX_LINES = 500;

/** The agent log's tail, filtered by level and a search word (the engine filters; the box waits for typing to pause). */
export function LogTab({ refreshKey }: { refreshKey: unknown }) {
  const api = useApi();
  const { t } = useLang();
  const [level, setLevel] = useState<LogLevel>('debug');
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const { data, error, reload } = useRequest(
    () => api.invoke('agent:get-log-tail', { maxLines: MAX_LINES, minLevel: level, ...(query ? { search: query.slice(0, 200) } : {}) }),
    [api, level, query, refreshKey],
  );
  return (
    <div>
      <div className="toolbar">
        <label>
          {t('log.level')}{' '}
          <select value={level} onChange={(e) => setLevel(e.target.value as LogLevel)} data-testid="log-level">
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`log.level.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          {t('log.search')}{' '}
          <input type="search" value={search} maxLength={200} placeholder={t('log.searchPlaceholder')} onChange={(e) => setSearch(e.target.value)} data-testid="log-search" />
        </label>
        <button type="button" className="btn" onClick={reload}>
          {t('log.refresh')}
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {data && data.length === 0 && <p className="muted">{t('log.empty')}</p>}
      {data && data.length > 0 && (
        <>
          <p className="muted small">{t('log.count', { count: data.length })}</p>
          <ol className="log-lines" data-testid="log-lines">
            {data.map((line, i) => (
              <li key={`${line.at}-${i}`} className={`log-line level-${line.level}`}>
                <span className="log-at">{line.at.replace('T', ' ')}</span> <span className={`log-level level-${line.level}`}>{line.level.toUpperCase()}</span>{' '}
                <span className="log-text">{line.text}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
