import type { z } from 'zod';
import type { ErrorBody, ValidationIssue } from './schemas/errors.js';

/** Turns zod issues into the wire form: dotted path + message, one per problem. */
export const toValidationIssues = (error: z.ZodError, pathPrefix: readonly PropertyKey[] = []): ValidationIssue[] =>
  error.issues.flatMap((issue) => {
    const at = (extra: readonly PropertyKey[]) => [...pathPrefix, ...issue.path, ...extra].map(String).join('.');
    // One issue per unknown field, at that field's path, so the 400 names it like any other.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: at([key]), message: 'unknown field' }));
    return [{ path: at([]), message: issue.message }];
  });

/** A message that names the fields, e.g. `Invalid request: key: must be at most 1024 characters`. */
export const describeIssues = (issues: readonly ValidationIssue[]): string =>
  issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');

/** The 400 body for a request whose params, query or body failed its schema. */
export const validationErrorBody = (error: z.ZodError, pathPrefix: readonly PropertyKey[] = []): ErrorBody => {
  const issues = toValidationIssues(error, pathPrefix);
  return { success: false, code: 'VALIDATION_FAILED', message: `Invalid request: ${describeIssues(issues)}`, issues };
};
