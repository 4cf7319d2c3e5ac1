/**
 * Compact vectors for the index file. Written as JSON number arrays, 10k skills of 512 dimensions are
 * 14 MB and take most of a save to stringify; as base64 float32 (vectra's own protobuf codec also keeps
 * float32) they stringify as plain strings, and a sparse vector (the local embedder's: ~60 non-zero
 * of 512) keeps only its non-zero entries.
 *   dense:  "f32:<base64 of float32 LE>"
 *   sparse: "s32:<dimensions>:<base64 of uint16 LE indices>:<base64 of float32 LE values>"
 */

function floats(values: readonly number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => {
    buffer.writeFloatLE(value, i * 4);
  });
  return buffer.toString('base64');
}

function readFloats(text: string): number[] | undefined {
  const buffer = Buffer.from(text, 'base64');
  if (buffer.length % 4 !== 0) return undefined;
  return Array.from({ length: buffer.length / 4 }, (_, i) => buffer.readFloatLE(i * 4));
}

/** Encode a vector, sparse when fewer than a third of its entries are non-zero. */
export function encodeVector(vector: readonly number[]): string {
  const indices: number[] = [];
  const values: number[] = [];
  vector.forEach((value, i) => {
    if (value !== 0) {
      indices.push(i);
      values.push(value);
    }
  });
  if (vector.length > 65_535 || indices.length * 3 >= vector.length) return `f32:${floats(vector)}`;
  const packed = Buffer.alloc(indices.length * 2);
  indices.forEach((index, i) => {
    packed.writeUInt16LE(index, i * 2);
  });
  return `s32:${vector.length}:${packed.toString('base64')}:${floats(values)}`;
}

/** Decode what `encodeVector` wrote; undefined when the text is not a valid encoding. */
export function decodeVector(text: string): number[] | undefined {
  if (text.startsWith('f32:')) return readFloats(text.slice(4));
  const sparse = /^s32:(\d+):([A-Za-z0-9+/=]*):([A-Za-z0-9+/=]*)$/.exec(text);
  if (!sparse) return undefined;
  const dimensions = Number(sparse[1]);
  const packed = Buffer.from(sparse[2] ?? '', 'base64');
  const values = readFloats(sparse[3] ?? '');
  if (!values || packed.length !== values.length * 2) return undefined;
  const vector = new Array<number>(dimensions).fill(0);
  for (let i = 0; i < values.length; i++) {
    const index = packed.readUInt16LE(i * 2);
    if (index >= dimensions) return undefined;
    vector[index] = values[i] ?? 0;
  }
  return vector;
}
