/**
 * A packed copy of the index's vectors for scoring. vectra's `queryItems` is a generic loop over
 * number arrays with a metadata filter per item: about 20 ms for 10k skills of 512 dimensions on a
 * busy 2-core machine. Here the vectors sit in one Float32Array, column by column (a column's values
 * for every row are contiguous, so a query reads memory in order), and the scope test is a Set
 * lookup; a sparse query (the local embedder's have ~60 non-zero dimensions of 512) reads only its
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
  /** Bumped by every change, so a paused scan knows rows may have moved. */
  #version = 0;
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
    this.#version++;
    let row = this.rowOf.get(item.id);
    if (row === undefined) {
      if (this.#size === this.#capacity) this.grow();
      row = this.#size++;
      this.rowOf.set(item.id, row);
    }
    this.ids[row] = item.id;
    this.scopes[row] = item.metadata.scope;
    this.norms[row] = item.norm;
    const capacity = this.#capacity;
    for (let j = 0; j < this.dimensions; j++) this.data[j * capacity + row] = item.vector[j] ?? 0;
  }

  /** Remove one item (the last row moves into its place). */
  remove(id: string): void {
    const row = this.rowOf.get(id);
    if (row === undefined) return;
    this.#version++;
    const last = this.#size - 1;
    const d = this.dimensions;
    if (row !== last) {
      const lastId = this.ids[last] ?? '';
      this.ids[row] = lastId;
      this.scopes[row] = this.scopes[last] ?? '';
      this.norms[row] = this.norms[last] ?? 0;
      const capacity = this.#capacity;
      for (let j = 0; j < d; j++) this.data[j * capacity + row] = this.data[j * capacity + last] ?? 0;
      this.rowOf.set(lastId, row);
    }
    this.rowOf.delete(id);
    this.ids.length = last;
    this.scopes.length = last;
    this.#size = last;
  }

  private grow(): void {
    const old = this.#capacity;
    this.#capacity *= 2;
    const norms = new Float64Array(this.#capacity);
    norms.set(this.norms);
    const data = new Float32Array(this.#capacity * this.dimensions);
    for (let j = 0; j < this.dimensions; j++)
      data.set(this.data.subarray(j * old, (j + 1) * old), j * this.#capacity);
    this.norms = norms;
    this.data = data;
  }

  /** The `k` most similar items (cosine) in the given scopes, best first. Zero vectors match nothing. */
  topK(query: readonly number[], scopes: ReadonlySet<string>, k: number): MatrixHit[] {
    const scan = this.scan(query, scopes, k);
    if (!scan) return [];
    scan.rows(0, this.#size);
    return scan.best;
  }

  /**
   * `topK` in slices of `rowsPerSlice` rows, yielding to the event loop between slices, so a query over
   * 50k skills never holds the loop for long. A change to the matrix during a pause restarts the scan
   * (rows may have moved); after three restarts the last scan runs without pausing.
   */
  async topKAsync(
    query: readonly number[],
    scopes: ReadonlySet<string>,
    k: number,
    rowsPerSlice = 4096,
  ): Promise<MatrixHit[]> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const scan = this.scan(query, scopes, k);
      if (!scan) return [];
      const version = this.#version;
      let row = 0;
      while (row < this.#size && version === this.#version) {
        const end = Math.min(this.#size, row + rowsPerSlice);
        scan.rows(row, end);
        row = end;
        if (row < this.#size) await new Promise((resolve) => setImmediate(resolve));
      }
      if (version === this.#version) return scan.best;
    }
    return this.topK(query, scopes, k);
  }

  /** A scan of rows for one query (undefined when the query matches nothing by construction). */
  private scan(query: readonly number[], scopes: ReadonlySet<string>, k: number) {
    const d = this.dimensions;
    if (k <= 0 || this.#size === 0 || query.length !== d) return undefined;
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
    if (queryNorm === 0) return undefined;
    queryNorm = Math.sqrt(queryNorm);
    if (columns.length * 3 >= d) {
      columns.length = 0;
      weights.length = 0;
      for (let j = 0; j < d; j++) {
        columns.push(j);
        weights.push(query[j] ?? 0);
      }
    }
    const best: MatrixHit[] = [];
    let floor = -Infinity;
    // Column-major: each query column is a contiguous run of rows, read in order.
    const rows = (from: number, to: number) => {
      const data = this.data;
      const capacity = this.#capacity;
      const dots = new Float64Array(to - from);
      for (let t = 0; t < columns.length; t++) {
        const base = (columns[t] ?? 0) * capacity;
        const weight = weights[t] ?? 0;
        for (let row = from; row < to; row++)
          dots[row - from] = (dots[row - from] ?? 0) + (data[base + row] ?? 0) * weight;
      }
      for (let row = from; row < to; row++) {
        const norm = this.norms[row] ?? 0;
        if (norm === 0 || !scopes.has(this.scopes[row] ?? '')) continue;
        const similarity = (dots[row - from] ?? 0) / (queryNorm * norm);
        if (best.length < k || similarity > floor) {
          best.push({ id: this.ids[row] ?? '', similarity });
          best.sort((a, b) => b.similarity - a.similarity);
          if (best.length > k) best.pop();
          floor = best.length === k ? (best[k - 1]?.similarity ?? -Infinity) : -Infinity;
        }
      }
    };
    return { best, rows };
  }
}
