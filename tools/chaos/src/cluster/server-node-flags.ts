import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const BuiltPackage = z.object({ nodeFlags: z.array(z.string().regex(/^--[a-z-]+(=[0-9]+)?$/)).default([]) });

/**
 * The V8 flags the built server runs with (`nodeFlags` of the package.json beside main.js, written
 * by apps/api/build.mjs; why: apps/api/src/server/node-flags.ts): the harness starts its nodes the
 * way the bin does.
 */
export const serverNodeFlags = (main: string): string[] => BuiltPackage.parse(JSON.parse(readFileSync(join(dirname(main), 'package.json'), 'utf8'))).nodeFlags;
