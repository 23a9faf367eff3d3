// Type definitions for aerec's WebAssembly module.
//
//   import createAerec from 'aerec';
//   const aerec = await createAerec();           // Node < 20.16: createAerec({ wasmBinary })
//   const model = aerec.loadModel(bytes);        // a model file written by `aerec train` or `aerec export`
//   const row = model.ratingsArray({ 260: 5, 1196: 4.5 });
//   model.recommend(row, 10);                    // [{ itemId, score }, ...]
//   model.explain(row, [1193, 858], 2);          // why: [[{ itemId, rating, effect }], ...]
//   model.similar(1193, 10);                     // more like this: [{ itemId, similarity }, ...]
//   model.delete();
//
//   // A ranking model orders the movies, a rating model gives their stars:
//   const pair = aerec.loadRecommender({ ranking: rankingBytes, rating: ratingBytes });
//   pair.recommend(row, 20);                     // [{ itemId, score, stars }, ...]
//
//   // The taste map (`aerec map MODEL --of movies --web taste-map.json`) places a user:
//   const map = aerec.loadTasteMap(await (await fetch('taste-map.json')).text());
//   map.place(pair, row);                        // { x, y }
//
//   // An image autoencoder (`aerec train --preset conv-denoise --data fashion-mnist --out m.aerec`):
//   const images = aerec.loadImageModel(bytes);
//   const noisy = aerec.addNoise(pixels, { kind: 'gaussian', level: 0.5, seed: 7 });
//   images.reconstruct(noisy);                   // Float32Array, the denoised image
//
//   // A sequence model (`aerec train --preset seq2seq`): what comes next after movies rated in order:
//   const sequence = aerec.loadSequenceModel(bytes);
//   sequence.nextItems([{ itemId: 260, rating: 5 }, { itemId: 1196, rating: 4 }], 10);  // [{ itemId, score }, ...]
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
  /**
   * What ranks it: a rating model's predicted rating, clipped to its scale; a ranking model's
   * logit for the movie (its prediction); a pair's log-probability plus starWeight x stars.
   */
  score: number;
  /** The predicted rating, clipped to the scale: present when there is a rating model. */
  stars?: number;
}

/** A rated movie that raises a recommendation's score. */
export interface Reason {
  /** The rated movie's id. */
  itemId: number;
  /** The user's rating of it (a low rating can be a reason too). */
  rating: number;
  /** How much it raises the score: the score with every rating minus the score without this one (> 0). */
  effect: number;
}

/** A movie near another in the model's item space. */
export interface Neighbour {
  itemId: number;
  /** Cosine similarity of the two movies' output weights, -1 to 1. */
  similarity: number;
}

/** A trained model. Results are copies owned by JavaScript. Call `delete()` when done. */
export interface Model {
  /** The number of movies (columns). */
  readonly numItems: number;
  /** The width of the code layer (the middle hidden layer of an odd number, else the narrowest). */
  readonly codeSize: number;
  /** The rating scale predictions are clipped to, e.g. { min: 1, max: 5 } (0.5 to 5 for ml-latest). */
  readonly scale: Readonly<{ min: number; max: number }>;
  /** Whether a ranking model orders the movies (loadRecommender, or loadModel of a ranking model). */
  readonly ranks: boolean;
  /** Whether a rating model predicts stars (predict then gives ratings, else ranking scores). */
  readonly hasStars: boolean;
  /** MovieLens movie ids in column order. */
  itemIds(): Int32Array;
  /** The column of a movie id, or -1 when the model does not know it. */
  indexOf(itemId: number): number;
  /** A ratings row from `{ movieId: rating }` or a Map; throws `unknown_id` for an unknown movie. */
  ratingsArray(byId: Record<number, number> | Map<number, number>): Float32Array;
  /**
   * Predicted ratings for every movie, in column order (a ranking model alone: its scores).
   * Throws `invalid_argument` for bad ratings.
   */
  predict(ratings: Ratings): Float32Array;
  /** What ranks the movies: one score per movie, in column order, higher is better (see Recommendation.score). */
  scores(ratings: Ratings): Float32Array;
  /** `scores` and the stars (null without a rating model) from one pass: what a page redraws from. */
  predictions(ratings: Ratings): { scores: Float32Array; stars: Float32Array | null };
  /**
   * Predictions for `count` users in one batch: `rows` holds their ratings one after another
   * (count x numItems, row-major); so does the result. Faster than `predict` per user.
   * `out`, a Float32Array of count x numItems, receives the result and is returned: a page
   * that predicts batch after batch reuses one array instead of a new one each time.
   */
  predictBatch(rows: Ratings, count: number, out?: Float32Array): Float32Array;
  /** The k (default 20) best unrated movies, best first. */
  recommend(ratings: Ratings, k?: number): Recommendation[];
  /**
   * Why: for each of `itemIds`, up to k (default 2) rated movies whose ratings raise its score
   * most, largest effect first (the score with every rating against the score with that one left
   * out, all in one batch). An entry is empty when no rating raises the score.
   *
   *   const [reasons] = model.explain(row, [2571], 2);
   *   // [{ itemId: 260, rating: 5, effect: 0.41 }, ...]: "because you rated Star Wars ★★★★★"
   */
  explain(ratings: Ratings, itemIds: ArrayLike<number>, k?: number): Reason[][];
  /**
   * More like this: the k (default 10) movies nearest `itemId` in the model's item space (the
   * ranking model's, in a pair), most similar first. Throws `unknown_id` for a movie it lacks.
   *
   *   model.similar(1193, 5);   // [{ itemId, similarity }, ...]
   */
  similar(itemId: number, k?: number): Neighbour[];
  /** The user's code: activations of the code layer (length `codeSize`). */
  encode(ratings: Ratings): Float32Array;
  /**
   * What the CLI stored with the model: training data, split, configuration and test figures; of
   * the ranking model unless `which` is 'rating' (a rating model alone: its own).
   */
  metadata(which?: 'ranking' | 'rating'): Record<string, unknown>;
  /** Frees the model's wasm memory; later calls throw `invalid_argument`. */
  delete(): void;
}

/** A place on the taste map, in the map file's units. */
export interface MapPlace {
  x: number;
  y: number;
}

/**
 * A taste map's placer: the small network `aerec map --web` trains to put a code where the map's
 * t-SNE put the codes like it, so a new user is placed without recomputing the map. Call
 * `delete()` when done.
 */
export interface TasteMap {
  /** How many numbers the codes it places have: the code size of the model the map was made from. */
  readonly codeSize: number;
  /**
   * Where the user with these ratings sits on the map, from `model`'s code of them (a ranking
   * model's, in a pair); null when that model sees none of them (a ranking model takes only the
   * ratings of `likedRating` and up). Throws `invalid_argument` for a model whose codes have
   * another size.
   */
  place(model: Model, ratings: Ratings): MapPlace | null;
  /** Frees the map's wasm memory; later calls throw `invalid_argument`. */
  delete(): void;
}

/**
 * Whole images' pixels, each in [0, 1]: channel by channel, each channel row by row, one image
 * after another. A plain array of numbers is accepted too.
 */
export type Pixels = Float32Array | Float64Array | number[];

/** The kinds of noise `addNoise` draws. */
export type NoiseKind = 'gaussian' | 'salt-pepper' | 'masking';

/**
 * An image autoencoder (convolutional, or dense), as `aerec train` writes it for an image preset.
 * Call `delete()` when done.
 */
export interface ImageModel {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** Pixels per image: channels x height x width. */
  readonly pixels: number;
  /** Numbers per image in its code. */
  readonly codeSize: number;
  /** What the CLI stored with it: data, configuration and test figures (test_bce, test_psnr, ...). */
  metadata(): Record<string, unknown>;
  /**
   * The reconstructions of whole images, in the same layout. Throws `invalid_argument` for a length
   * that is not whole images, or a pixel outside [0, 1] (NaN included).
   */
  reconstruct(pixels: Pixels): Float32Array;
  /** The images' codes, `codeSize` numbers each, one image after another. */
  encode(pixels: Pixels): Float32Array;
  /** Frees the model's wasm memory; later calls throw `invalid_argument`. */
  delete(): void;
}

/** A rated movie in a history, in the order rated. */
export interface HistoryEntry {
  itemId: number;
  /** A rating within the model's `scale`. */
  rating: number;
}

/**
 * The movies a person rated, in the order they rated them (oldest first): entries, or two arrays
 * of the same length.
 */
export type History = HistoryEntry[] | { itemIds: ArrayLike<number>; ratings: ArrayLike<number> };

/** A movie a sequence model predicts next. */
export interface NextItem {
  /** The MovieLens movie id. */
  itemId: number;
  /** The model's logit for it as the next movie: only the order means something. */
  score: number;
}

/**
 * A sequence model (`aerec train --preset seq2seq`): reads the movies a person rated in order and
 * predicts the ones they watch next. Call `delete()` when done.
 */
export interface SequenceModel {
  /** The number of movies it can predict. */
  readonly numItems: number;
  /** The rating scale a history's ratings must be within, e.g. { min: 0.5, max: 5 }. */
  readonly scale: Readonly<{ min: number; max: number }>;
  /** MovieLens movie ids, in the model's column order. */
  itemIds(): Int32Array;
  /** What the CLI stored with it: data, configuration and next-item figures (test_hr_at_10, ...). */
  metadata(): Record<string, unknown>;
  /**
   * The k (default 10) movies predicted next after `history`, best first, the rated ones left out:
   * what `aerec recommend MODEL --next --ratings ...` prints. Throws `unknown_id` for a movie it
   * lacks, and `invalid_argument` for arrays of different lengths, a movie rated twice, a rating
   * off the scale or k < 1.
   */
  nextItems(history: History, k?: number): NextItem[];
  /** Frees the model's wasm memory; later calls throw `invalid_argument`. */
  delete(): void;
}

export interface NoiseOptions {
  /** Default 'gaussian'. */
  kind?: NoiseKind;
  /** Gaussian: the noise factor (standard deviation), the result clipped to [0, 1]; else the fraction of pixels set to 0 or 1 (salt-pepper) or to 0 (masking), in [0, 1]. */
  level: number;
  /** The random stream; the same seed gives the same noise. Default 1. */
  seed?: number;
}

export interface AerecModule {
  /**
   * Loads a model file (as written by `aerec train` or `aerec export`): a rating model, or a ranking
   * model (`--objective multinomial`, whose predictions are scores). Throws `model_format` for bad
   * bytes, and `invalid_argument` for an item-based model (its columns are users, not movies), an image
   * model or a sequence model.
   */
  loadModel(bytes: Uint8Array | ArrayBuffer): Model;
  /**
   * A ranking model that orders the movies and a rating model that predicts their stars, both of
   * the same movies: scores are the ranking model's log-probabilities plus starWeight (default
   * `defaultStarWeight`) x the stars, so low ratings count too.
   */
  loadRecommender(models: {
    ranking: Uint8Array | ArrayBuffer;
    rating: Uint8Array | ArrayBuffer;
    starWeight?: number;
  }): Model;
  /**
   * The taste map the page file of `aerec map --web` describes (its JSON text, or the object it
   * parses to): its points are plain JSON; this loads its placer. Throws `model_format` for
   * anything else.
   */
  loadTasteMap(map: string | object): TasteMap;
  /**
   * Loads an image model file (`aerec train --preset conv`, `conv-denoise` or `dense-image`). Throws
   * `model_format` for bad bytes and `invalid_argument` for a recommender (load those with loadModel).
   */
  loadImageModel(bytes: Uint8Array | ArrayBuffer): ImageModel;
  /**
   * Loads a sequence model file (`aerec train --preset seq2seq`, or its `aerec export`). Throws
   * `model_format` for bad bytes and `invalid_argument` for a model of another kind.
   */
  loadSequenceModel(bytes: Uint8Array | ArrayBuffer): SequenceModel;
  /** A copy of `pixels` with noise drawn as `options` say (data/image_noise.h). */
  addNoise(pixels: Pixels, options: NoiseOptions): Float32Array;
  /** The weight of a star in a pair's score when loadRecommender is given none. */
  readonly defaultStarWeight: number;
  /** A ranking model's input keeps the ratings at or above this (4 of 5 stars): the movies liked. */
  readonly likedRating: number;
  /** The class of the errors aerec throws: `error instanceof aerec.AerecError`. */
  readonly AerecError: AerecErrorConstructor;
  /**
   * How many threads this instance computes on: 1 in the single-threaded build, else the
   * `threads` asked for or its default (see AerecOptions.threads).
   */
  readonly threads: number;
}

export interface AerecOptions {
  /**
   * The bytes of aerec.wasm (aerec-threads.wasm with `threads` above 1). Needed only in Node
   * without `process.getBuiltinModule` (before 20.16, or 21 to 22.2), where aerec.js cannot read
   * aerec.wasm from beside itself.
   */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /**
   * Where to find aerec.wasm, given its file name and the script's directory (in the threaded
   * build: aerec-threads.wasm and aerec-threads.worker.js).
   */
  locateFile?: (path: string, scriptDirectory: string) => string;
  /**
   * How many threads to compute on, a whole number from 1 to 64. 1: the single-threaded build
   * (aerec.wasm). More: the threaded build (aerec-threads.js and .wasm beside aerec.js, its
   * threads Web Workers started with aerec-threads.worker.js), which needs SharedArrayBuffer: in
   * a browser, a cross-origin isolated page (served with `Cross-Origin-Opener-Policy: same-origin`
   * and `Cross-Origin-Embedder-Policy: require-corp`), else createAerec rejects
   * (`invalid_argument`). Node has it; threads there need Node 20.16 or later.
   * Left out: the threaded build with the smaller of 2 and the cores where the page is cross-origin
   * isolated and `wasmBinary` is not given, else the single-threaded build. Predictions are the
   * same on any number of threads.
   */
  threads?: number;
}

/** Instantiates the module: aerec.wasm is fetched (browser) or read (Node) from beside aerec.js. */
declare function createAerec(options?: AerecOptions): Promise<AerecModule>;
export default createAerec;
