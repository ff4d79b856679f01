import { useEffect, useState } from 'react';
import { usePageVisible } from '../charts/use-page-visible';

/** The current time, refreshed every `intervalMs` while the page is visible (for "5s ago", TTL left). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  const visible = usePageVisible();
  useEffect(() => {
    if (!visible) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, visible]);
  return now;
}
