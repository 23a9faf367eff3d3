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

/** A loaded model. Call delete() when done: its memory lives in the wasm heap. */
class Model {
  constructor(raw) {
    this._raw = raw;
    this._index = null;
    this.numItems = raw.numItems();
    this.codeSize = raw.codeSize();
    this.scale = Object.freeze({ min: raw.scaleMin(), max: raw.scaleMax() });
  }

  _live() {
    if (this._raw === null) throw new AerecError('invalid_argument', 'this model has been deleted');
    return this._raw;
  }

  itemIds() { return this._live().itemIds(); }

  /** The metadata the CLI stored with the model (training data, configuration, figures). */
  metadata() {
    const text = this._live().metadata();
    try { return text ? JSON.parse(text) : {}; } catch (e) { return { text: text }; }
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

  /** Predictions for `count` users at once: rows holds their ratings one after another. */
  predictBatch(rows, count) {
    if (!Number.isInteger(count) || count < 0)
      throw new AerecError('invalid_argument', 'count must be a whole number >= 0, not ' + count);
    return checked(this._live().predictBatch(requireRatings(rows), count));
  }

  encode(ratings) { return checked(this._live().encode(requireRatings(ratings))); }

  recommend(ratings, k) {
    if (k === undefined) k = 20;
    if (!Number.isInteger(k) || k < 0 || k > 0x7fffffff)
      throw new AerecError('invalid_argument', 'k must be a whole number >= 0, not ' + k);
    return checked(this._live().recommend(requireRatings(ratings), k));
  }

  delete() {
    if (this._raw !== null) this._raw.delete();
    this._raw = null;
  }
}

Module['AerecError'] = AerecError;
Module['loadModel'] = function (bytes) {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array))
    throw new AerecError('invalid_argument', 'loadModel takes the model file as a Uint8Array or ArrayBuffer');
  return new Model(checked(Module['rawLoadModel'](bytes)));
};
