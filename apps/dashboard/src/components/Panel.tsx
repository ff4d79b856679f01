import { useId, type ReactNode } from 'react';

interface PanelProps {
  title: string;
  /** short context shown beside the title, e.g. "3 nodes, all up" */
  summary?: ReactNode;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A titled region of the page; the heading names the region for screen readers. */
export function Panel({ title, summary, actions, className, children }: PanelProps) {
  const headingId = useId();
  return (
    <section className={`panel ${className ?? ''}`} aria-labelledby={headingId}>
      <header className="panel-header">
        <h2 id={headingId}>{title}</h2>
        {summary ? <span className="panel-summary">{summary}</span> : null}
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}
