const UNITS = new Map([
  ['b', 1],
  ['kb', 1024],
  ['mb', 1024 * 1024],
]);

/** `'10mb'` → 10485760, the way body-parser reads its `limit` (units of 1024). */
export const parseByteSize = (text: string): number => {
  const m = /^(\d+)(b|kb|mb)$/i.exec(text.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * (UNITS.get(m[2].toLowerCase()) ?? Number.NaN);
};
