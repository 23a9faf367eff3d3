// Predictions for the visitor: one model.predict per change of ratings, cached, serves the
// search results, the starter grid and every recommendation view (a genre filter has to rank all
// unrated movies of that genre, not just filter an overall top 20).

export class Recommender {
  constructor(model, catalog) {
    this.model = model;
    this.catalog = catalog;
    this.ratings = new Float32Array(model.numItems);
    this.predictions = model.predict(this.ratings);
  }

  /** `rated`: [[movieId, rating], ...]. */
  update(rated) {
    this.ratings.fill(0);
    for (const [id, rating] of rated) this.ratings[this.catalog.byId.get(id).column] = rating;
    this.predictions = this.model.predict(this.ratings);
  }

  predicted(movie) {
    return this.predictions[movie.column];
  }

  /**
   * The `count` unrated movies with the highest predictions, as [{movie, score}]; `genre` ('' for
   * all) and `minRatings` (how many MovieLens ratings a movie needs) narrow the candidates.
   */
  top({ count, genre = '', minRatings = 0 }) {
    const candidates = this.catalog.movies.filter(
      (movie) =>
        this.ratings[movie.column] === 0 &&
        movie.ratings >= minRatings &&
        (!genre || movie.genres.includes(genre)),
    );
    candidates.sort((a, b) => this.predicted(b) - this.predicted(a) || b.ratings - a.ratings);
    return candidates.slice(0, count).map((movie) => ({ movie, score: this.predicted(movie) }));
  }
}
