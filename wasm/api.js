// The idiomatic JavaScript API over the Embind bindings (bindings.cpp), linked
// with --post-js so it runs inside createAerec() with `Module` in scope.
// Types and documentation: aerec.d.ts.

/** An error from aerec: `code` is stable ('invalid_argument', 'model_format', ...). */
class AerecError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'AerecError';
    this.code = code;
  }
}

// A binding returned undefined (or null): turn the error it recorded into an AerecError.
function checked(result) {
  if (result !== undefined && result !== null) return result;
  const e = Module['rawLastError']();
  throw new AerecError(e.code, e.message);
}

function isNumberArray(value) {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function requireRatings(ratings) {
  if (!isNumberArray(ratings))
    throw new AerecError('invalid_argument',
      'ratings must be a Float32Array (or an array of numbers) with one entry per movie, 0 = not rated');
  return ratings;
}

// `least`: the smallest count allowed (default 0).
function requireCount(value, name, least) {
  if (least === undefined) least = 0;
  if (!Number.isInteger(value) || value < least || value > 0x7fffffff)
    throw new AerecError('invalid_argument', name + ' must be a whole number >= ' + least + ', not ' + value);
}

function modelBytes(bytes, name) {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array))
    throw new AerecError('invalid_argument', name + ' must be a model file as a Uint8Array or ArrayBuffer');
  return bytes;
}

// The metadata the CLI stores is JSON; other text is kept as it is.
function parsedMetadata(text) {
  try { return text ? JSON.parse(text) : {}; } catch (e) { return { text: text }; }
}

/** Something in the wasm heap: call delete() when done with it. */
class Handle {
  constructor(raw, what) {
    this._raw = raw;
    this._what = what;
  }

  _live() {
    if (this._raw === null) throw new AerecError('invalid_argument', 'this ' + this._what + ' has been deleted');
    return this._raw;
  }

  delete() {
    if (this._raw !== null) this._raw.delete();
    this._raw = null;
  }
}

/** A loaded model. Call delete() when done: its memory lives in the wasm heap. */
class Model extends Handle {
  constructor(raw) {
    super(raw, 'model');
    this._index = null;
    this.numItems = raw.numItems();
    this.codeSize = raw.codeSize();
    this.scale = Object.freeze({ min: raw.scaleMin(), max: raw.scaleMax() });
    this.ranks = raw.ranks();
    this.hasStars = raw.hasStars();
  }

  itemIds() { return this._live().itemIds(); }

  /**
   * The metadata the CLI stored with the model (training data, configuration, figures): of the
   * ranking model, or with which = 'rating' (the default for a rating model alone), the rating model.
   */
  metadata(which) {
    if (which === undefined) which = this.ranks ? 'ranking' : 'rating';
    if (which !== 'ranking' && which !== 'rating')
      throw new AerecError('invalid_argument', "metadata takes 'ranking' or 'rating', not " + which);
    return parsedMetadata(this._live().metadata(which === 'ranking'));
  }

  /** The column of a MovieLens movie id, or -1. */
  indexOf(itemId) {
    if (this._index === null) {
      this._index = new Map();
      this.itemIds().forEach((id, column) => this._index.set(id, column));
    }
    const column = this._index.get(itemId);
    return column === undefined ? -1 : column;
  }

  /** A ratings row (Float32Array, column order) from {movieId: rating} or a Map. */
  ratingsArray(byId) {
    const row = new Float32Array(this.numItems);
    const entries = byId instanceof Map ? Array.from(byId.entries()) : Object.entries(byId || {});
    // No destructuring in the loop head: Emscripten 3.1.6's JS optimiser mangles it.
    for (const entry of entries) {
      const column = this.indexOf(Number(entry[0]));
      if (column < 0) throw new AerecError('unknown_id', 'movie ' + entry[0] + ' is not in this model');
      row[column] = entry[1];
    }
    return row;
  }

  predict(ratings) { return checked(this._live().predict(requireRatings(ratings))); }

  /**
   * Predictions for `count` users at once: rows holds their ratings one after another; `out`,
   * if given, a Float32Array of count x numItems that receives them (and is returned).
   */
  predictBatch(rows, count, out) {
    if (!Number.isInteger(count) || count < 0)
      throw new AerecError('invalid_argument', 'count must be a whole number >= 0, not ' + count);
    if (out !== undefined && !(out instanceof Float32Array && out.length === count * this.numItems))
      throw new AerecError('invalid_argument',
        'out must be a Float32Array of ' + count * this.numItems + ' entries (count x numItems)');
    return checked(this._live().predictBatch(requireRatings(rows), count, out === undefined ? null : out));
  }

  /** What ranks the movies for this user, one score per movie (higher is better). */
  scores(ratings) { return checked(this._live().scores(requireRatings(ratings))); }

  /** Scores and stars (null without a rating model) from one pass: { scores, stars }. */
  predictions(ratings) { return checked(this._live().predictions(requireRatings(ratings))); }

  encode(ratings) { return checked(this._live().encode(requireRatings(ratings))); }

  recommend(ratings, k) {
    if (k === undefined) k = 20;
    requireCount(k, 'k');
    return checked(this._live().recommend(requireRatings(ratings), k));
  }

  /** For each of itemIds, up to k (default 2) rated movies that raise its score most. */
  explain(ratings, itemIds, k) {
    if (k === undefined) k = 2;
    requireCount(k, 'k');
    if (!isNumberArray(itemIds))
      throw new AerecError('invalid_argument', 'itemIds must be an array of movie ids');
    return checked(this._live().explain(requireRatings(ratings), itemIds, k));
  }

  /** The k (default 10) movies most like itemId in the model's item space. */
  similar(itemId, k) {
    if (k === undefined) k = 10;
    requireCount(k, 'k');
    if (!Number.isInteger(itemId))
      throw new AerecError('invalid_argument', 'itemId must be a movie id, not ' + itemId);
    return checked(this._live().similar(itemId, k));
  }
}

/** A taste map's placer (from the file `aerec map --web` writes). Call delete() when done. */
class TasteMap extends Handle {
  constructor(raw) {
    super(raw, 'taste map');
    this.codeSize = raw.codeSize();
  }

  /**
   * Where the user with these ratings sits on the map, from `model`'s code: { x, y }, or null
   * when the model sees none of the ratings (a ranking model takes only those >= likedRating).
   */
  place(model, ratings) {
    if (!(model instanceof Model))
      throw new AerecError('invalid_argument', 'place takes a model from loadModel or loadRecommender');
    const p = checked(this._live().place(model._live(), requireRatings(ratings)));
    return p.length === 0 ? null : { x: p[0], y: p[1] };
  }
}

function requirePixels(pixels) {
  if (!isNumberArray(pixels))
    throw new AerecError('invalid_argument',
      'pixels must be a Float32Array (or an array of numbers) of whole images, each pixel in [0, 1]');
  return pixels;
}

/** An image autoencoder (aerec train --preset conv). Call delete() when done. */
class ImageModel extends Handle {
  constructor(raw) {
    super(raw, 'image model');
    this.channels = raw.dim(0);
    this.height = raw.dim(1);
    this.width = raw.dim(2);
    this.pixels = this.channels * this.height * this.width;
    this.codeSize = raw.codeSize();
  }

  /** The metadata the CLI stored with the model (data, configuration, test figures). */
  metadata() {
    return parsedMetadata(this._live().metadata());
  }

  /** Reconstructions of whole images (pixels in [0, 1], channel by channel, row by row), one after another. */
  reconstruct(pixels) { return checked(this._live().reconstruct(requirePixels(pixels))); }

  /** The images' codes, codeSize each, one after another. */
  encode(pixels) { return checked(this._live().encode(requirePixels(pixels))); }
}

// A history as the binding takes it: { itemIds, ratings } of numbers, or [{ itemId, rating }, ...].
function historyArrays(history) {
  if (Array.isArray(history)) {
    const itemIds = new Float64Array(history.length);
    const ratings = new Float32Array(history.length);
    history.forEach((entry, i) => {
      if (entry === null || typeof entry !== 'object')
        throw new AerecError('invalid_argument', 'history entry ' + (i + 1) + ' must be { itemId, rating }, not ' + entry);
      itemIds[i] = entry.itemId;
      ratings[i] = entry.rating;
    });
    return { itemIds: itemIds, ratings: ratings };
  }
  if (history === null || typeof history !== 'object' || !isNumberArray(history.itemIds) || !isNumberArray(history.ratings))
    throw new AerecError('invalid_argument',
      'history must be [{ itemId, rating }, ...] or { itemIds, ratings } of numbers, in the order rated');
  return history;
}

/** A sequence model (aerec train --preset seq2seq): the movies a person watches next. Call delete() when done. */
class SequenceModel extends Handle {
  constructor(raw) {
    super(raw, 'sequence model');
    this.numItems = raw.numItems();
    this.scale = Object.freeze({ min: raw.scaleMin(), max: raw.scaleMax() });
  }

  itemIds() { return this._live().itemIds(); }

  /** The metadata the CLI stored with the model (data, configuration, next-item figures). */
  metadata() {
    return parsedMetadata(this._live().metadata());
  }

  /** The k (default 10) movies predicted next after `history` (in the order rated), best first, rated ones left out. */
  nextItems(history, k) {
    if (k === undefined) k = 10;
    requireCount(k, 'k', 1);
    const h = historyArrays(history);
    return checked(this._live().nextItems(h.itemIds, h.ratings, k));
  }
}

Module['AerecError'] = AerecError;
/** The threads this instance computes on: 1 in the single-threaded build, else threads_pre.js's count. */
Module['threads'] = aerecThreads;
// Once the bindings exist (after the runtime starts, before createAerec resolves), every model
// loaded splits its work into that many parts. In Node the pool's Workers then stop holding the
// process open: Emscripten 3.1.6 keeps them referenced until they exit, which they never do.
addOnPostRun(function () {
  Module['rawSetThreads'](aerecThreads);
  if (typeof PThread !== 'undefined' && typeof process === 'object')
    PThread.unusedWorkers.concat(PThread.runningWorkers).forEach(function (worker) {
      if (worker.unref) worker.unref();
    });
});
Module['loadSequenceModel'] = function (bytes) {
  return new SequenceModel(checked(Module['rawLoadSequenceModel'](modelBytes(bytes, 'loadSequenceModel\'s argument'))));
};
Module['loadImageModel'] = function (bytes) {
  return new ImageModel(checked(Module['rawLoadImageModel'](modelBytes(bytes, 'loadImageModel\'s argument'))));
};
/**
 * A copy of `pixels` with noise: kind 'gaussian' (level: the noise factor, clipped to [0, 1]),
 * 'salt-pepper' or 'masking' (level: the fraction of pixels), drawn from `seed` (default 1).
 */
Module['addNoise'] = function (pixels, options) {
  const o = options || {};
  const kind = o.kind === undefined ? 'gaussian' : o.kind;
  const seed = o.seed === undefined ? 1 : o.seed;
  if (typeof kind !== 'string') throw new AerecError('invalid_argument', 'kind must be a string, not ' + kind);
  if (typeof o.level !== 'number') throw new AerecError('invalid_argument', 'level must be a number, not ' + o.level);
  if (!Number.isInteger(seed) || seed < 0) throw new AerecError('invalid_argument', 'seed must be a whole number >= 0, not ' + seed);
  return checked(Module['rawAddNoise'](requirePixels(pixels), kind, o.level, seed));
};
Module['loadModel'] = function (bytes) {
  return new Model(checked(Module['rawLoadModels'](modelBytes(bytes, 'loadModel\'s argument'), null, 0)));
};
/** A ranking model that orders the movies with a rating model that gives their stars. */
Module['loadRecommender'] = function (models) {
  const starWeight = models && models.starWeight !== undefined ? models.starWeight : Module['defaultStarWeight'];
  if (typeof starWeight !== 'number' || !(starWeight >= 0))
    throw new AerecError('invalid_argument', 'starWeight must be a number >= 0, not ' + starWeight);
  const ranking = modelBytes(models && models.ranking, 'ranking');
  const rating = modelBytes(models && models.rating, 'rating');
  return new Model(checked(Module['rawLoadModels'](ranking, rating, starWeight)));
};
/** The page's taste map (its JSON text, or that JSON parsed) for TasteMap.place. */
Module['loadTasteMap'] = function (map) {
  if (typeof map !== 'string' && (map === null || typeof map !== 'object'))
    throw new AerecError('invalid_argument', 'loadTasteMap takes the map file\'s JSON text or the object it parses to');
  return new TasteMap(checked(Module['rawLoadTasteMap'](typeof map === 'string' ? map : JSON.stringify(map))));
};
