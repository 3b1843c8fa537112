// Small building blocks the screens share: status lines read out by screen readers, and async actions.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';

export function Notice({ kind, children }: { kind: 'error' | 'info' | 'ok'; children: ReactNode }) {
  if (!children) return null;
  return (
    <p className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="card">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Runs an async action, keeping its busy flag and its error sentence for display. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        await action(...args);
      } catch (caught) {
        setError(caught instanceof Error ? caught.message : String(caught));
      } finally {
        setBusy(false);
      }
    },
    [action],
  );
  return { run, busy, error, setError };
}

export function DownloadLink({ name, data, children }: { name: string; data: string | Blob; children: ReactNode }) {
  const href = useMemo(() => URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type: 'application/x-pem-file' }) : data), [data]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <a href={href} download={name}>
      {children}
    </a>
  );
}
