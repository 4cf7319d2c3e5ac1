/**
 * A packed copy of the index's vectors for scoring. vectra's `queryItems` is a generic loop over
 * number arrays with a metadata filter per item: about 20 ms for 10k skills of 512 dimensions on a
 * busy 2-core machine. Here the vectors sit in one Float32Array and the scope test is a Set lookup;
 * a sparse query (the local embedder's have ~60 non-zero dimensions of 512) touches only its
 * non-zero columns. vectra stays the holder and persister of the vectors; this is rebuilt from its
 * items after every committed write.
 */

export interface MatrixItem {
  id: string;
  vector: number[];
  norm: number;
  metadata: { scope: string };
}

export interface MatrixHit {
  id: string;
  similarity: number;
}

export class VectorMatrix {
  readonly size: number;
  readonly dimensions: number;
  private readonly ids: string[];
  private readonly scopes: string[];
  private readonly norms: Float64Array;
  private readonly data: Float32Array;

  constructor(items: readonly MatrixItem[]) {
    this.size = items.length;
    this.dimensions = items[0]?.vector.length ?? 0;
    this.ids = items.map((item) => item.id);
    this.scopes = items.map((item) => item.metadata.scope);
    this.norms = Float64Array.from(items, (item) => item.norm);
    this.data = new Float32Array(this.size * this.dimensions);
    items.forEach((item, row) => {
      this.data.set(item.vector.slice(0, this.dimensions), row * this.dimensions);
    });
  }

  /** The `k` most similar items (cosine) in the given scopes, best first. Zero vectors match nothing. */
  topK(query: readonly number[], scopes: ReadonlySet<string>, k: number): MatrixHit[] {
    const d = this.dimensions;
    if (k <= 0 || this.size === 0 || query.length !== d) return [];
    let queryNorm = 0;
    const columns: number[] = [];
    const weights: number[] = [];
    for (let j = 0; j < d; j++) {
      const value = query[j] ?? 0;
      if (value !== 0) {
        columns.push(j);
        weights.push(value);
        queryNorm += value * value;
      }
    }
    if (queryNorm === 0) return [];
    queryNorm = Math.sqrt(queryNorm);
    const sparse = columns.length * 3 < d;
    const dense = sparse ? undefined : Float32Array.from(query);
    const best: MatrixHit[] = [];
    let floor = -Infinity;
    for (let row = 0; row < this.size; row++) {
      if (!scopes.has(this.scopes[row] ?? '')) continue;
      const norm = this.norms[row] ?? 0;
      if (norm === 0) continue;
      const base = row * d;
      let dot = 0;
      if (dense) {
        for (let j = 0; j < d; j++) dot += (this.data[base + j] ?? 0) * (dense[j] ?? 0);
      } else {
        for (let t = 0; t < columns.length; t++)
          dot += (this.data[base + (columns[t] ?? 0)] ?? 0) * (weights[t] ?? 0);
      }
      const similarity = dot / (queryNorm * norm);
      if (best.length < k || similarity > floor) {
        best.push({ id: this.ids[row] ?? '', similarity });
        best.sort((a, b) => b.similarity - a.similarity);
        if (best.length > k) best.pop();
        floor = best.length === k ? (best[k - 1]?.similarity ?? -Infinity) : -Infinity;
      }
    }
    return best;
  }
}
