import type { NextFunction, Request, Response } from 'express';
import type { HttpMetrics } from '../../monitoring/prometheus.js';

/** Counts and times every request by route pattern (bounded label set), on `finish`. */
export const requestMetrics = (metrics: HttpMetrics) => (req: Request, res: Response, next: NextFunction): void => {
  const start = performance.now();
  res.once('finish', () => {
    const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
    metrics.observe(req.method, route, res.statusCode, (performance.now() - start) / 1000);
  });
  next();
};
