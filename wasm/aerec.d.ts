// Type definitions for aerec's WebAssembly module.
//
//   import createAerec from 'aerec';
//   const aerec = await createAerec();           // Node < 20.16: createAerec({ wasmBinary })
//   const model = aerec.loadModel(bytes);        // a model file written by `aerec train` or `aerec export`
//   const row = model.ratingsArray({ 260: 5, 1196: 4.5 });
//   model.recommend(row, 10);                    // [{ itemId, score }, ...]
//   model.delete();
//
// The package's only export is the default one, createAerec; everything else is reached through
// the instance it resolves to (aerec.AerecError included). The names below are types only.

/**
 * Why an aerec call failed; stable, for programs to test:
 * - `invalid_argument`: a wrong-length array, NaN, a rating outside the scale, a bad k, a deleted model
 * - `model_format`: bytes that are not an aerec model file, or a truncated or corrupted one
 * - `unknown_id`: a movie id the model does not know (ratingsArray)
 * - `out_of_memory`, `internal`: the wasm heap is exhausted, or a bug in aerec
 */
export type AerecErrorCode = 'invalid_argument' | 'parse_error' | 'io_error' | 'model_format' | 'unknown_id' |
  'out_of_memory' | 'internal';

/**
 * The error every aerec call throws; the module stays usable after it. The class is not an
 * export of the package: it is the instance's `aerec.AerecError`, for `instanceof`.
 */
export interface AerecError extends Error {
  readonly name: 'AerecError';
  readonly code: AerecErrorCode;
}

/** `aerec.AerecError`: the class of the errors aerec throws. */
export interface AerecErrorConstructor {
  new (code: AerecErrorCode, message: string): AerecError;
  readonly prototype: AerecError;
}

/**
 * A user's ratings: one entry per movie in the model's column order (see
 * `itemIds()`), 0 for "not rated", otherwise a rating within `scale`.
 * A plain array of numbers is accepted too.
 */
export type Ratings = Float32Array | Float64Array | number[];

export interface Recommendation {
  /** The MovieLens movie id. */
  itemId: number;
  /** The predicted rating, clipped to the model's scale. */
  score: number;
}

/** A trained model. Results are copies owned by JavaScript. Call `delete()` when done. */
export interface Model {
  /** The number of movies (columns). */
  readonly numItems: number;
  /** The width of the code layer (the middle hidden layer of an odd number, else the narrowest). */
  readonly codeSize: number;
  /** The rating scale predictions are clipped to, e.g. { min: 1, max: 5 }. */
  readonly scale: Readonly<{ min: number; max: number }>;
  /** MovieLens movie ids in column order. */
  itemIds(): Int32Array;
  /** The column of a movie id, or -1 when the model does not know it. */
  indexOf(itemId: number): number;
  /** A ratings row from `{ movieId: rating }` or a Map; throws `unknown_id` for an unknown movie. */
  ratingsArray(byId: Record<number, number> | Map<number, number>): Float32Array;
  /** Predicted ratings for every movie, in column order. Throws `invalid_argument` for bad ratings. */
  predict(ratings: Ratings): Float32Array;
  /**
   * Predictions for `count` users in one batch: `rows` holds their ratings one after another
   * (count x numItems, row-major); so does the result. Faster than `predict` per user.
   */
  predictBatch(rows: Ratings, count: number): Float32Array;
  /** The k (default 20) best unrated movies, best first. */
  recommend(ratings: Ratings, k?: number): Recommendation[];
  /** The user's code: activations of the code layer (length `codeSize`). */
  encode(ratings: Ratings): Float32Array;
  /** What the CLI stored with the model: training data, split, configuration and test figures. */
  metadata(): Record<string, unknown>;
  /** Frees the model's wasm memory; later calls throw `invalid_argument`. */
  delete(): void;
}

export interface AerecModule {
  /**
   * Loads a model file (as written by `aerec train` or `aerec export`). Throws `model_format` for bad
   * bytes, and `invalid_argument` for a model that predicts no ratings by movie: an item-based model
   * (its columns are users) or a ranking model (its outputs are scores, not ratings).
   */
  loadModel(bytes: Uint8Array | ArrayBuffer): Model;
  /** The class of the errors aerec throws: `error instanceof aerec.AerecError`. */
  readonly AerecError: AerecErrorConstructor;
}

export interface AerecOptions {
  /**
   * The bytes of aerec.wasm. Needed only in Node without `process.getBuiltinModule` (before 20.16,
   * or 21 to 22.2), where aerec.js cannot read aerec.wasm from beside itself.
   */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to find aerec.wasm, given its file name and the script's directory. */
  locateFile?: (path: string, scriptDirectory: string) => string;
}

/** Instantiates the module: aerec.wasm is fetched (browser) or read (Node) from beside aerec.js. */
declare function createAerec(options?: AerecOptions): Promise<AerecModule>;
export default createAerec;
