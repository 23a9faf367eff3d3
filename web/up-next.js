// "Up next": the movies the sequence model (demo/up-next.aerec, aerec train --preset seq2seq on
// ml-latest-small) predicts the visitor watches next, from the movies they rated in the order
// they rated them. The module's SequenceModel.nextItems does the predicting; this only keeps to
// the movies both the model and the page's catalog know. No DOM here.

/** How many movies the row shows. */
export const UP_NEXT_COUNT = 8;
// The model knows movies the ML-1M catalog lacks (later ones): ask for more than are shown.
const ASKED = 60;

export class UpNext {
  constructor(model, catalog) {
    this.model = model;
    this.catalog = catalog;
    this.known = new Set(model.itemIds());
  }

  /**
   * `rated`: [[movieId, rating], ...] in the order rated. The next movies as [{movie, score}],
   * best first; [] before any rated movie the model knows.
   */
  next(rated, count = UP_NEXT_COUNT) {
    const history = rated.filter(([id]) => this.known.has(id)).map(([itemId, rating]) => ({ itemId, rating }));
    if (history.length === 0) return [];
    return this.model.nextItems(history, Math.min(ASKED, this.model.numItems))
      .filter((r) => this.catalog.byId.has(r.itemId))
      .slice(0, count)
      .map((r) => ({ movie: this.catalog.byId.get(r.itemId), score: r.score }));
  }
}
