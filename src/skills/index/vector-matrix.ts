/**
 * A packed copy of the index's vectors for scoring. vectra's `queryItems` is a generic loop over
 * number arrays with a metadata filter per item: about 20 ms for 10k skills of 512 dimensions on a
 * busy 2-core machine. Here the vectors sit in one Float32Array and the scope test is a Set lookup;
 * a sparse query (the local embedder's have ~60 non-zero dimensions of 512) touches only its
 * non-zero columns. Built once when the index opens, then changed in place by each committed write
 * (a save at 50k skills must not rebuild 50k rows before the next search).
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
  readonly dimensions: number;
  #size = 0;
  #capacity: number;
  private readonly rowOf = new Map<string, number>();
  private ids: string[] = [];
  private scopes: string[] = [];
  private norms: Float64Array;
  private data: Float32Array;

  /** Rows for `items`, with room to grow (changes are applied in place: `set`, `remove`). */
  constructor(items: readonly MatrixItem[], dimensions = items[0]?.vector.length ?? 0) {
    this.dimensions = dimensions;
    this.#capacity = Math.max(16, Math.ceil(items.length * 1.25));
    this.norms = new Float64Array(this.#capacity);
    this.data = new Float32Array(this.#capacity * this.dimensions);
    for (const item of items) this.set(item);
  }

  get size(): number {
    return this.#size;
  }

  /** Add or replace one item's row (O(dimensions); growing doubles the capacity now and then). */
  set(item: MatrixItem): void {
    let row = this.rowOf.get(item.id);
    if (row === undefined) {
      if (this.#size === this.#capacity) this.grow();
      row = this.#size++;
      this.rowOf.set(item.id, row);
    }
    this.ids[row] = item.id;
    this.scopes[row] = item.metadata.scope;
    this.norms[row] = item.norm;
    const d = this.dimensions;
    this.data.fill(0, row * d, (row + 1) * d);
    this.data.set(item.vector.slice(0, d), row * d);
  }

  /** Remove one item (the last row moves into its place). */
  remove(id: string): void {
    const row = this.rowOf.get(id);
    if (row === undefined) return;
    const last = this.#size - 1;
    const d = this.dimensions;
    if (row !== last) {
      const lastId = this.ids[last] ?? '';
      this.ids[row] = lastId;
      this.scopes[row] = this.scopes[last] ?? '';
      this.norms[row] = this.norms[last] ?? 0;
      this.data.copyWithin(row * d, last * d, (last + 1) * d);
      this.rowOf.set(lastId, row);
    }
    this.rowOf.delete(id);
    this.ids.length = last;
    this.scopes.length = last;
    this.#size = last;
  }

  private grow(): void {
    this.#capacity *= 2;
    const norms = new Float64Array(this.#capacity);
    norms.set(this.norms);
    const data = new Float32Array(this.#capacity * this.dimensions);
    data.set(this.data);
    this.norms = norms;
    this.data = data;
  }

  /** The `k` most similar items (cosine) in the given scopes, best first. Zero vectors match nothing. */
  topK(query: readonly number[], scopes: ReadonlySet<string>, k: number): MatrixHit[] {
    const d = this.dimensions;
    if (k <= 0 || this.#size === 0 || query.length !== d) return [];
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
    for (let row = 0; row < this.#size; row++) {
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
