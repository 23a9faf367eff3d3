// The visitor's ratings, kept in localStorage by movie id with the time of its first rating: the
// list shows the newest first, and the order rated feeds "Up next" (a re-rating keeps the movie's
// place: new stars for a movie do not change when it was watched). Storage can be missing or full
// (private windows, quotas): the page then keeps ratings for the session only.

export const STORAGE_KEY = 'aerec-demo-ratings-v1';


function readStored(storage) {
  try {
    const parsed = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

export class RatingStore {
  /**
   * `isKnown(id)` filters out stored ids that the current model does not have; `values` are the
   * ratings the model's scale allows (stored ones off it are dropped).
   */
  constructor(storage, isKnown, values = [1, 2, 3, 4, 5]) {
    this.storage = storage;
    this.values = new Set(values);
    this.ratings = new Map();
    for (const [key, entry] of Object.entries(readStored(storage))) {
      const id = Number(key);
      if (isKnown(id) && this.isRating(entry?.rating)) {
        this.ratings.set(id, { rating: entry.rating, at: Number(entry.at) || 0 });
      }
    }
  }

  isRating(value) {
    return this.values.has(value);
  }

  get size() {
    return this.ratings.size;
  }

  rating(id) {
    return this.ratings.get(id)?.rating ?? 0;
  }

  /** [[id, rating], ...], newest first. */
  newestFirst() {
    return this.oldestFirst().reverse();
  }

  /** [[id, rating], ...] in the order rated: what the sequence model reads. */
  oldestFirst() {
    return [...this.ratings].sort((a, b) => a[1].at - b[1].at).map(([id, entry]) => [id, entry.rating]);
  }

  /** A changed rating keeps its place in the list; a new one goes first. */
  set(id, rating) {
    if (!this.isRating(rating)) throw new RangeError(`rating must be one of ${[...this.values].join(', ')}, not ${rating}`);
    const at = this.ratings.get(id)?.at ?? this.nextTime();
    this.ratings.set(id, { rating, at });
    return this.save();
  }

  /** Now, or just after the newest rating when ratings come faster than the clock ticks. */
  nextTime() {
    let newest = 0;
    for (const entry of this.ratings.values()) newest = Math.max(newest, entry.at);
    return Math.max(Date.now(), newest + 1);
  }

  remove(id) {
    this.ratings.delete(id);
    return this.save();
  }

  clear() {
    this.ratings.clear();
    return this.save();
  }

  /** Returns false when the browser would not store the ratings. */
  save() {
    try {
      this.storage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(this.ratings)));
      return true;
    } catch {
      return false;
    }
  }
}
