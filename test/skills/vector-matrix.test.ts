import { describe, expect, it } from 'vitest';
import { VectorMatrix } from '../../src/skills/index/vector-matrix.ts';

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cosine = (a: number[], b: number[]) =>
  a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0) / (norm(a) * norm(b));

function items(count: number, dims: number) {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  return Array.from({ length: count }, (_, i) => {
    const vector = Array.from({ length: dims }, (_, j) => (j % 5 === i % 5 ? next() : 0));
    return {
      id: String(i),
      vector,
      norm: norm(vector),
      metadata: { scope: i % 3 === 0 ? 'global' : `g${i % 3}` },
    };
  });
}

describe('VectorMatrix', () => {
  const data = items(300, 40);
  const matrix = new VectorMatrix(data);

  it.each([
    ['a sparse query', Array.from({ length: 40 }, (_, j) => (j === 3 || j === 17 ? 1 : 0))],
    ['a dense query', Array.from({ length: 40 }, (_, j) => Math.sin(j + 1))],
  ])('ranks %s exactly as brute-force cosine, within the scopes', (_, query) => {
    const scopes = new Set(['global', 'g1']);
    const expected = data
      .filter((item) => scopes.has(item.metadata.scope))
      .map((item) => ({ id: item.id, similarity: cosine(query, item.vector) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 7);
    const hits = matrix.topK(query, scopes, 7);
    expect(hits.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
    for (const [i, hit] of hits.entries())
      expect(hit.similarity).toBeCloseTo(expected[i]?.similarity ?? 0, 5);
  });

  it('matches nothing for a zero query, a wrong-length query, k 0 or no scope', () => {
    expect(matrix.topK(new Array(40).fill(0), new Set(['global']), 3)).toEqual([]);
    expect(matrix.topK([1, 2], new Set(['global']), 3)).toEqual([]);
    expect(matrix.topK(new Array(40).fill(1), new Set(['global']), 0)).toEqual([]);
    expect(matrix.topK(new Array(40).fill(1), new Set(['elsewhere']), 3)).toEqual([]);
    expect(new VectorMatrix([]).topK([1], new Set(['global']), 3)).toEqual([]);
  });

  it('skips stored zero vectors', () => {
    const m = new VectorMatrix([
      { id: 'zero', vector: [0, 0], norm: 0, metadata: { scope: 's' } },
      { id: 'one', vector: [1, 0], norm: 1, metadata: { scope: 's' } },
    ]);
    expect(m.topK([1, 1], new Set(['s']), 5).map((hit) => hit.id)).toEqual(['one']);
  });
});

describe('VectorMatrix changed in place', () => {
  it('set and remove give the same ranking as a matrix built afresh, through growth and swaps', () => {
    const data = items(200, 24);
    const matrix = new VectorMatrix(data.slice(0, 10), 24);
    for (const item of data.slice(10)) matrix.set(item);
    for (const item of data.filter((_, i) => i % 4 === 0)) matrix.remove(item.id);
    const changed = data.map((item, i) =>
      i % 5 === 1 ? { ...item, vector: item.vector.map((v) => -v) } : item,
    );
    for (const item of changed.filter((_, i) => i % 5 === 1 && i % 4 !== 0)) matrix.set(item);
    const kept = changed.filter((_, i) => i % 4 !== 0);
    const fresh = new VectorMatrix(kept, 24);
    expect(matrix.size).toBe(kept.length);
    const query = Array.from({ length: 24 }, (_, j) => Math.cos(j));
    const scopes = new Set(['global', 'g1', 'g2']);
    expect(matrix.topK(query, scopes, 10)).toEqual(fresh.topK(query, scopes, 10));
    matrix.remove('no-such-id');
    expect(matrix.size).toBe(kept.length);
  });
});

describe('VectorMatrix.topKAsync', () => {
  it('gives what topK gives, in slices, and restarts when a write lands during a pause', async () => {
    const data = items(300, 40);
    const matrix = new VectorMatrix(data, 40);
    const query = Array.from({ length: 40 }, (_, j) => Math.sin(j + 2));
    const scopes = new Set(['global', 'g1', 'g2']);
    expect(await matrix.topKAsync(query, scopes, 5, 7)).toEqual(matrix.topK(query, scopes, 5));
    const pending = matrix.topKAsync(query, scopes, 5, 7);
    const winner = matrix.topK(query, scopes, 1)[0]?.id ?? '';
    matrix.remove(winner);
    const hits = await pending;
    expect(hits.map((hit) => hit.id)).not.toContain(winner);
    expect(hits).toEqual(matrix.topK(query, scopes, 5));
  });
});
