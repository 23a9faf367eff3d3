// Predictions for the visitor: one model.predictions per change of ratings, cached, serves the
// search results, the starter grid and every recommendation view (a genre filter has to rank all
// unrated movies of that genre, not just filter an overall top 20). No DOM here: the demo's
// quality benchmark (bench/demo_quality.mjs) ranks held-out users with this same code.

/** Below this many MovieLens ratings a movie is hidden unless the visitor asks for little-known ones. */
export const OBSCURE_BELOW = 20;
export const RECOMMENDATION_COUNT = 20;
/** Reasons shown per recommendation. */
export const REASONS_PER_MOVIE = 2;

export class Recommender {
  constructor(model, catalog) {
    this.model = model;
    this.catalog = catalog;
    this.ratings = new Float32Array(model.numItems);
    this.update([]);
  }

  /** `rated`: [[movieId, rating], ...]. */
  update(rated) {
    this.ratings.fill(0);
    for (const [id, rating] of rated) this.ratings[this.catalog.byId.get(id).column] = rating;
    const { scores, stars } = this.model.predictions(this.ratings);
    this.scores = scores;
    this.stars = stars ?? scores;
  }

  /** The stars the model predicts for `movie`. */
  predicted(movie) {
    return this.stars[movie.column];
  }

  /**
   * The `count` unrated movies that rank highest, as [{movie, score, stars}]; `genre` ('' for
   * all) and `minRatings` (how many MovieLens ratings a movie needs) narrow the candidates.
   */
  top({ count, genre = '', minRatings = 0 }) {
    const score = (movie) => this.scores[movie.column];
    const candidates = this.catalog.movies.filter(
      (movie) =>
        this.ratings[movie.column] === 0 &&
        movie.ratings >= minRatings &&
        (!genre || movie.genres.includes(genre)),
    );
    candidates.sort((a, b) => score(b) - score(a) || b.ratings - a.ratings);
    return candidates.slice(0, count).map((movie) => ({ movie, score: score(movie), stars: this.predicted(movie) }));
  }

  /** For each entry of `top`, the rated movies behind it: [[{movie, rating, effect}], ...], in one batch. */
  reasons(top, k = REASONS_PER_MOVIE) {
    if (top.length === 0) return [];
    const lists = this.model.explain(this.ratings, top.map((entry) => entry.movie.id), k);
    return lists.map((list) => list.map((r) => ({ movie: this.catalog.byId.get(r.itemId), rating: r.rating, effect: r.effect })));
  }

  /** The `k` movies most like `movie`, as [{movie, similarity}]. */
  similar(movie, k) {
    return this.model.similar(movie.id, k).map((n) => ({ movie: this.catalog.byId.get(n.itemId), similarity: n.similarity }));
  }
}
