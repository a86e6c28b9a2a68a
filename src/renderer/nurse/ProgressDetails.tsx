import type { ProgressView } from '../../shared/api-types';
import { ProgressBar } from '../components/ProgressBar';
import { formatBytes, formatEta, formatSpeed, percentOf } from '../format';
import { useLang } from '../i18n/lang-context';

/** Bar with %, MB done / total, files, speed, time left and the file being copied. */
export function ProgressDetails({ progress }: { progress: ProgressView }) {
  const { t } = useLang();
  const percent = percentOf(progress.bytesDone, progress.bytesTotal);
  const mb = t('nurse.progress.mb', { done: formatBytes(progress.bytesDone), total: formatBytes(progress.bytesTotal) });
  const label = t(progress.phase === 'download' ? 'nurse.progress.label' : 'nurse.progress.applyLabel');
  return (
    <div className="progress-block">
      <ProgressBar percent={percent} label={label} valueText={`${percent}% · ${mb}`} />
      <ul className="progress-facts">
        <li data-testid="progress-bytes">{mb}</li>
        <li>{t('nurse.progress.files', { done: progress.filesDone, total: progress.filesTotal })}</li>
        <li data-testid="progress-speed">{t('nurse.progress.speed', { speed: formatSpeed(progress.bytesPerSecond) })}</li>
        <li data-testid="progress-eta">
          {progress.etaSeconds === null ? t('nurse.progress.etaUnknown') : t('nurse.progress.eta', { eta: formatEta(progress.etaSeconds, t) })}
        </li>
      </ul>
      {progress.currentFile && (
        <p className="current-file" title={progress.currentFile} data-testid="progress-file">
          {t('nurse.progress.current', { file: progress.currentFile })}
        </p>
      )}
    </div>
  );
}
