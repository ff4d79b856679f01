import { generateOpenApi, routes } from './index.js';

describe('generateOpenApi', () => {
  const doc = generateOpenApi({ servers: [{ url: 'http://127.0.0.1:5000' }] }) as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; parameters?: { name: string; in: string; required: boolean }[]; requestBody?: unknown; security?: unknown; responses: Record<string, unknown> }>>;
  };

  it('is OpenAPI 3.1 and lists every route once', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.sort()).toEqual(Object.keys(routes).sort());
  });

  it('describes path and query parameters, bodies, auth and errors', () => {
    const get = doc.paths['/api/cache/{key}'].get;
    expect(get.parameters).toEqual([expect.objectContaining({ name: 'key', in: 'path', required: true })]);
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '429']));
    const list = doc.paths['/api/cache'].get;
    expect(list.parameters?.map((p) => [p.name, p.required])).toEqual([
      ['prefix', false],
      ['pattern', false],
      ['cursor', false],
      ['limit', false],
    ]);
    expect(doc.paths['/api/cache'].post.requestBody).toBeDefined();
    expect(doc.paths['/ping'].get.security).toBeUndefined();
    expect(doc.paths['/api/cache'].delete.security).toEqual([{ bearerAuth: [] }]);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
