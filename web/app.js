// The demo page: loads the wasm module, the model and the movie list, then keeps the visitor's
// ratings, the predictions and every list on the page in step.

import { buildCatalog, pickStarters } from './catalog.js';
import { OBSCURE_BELOW, RECOMMENDATION_COUNT, Recommender } from './recommender.js';
import * as render from './render.js';
import { createSearch } from './search.js';
import { SearchBox } from './search-box.js';
import { RatingStore } from './store.js';
import { mapPoints, TasteMapView } from './taste-map.js';
import { UpNext } from './up-next.js';

const RESULT_LIMIT = 8;
const STARTER_COUNT = 12;
const SIMILAR_COUNT = 8;

const $ = (id) => document.getElementById(id);

async function fetchOk(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${response.statusText}`);
  return response;
}

const bytesOf = (path) => fetchOk(path).then((response) => response.arrayBuffer());

/**
 * The ranking model orders the movies; the rating model predicts their stars. The sequence model
 * of "Up next" is fetched meanwhile but not waited for: the page works before it, or without it.
 */
async function loadDemo() {
  const upNextBytes = bytesOf('demo/up-next.aerec');
  upNextBytes.catch(() => {});  // its failure is said in its row, once the page is up
  const [aerec, movieList, ranking, rating, mapJson] = await Promise.all([
    // First: the module fetches its own wasm, one build's or the other's (several threads where
    // the page is cross-origin isolated, as serve.mjs makes it, else one), so none is preloaded.
    import('./aerec/aerec.js').then(({ default: createAerec }) => createAerec()),
    fetchOk('demo/movies.json').then((response) => response.json()),
    bytesOf('demo/ranking.aerec'),
    bytesOf('demo/model.aerec'),
    // The page works without its map: a missing or damaged one is said in its panel.
    fetchOk('demo/taste-map.json').then((response) => response.json()).catch((error) => ({ error })),
  ]);
  document.body.dataset.threads = String(aerec.threads);
  const model = aerec.loadRecommender({ ranking, rating });
  const catalog = buildCatalog(movieList, model.itemIds());
  const upNext = upNextBytes.then((bytes) => new UpNext(aerec.loadSequenceModel(bytes), catalog));
  return { model, catalog, upNext, map: loadMap(aerec, model, catalog, mapJson), modelBytes: ranking.byteLength + rating.byteLength };
}

/** The map's points and placer, or { error } saying why there is no map. */
function loadMap(aerec, model, catalog, json) {
  if (json.error) return json;
  try {
    const placer = aerec.loadTasteMap(json);
    if (placer.codeSize !== model.codeSize) {
      placer.delete();
      throw new Error(`demo/taste-map.json was made from another model (codes of ${placer.codeSize} numbers, not ${model.codeSize})`);
    }
    return { placer, likedRating: aerec.likedRating, ...mapPoints(json, catalog) };
  } catch (error) {
    return { error };
  }
}

function localStorageOrNull() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function showLoadError(error) {
  $('loading').hidden = true;
  $('load-error').hidden = false;
  $('load-error-message').textContent = error?.code ? `${error.message} (${error.code})` : String(error?.message ?? error);
  $('load-error-hint').textContent = location.protocol === 'file:'
    ? 'Open the page through a web server, for example: node web/serve.mjs'
    : 'Reload the page to try again; if it keeps failing, the demo files on the site are missing or damaged.';
}

/** "3,706 → 200 → 3,706, tanh" */
function shapeOf(model, which) {
  const { config = {} } = model.metadata(which);
  const movies = render.formatCount(model.numItems);
  const shape = Array.isArray(config.layers) ? [movies, ...config.layers, movies].join(' → ') : `${movies} movies`;
  return [shape, config.activation].filter(Boolean).join(', ');
}

/** "Ranking: Mult-DAE 3,706 → 200 → 3,706, tanh. Stars: 3,706 → 48 → 3,706, sigmoid. 1.9 MB." */
function modelSummary(model, modelBytes) {
  const parts = [];
  if (model.ranks) parts.push(`Ranking: ${shapeOf(model, 'ranking')}.`);
  if (model.hasStars) parts.push(`Stars: ${shapeOf(model, 'rating')}.`);
  return `Models: ${parts.join(' ')} ${(modelBytes / 1e6).toFixed(1)} MB.`;
}

class DemoPage {
  constructor({ model, catalog, map, upNext, modelBytes }) {
    this.model = model;
    this.catalog = catalog;
    this.values = render.ratingValues(model.scale);
    this.store = new RatingStore(localStorageOrNull(), (id) => catalog.byId.has(id), this.values);
    this.recommender = new Recommender(model, catalog);
    this.recommender.update(this.store.newestFirst());
    this.version = 0;
    this.setUpMap(map);
    this.setUpUpNext(upNext);
    new SearchBox({
      input: $('movie-search'),
      list: $('search-results'),
      empty: $('search-empty'),
      limit: RESULT_LIMIT,
      search: createSearch(catalog.movies),
      renderResult: (movie) =>
        render.searchResult(movie, this.store.rating(movie.id), this.recommender.predicted(movie), this.values),
    });
    this.describe(modelBytes);
    this.renderStarters();
    this.renderGenres();
    this.listen();
    this.refresh();
  }

  /** The taste map panel, or the reason it has none. */
  setUpMap(map) {
    if (map.error) {
      $('map-message').textContent = `The taste map is not available: ${map.error.message}`;
      $('map-message').hidden = false;
      $('map-you-hint').hidden = true;
      for (const button of document.querySelectorAll('[data-map-zoom]')) button.disabled = true;
      return;
    }
    this.placer = map.placer;
    this.likedRating = map.likedRating;
    this.map = new TasteMapView(map, {
      frame: $('map-frame'), canvas: $('map-canvas'), youDot: $('you-dot'), tip: $('map-tip'),
      legend: $('map-legend'), status: $('map-status'),
    }, (movie) => this.showOnMap(movie));
    $('map-frame').setAttribute('aria-label', `Taste map of ${render.formatCount(map.points.length)} movies`);
    for (const button of document.querySelectorAll('[data-map-zoom]')) {
      button.addEventListener('click', () => this.map.zoomButton(button.dataset.mapZoom));
    }
  }

  /** "Up next" appears when its model has loaded, or says why it cannot. */
  setUpUpNext(upNext) {
    upNext.then((loaded) => {
      this.upNext = loaded;
      this.renderUpNext();
    }, (error) => {
      $('up-next-status').textContent = `"Up next" is not available: ${error.message}`;
    });
  }

  /** The row from the ratings in the order given, timed for the browser test (data-update-ms). */
  renderUpNext() {
    if (!this.upNext) return;
    const start = performance.now();
    const next = this.upNext.next(this.store.oldestFirst());
    const list = $('up-next');
    render.replaceItems(list, next.map((entry, i) => render.upNextMovie(i + 1, entry.movie, 0, this.values)), $('up-next-heading'));
    list.hidden = next.length === 0;
    $('up-next-status').textContent = this.store.size === 0
      ? 'Rate a few movies, one after another, to see what might come next.'
      : next.length === 0 ? 'None of the movies you rated is one the sequence model knows: rate a few more.' : '';
    $('up-next-status').hidden = next.length > 0;
    list.dataset.version = String(Number(list.dataset.version) + 1);
    list.dataset.updateMs = (performance.now() - start).toFixed(2);
  }

  /** A movie clicked on the map, ready to rate under it. */
  showOnMap(movie) {
    const item = render.mapMovie(movie, this.recommender.predicted(movie), this.store.rating(movie.id), this.values);
    $('map-selected').replaceChildren(item);
    $('map-selected').hidden = false;
  }

  /**
   * The visitor's dot (placed from the movies they liked: none before the first), their rated
   * and recommended movies.
   */
  updateMap(top) {
    if (!this.map) return;
    const rated = new Map(this.store.newestFirst());
    const you = this.placer.place(this.model, this.recommender.ratings);
    this.map.update({ you, rated, recommended: top.map((entry) => entry.movie.id) });
    const liked = [...rated.values()].filter((stars) => stars >= this.likedRating).length;
    $('map-you-hint').textContent = you
      ? `Blue rings mark your recommendations, gold rings the movies you rated. Your dot sits where the ${liked} movie${liked === 1 ? '' : 's'} you liked put your taste, and moves as you rate.`
      : `Rate a movie ${this.likedRating} stars or more and your own dot appears where your taste sits.`;
  }

  describe(modelBytes) {
    const movies = render.formatCount(this.model.numItems);
    for (const element of document.querySelectorAll('[data-fill="movie-count"]')) element.textContent = movies;
    $('movie-search').placeholder = `Search ${movies} movies`;
    const { min, max } = this.model.scale;
    const halves = this.values.some((v) => v % 1 !== 0);
    $('scale-note').textContent = `This model's ratings go from ${min === 0.5 ? '½' : min} to ${max} stars${halves ? ', in half stars' : ''}.`;
    $('model-info').textContent = modelSummary(this.model, modelBytes);
  }

  renderStarters() {
    const starters = pickStarters(this.catalog.movies, STARTER_COUNT);
    $('starter-grid').replaceChildren(
      ...starters.map((movie) => render.starterCard(movie, this.store.rating(movie.id), this.values)));
    $('starters').open = this.store.size === 0;
  }

  renderGenres() {
    const options = this.catalog.genres.map((genre) => render.h('option', { value: genre, text: genre }));
    $('genre-filter').append(...options);
  }

  listen() {
    document.addEventListener('click', (event) => this.onClick(event));
    document.addEventListener('keydown', (event) => this.onKey(event));
    $('genre-filter').addEventListener('change', () => this.renderRecommendations());
    $('include-obscure').addEventListener('change', () => this.renderRecommendations());
    $('similar-close').addEventListener('click', () => this.hideSimilar());
    $('reset').addEventListener('click', () => {
      $('reset-count').textContent = String(this.store.size);
      $('reset-dialog').showModal();
    });
    $('reset-dialog').addEventListener('close', () => {
      if ($('reset-dialog').returnValue !== 'clear') return;
      const rated = this.store.newestFirst().map(([id]) => id);
      this.changeRatings(() => this.store.clear(), rated);
    });
  }

  onClick(event) {
    const more = event.target.closest('button[data-similar-to]');
    if (more) {
      this.showSimilar(Number(more.dataset.similarTo));
      return;
    }
    const button = event.target.closest('button[data-rate], button[data-remove]');
    if (!button) return;
    const id = Number(button.closest('[data-movie-id]').dataset.movieId);
    if (button.dataset.rate) this.changeRatings(() => this.store.set(id, Number(button.dataset.rate)), [id]);
    else this.changeRatings(() => this.store.remove(id), [id]);
  }

  /** "More like this": the movie's neighbours in the ranking model's item space. */
  showSimilar(id) {
    this.similarTo = this.catalog.byId.get(id);
    this.renderSimilar();
    $('similar-card').hidden = false;
    $('similar-heading').focus({ preventScroll: true });
    $('similar-card').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  hideSimilar() {
    const id = this.similarTo?.id;
    this.similarTo = null;
    $('similar-card').hidden = true;
    document.querySelector(`button[data-similar-to="${id}"]`)?.focus();
  }

  renderSimilar() {
    if (!this.similarTo) return;
    $('similar-title').textContent = this.similarTo.title;
    const items = this.recommender.similar(this.similarTo, SIMILAR_COUNT).map((entry) =>
      render.similarMovie(entry, this.recommender.predicted(entry.movie), this.store.rating(entry.movie.id), this.values));
    render.replaceItems($('similar-list'), items, $('similar-heading'));
  }

  /** Digits 1-5 rate the movie whose row or card has focus; arrows move between its stars. */
  onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.matches('input, select, textarea')) return;
    const holder = event.target.closest('[data-movie-id]');
    if (holder && /^[1-5]$/.test(event.key)) {
      event.preventDefault();
      const id = Number(holder.dataset.movieId);
      this.changeRatings(() => this.store.set(id, Number(event.key)), [id]);
    } else if (event.target.matches('.star') && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      event.preventDefault();
      const sibling = event.key === 'ArrowLeft' ? event.target.previousElementSibling : event.target.nextElementSibling;
      if (!sibling) return;
      event.target.tabIndex = -1;
      sibling.tabIndex = 0;
      sibling.focus();
    }
  }

  /** Applies one change to the ratings of `movieIds`, then predicts once and redraws. */
  changeRatings(change, movieIds) {
    const saved = change();
    $('storage-warning').hidden = saved;
    this.recommender.update(this.store.newestFirst());
    for (const id of movieIds) render.syncStars(document, id, this.store.rating(id));
    this.refresh();
  }

  refresh() {
    this.renderRated();
    this.renderRecommendations();
    this.renderUpNext();
    render.syncPredictions(document, (id) => this.recommender.predicted(this.catalog.byId.get(id)));
    this.renderSimilar();
  }

  /** Rows of movies still rated are kept (syncStars has set their stars); new ones are made. */
  renderRated() {
    const list = $('rated-list');
    const shown = new Map([...list.children].map((item) => [Number(item.dataset.movieId), item]));
    const rated = this.store.newestFirst().map(([id, rating]) =>
      shown.get(id) ?? render.ratedMovie(this.catalog.byId.get(id), rating, this.values));
    const same = rated.length === shown.size && rated.every((item, i) => item === list.children[i]);
    if (!same) render.replaceItems(list, rated, $('movie-search'));
    $('rated-count').textContent = String(rated.length);
    $('rated-empty').hidden = rated.length > 0;
    $('reset').disabled = rated.length === 0;
  }

  renderRecommendations() {
    const list = $('recommendations');
    const hasRatings = this.store.size > 0;
    const genre = $('genre-filter').value;
    const top = hasRatings
      ? this.recommender.top({
        count: RECOMMENDATION_COUNT,
        genre,
        minRatings: $('include-obscure').checked ? 0 : OBSCURE_BELOW,
      })
      : [];
    const scale = this.model.scale;
    const reasons = this.recommender.reasons(top);
    render.replaceItems(list, top.map((entry, i) => render.recommendation(i + 1, entry, scale, reasons[i], this.values)), $('recs-heading'));
    $('recs-empty').hidden = hasRatings;
    list.hidden = !hasRatings;
    list.dataset.version = String(++this.version);
    list.dataset.updatedAt = String(Math.round(performance.now()));
    $('recs-status').textContent = this.statusLine(top, genre);
    this.updateMap(top);
  }

  statusLine(top, genre) {
    const count = this.store.size;
    if (count === 0) return '';
    const basis = `from your ${count} rating${count === 1 ? '' : 's'}`;
    if (top.length === 0) return `No unrated ${genre ? `${genre} ` : ''}movies to show: try including little-known movies.`;
    const best = top[0];
    return `Top ${top.length}${genre ? ` ${genre}` : ''} ${basis}. Best: ${best.movie.title}, ${render.formatScore(best.stars)} stars predicted.`;
  }
}

try {
  new DemoPage(await loadDemo());
  $('loading').hidden = true;
  $('app').hidden = false;
  document.body.dataset.ready = 'true';
} catch (error) {
  showLoadError(error);
}
