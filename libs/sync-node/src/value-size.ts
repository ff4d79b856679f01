/** Rough serialized size of a value in bytes; cheap for strings and numbers, which dominate. */
export function approxValueSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
    case 'boolean':
      return 8;
    case 'object':
      return value === null ? 4 : (JSON.stringify(value)?.length ?? 0);
    default:
      return 8;
  }
}
