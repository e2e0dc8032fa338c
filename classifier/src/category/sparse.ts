/** A sparse vector: sorted feature indices with their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** Dot product of a sparse vector with row `row` of a dense row-major matrix of width `dim`. */
export function dotRow(x: SparseVector, weights: Float32Array, row: number, dim: number): number {
  const base = row * dim;
  let sum = 0;
  const { indices, values } = x;
  for (let k = 0; k < indices.length; k++) sum += weights[base + indices[k]] * values[k];
  return sum;
}

/** Squared L2 norm. */
export function squaredNorm(x: SparseVector): number {
  let s = 0;
  for (let k = 0; k < x.values.length; k++) s += x.values[k] * x.values[k];
  return s;
}

/** Seeded PRNG (mulberry32): training must be reproducible bit for bit. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place with the given PRNG. */
export function shuffleInPlace<T>(items: T[] | Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp as never;
  }
}
