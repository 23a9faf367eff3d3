// DOM builders for movies, stars and lists. Every place that rates a movie uses `stars()`, so
// the test hooks, labels and keyboard behaviour are the same everywhere.

const numberFormat = new Intl.NumberFormat('en');

/** Creates an element: `props` are attributes (`dataset`, `className` and `text` are special). */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') element.className = value;
    else if (key === 'text') element.textContent = value;
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

export function formatCount(n) {
  return numberFormat.format(n);
}

export function formatScore(score) {
  return score.toFixed(1);
}

function starCount(n) {
  return `${n} star${n === 1 ? '' : 's'}`;
}

/** "★★★½" for 3.5: whole stars, then a half. */
export function starsText(rating) {
  return '★'.repeat(Math.floor(rating)) + (rating % 1 >= 0.5 ? '½' : '');
}

/**
 * The ratings a visitor can give on the model's scale: whole stars from 1 to 5, or half stars from
 * 0.5 (MovieLens' newer sets, ml-latest and ml-20m/25m, rate in halves).
 */
export function ratingValues(scale) {
  const step = scale.min > 0 && scale.min < 1 ? scale.min : 1;
  const values = [];
  for (let v = scale.min; v <= scale.max + 1e-6; v += step) values.push(Math.round(v * 2) / 2);
  return values;
}

/** Marks the chosen star and keeps one star of the group in the tab order (arrows move). */
function markStars(group, rating) {
  group.dataset.rating = String(rating);
  const buttons = [...group.querySelectorAll('button[data-rate]')];
  const focusable = buttons.find((b) => Number(b.dataset.rate) === rating) ?? buttons.find((b) => Number(b.dataset.rate) >= 1) ?? buttons[0];
  for (const button of buttons) {
    const n = Number(button.dataset.rate);
    button.setAttribute('aria-pressed', String(n === rating));
    button.classList.toggle('lit', n <= rating);
    button.tabIndex = button === focusable ? 0 : -1;
  }
}

/** A rating control; half-star scales draw each star as two halves. */
export function stars(movie, rating, values = [1, 2, 3, 4, 5]) {
  const halves = values.some((v) => v % 1 !== 0);
  const group = h('div', {
    className: halves ? 'stars halves' : 'stars',
    role: 'group',
    'aria-label': `Your rating of ${movie.title}`,
    dataset: { starsFor: movie.id },
  });
  for (const n of values) {
    const half = n % 1 !== 0 ? 'left' : halves ? 'right' : null;
    group.append(h('button', {
      type: 'button',
      className: half ? `star half-${half}` : 'star',
      'aria-label': `Rate ${movie.title} ${starCount(n)}`,
      title: starCount(n),
      dataset: { testid: `rate-${n}`, rate: n },
    }, h('span', { className: 'glyph', 'aria-hidden': 'true', text: '★' })));
  }
  markStars(group, rating);
  return group;
}

/** Updates every star group of one movie on the page. */
export function syncStars(root, movieId, rating) {
  for (const group of root.querySelectorAll(`.stars[data-stars-for="${movieId}"]`)) markStars(group, rating);
}

function titleLine(movie) {
  return h('span', { className: 'movie-title' },
    h('span', { className: 'title-text', text: movie.title }),
    movie.year ? h('span', { className: 'year', text: String(movie.year) }) : null);
}

function genreLine(movie) {
  return h('span', { className: 'genres', text: movie.genres.join(' · ') });
}

/** "4.6 ★" with a bar whose length spans the rating scale. */
function scoreBadge(score, scale) {
  const fill = (score - scale.min) / (scale.max - scale.min);
  const bar = h('span', { className: 'bar', 'aria-hidden': 'true' }, h('span', { className: 'bar-fill' }));
  bar.style.setProperty('--fill', Math.min(1, Math.max(0, fill)).toFixed(3));
  return h('span', { className: 'score' },
    h('span', { className: 'score-value', 'aria-hidden': 'true', text: `${formatScore(score)} ★` }),
    h('span', { className: 'visually-hidden', text: `predicted rating ${formatScore(score)} out of ${scale.max}` }),
    bar);
}

function predictedText(score) {
  return `${formatScore(score)} ★ predicted`;
}

/** The predicted rating of a search result; `syncPredictions` updates it in place. */
function predictedPill(movie, score) {
  return h('span', {
    id: `predicted-${movie.id}`,
    className: 'pill predicted',
    title: 'The rating the model predicts you would give',
    dataset: { predictedFor: movie.id },
    text: predictedText(score),
  });
}

/** Updates the predicted ratings shown on the page; `predicted(movieId)` gives the new ones. */
export function syncPredictions(root, predicted) {
  for (const pill of root.querySelectorAll('[data-predicted-for]')) {
    pill.textContent = predictedText(predicted(Number(pill.dataset.predictedFor)));
  }
}

export function searchResult(movie, rating, predicted, values) {
  return h('li', {
    className: 'result',
    tabindex: -1,
    'aria-label': `${movie.title}${movie.year ? `, ${movie.year}` : ''}`,
    'aria-describedby': `predicted-${movie.id}`,
    dataset: { testid: 'search-result', movieId: movie.id },
  },
  h('span', { className: 'result-text' }, titleLine(movie), genreLine(movie)),
  predictedPill(movie, predicted),
  stars(movie, rating, values));
}

/** "Because you rated Fargo ★★★★★ and Titanic ★", from explain's reasons. */
export function reasonText(reasons) {
  if (reasons.length === 0) return 'Widely liked by MovieLens viewers';
  const named = reasons.map((r) => `${r.movie.title} ${starsText(r.rating)}`);
  return `Because you rated ${named.join(' and ')}`;
}

function moreLikeButton(movie) {
  return h('button', {
    type: 'button',
    className: 'more-like',
    'aria-label': `More movies like ${movie.title}`,
    dataset: { testid: 'more-like', similarTo: movie.id },
  }, 'More like this');
}

export function recommendation(rank, { movie, score, stars: predicted }, scale, reasons, values) {
  return h('li', {
    className: 'rec',
    dataset: { testid: 'recommendation', movieId: movie.id, score: score.toFixed(4), stars: predicted.toFixed(2) },
  },
  h('span', { className: 'rank', 'aria-hidden': 'true', text: String(rank) }),
  h('span', { className: 'rec-text' }, titleLine(movie), genreLine(movie),
    h('span', { className: 'reason', dataset: { testid: 'reason' }, text: reasonText(reasons) })),
  scoreBadge(predicted, scale),
  h('span', { className: 'rec-actions' }, stars(movie, 0, values), moreLikeButton(movie)));
}

/** A neighbour in "More like this": the movie, how alike, its predicted stars and a rating control. */
export function similarMovie({ movie, similarity }, predicted, rating, values) {
  return h('li', {
    className: 'result similar-movie',
    dataset: { testid: 'similar-movie', movieId: movie.id, similarity: similarity.toFixed(3) },
  },
  h('span', { className: 'result-text' }, titleLine(movie), genreLine(movie)),
  predictedPill(movie, predicted),
  stars(movie, rating, values));
}

/** The movie picked on the taste map: its predicted stars and a rating control. */
export function mapMovie(movie, predicted, rating, values) {
  return h('li', { className: 'result map-movie', dataset: { testid: 'map-movie', movieId: movie.id } },
    h('span', { className: 'result-text' }, titleLine(movie), genreLine(movie)),
    predictedPill(movie, predicted),
    stars(movie, rating, values));
}

export function ratedMovie(movie, rating, values) {
  return h('li', { className: 'rated', dataset: { testid: 'rated-movie', movieId: movie.id } },
    h('span', { className: 'rated-text' }, titleLine(movie)),
    stars(movie, rating, values),
    h('button', {
      type: 'button',
      className: 'remove',
      'aria-label': `Remove your rating of ${movie.title}`,
      title: 'Remove rating',
      dataset: { testid: 'remove-rating', remove: movie.id },
    }, '×'));
}

export function starterCard(movie, rating, values) {
  return h('li', { className: 'starter', dataset: { movieId: movie.id } },
    titleLine(movie),
    h('span', { className: 'starter-meta', text: movie.genres.slice(0, 2).join(' · ') }),
    stars(movie, rating, values));
}

/** A movie in "Up next": a starter's card with its place in the row. */
export function upNextMovie(rank, movie, rating, values) {
  const card = starterCard(movie, rating, values);
  card.classList.add('up-next-movie');
  card.dataset.testid = 'up-next-movie';
  card.prepend(h('span', { className: 'up-next-rank', 'aria-hidden': 'true', text: String(rank) }));
  return card;
}

/**
 * Replaces a list's items without losing the keyboard user's place: focus returns to the same
 * control of the same movie, else to the item now at the same position, else to `fallback`.
 */
export function replaceItems(list, items, fallback = null) {
  const focused = list.contains(document.activeElement) ? document.activeElement : null;
  const item = focused?.closest('li');
  const index = item ? [...list.children].indexOf(item) : -1;
  list.replaceChildren(...items);
  if (!focused) return;
  const target = list.querySelector(`li[data-movie-id="${item?.dataset.movieId}"]`) ??
    list.children[Math.min(index, list.children.length - 1)];
  const control = focused === item ? target : target?.querySelector(controlSelector(focused)) ?? target?.querySelector('button');
  (control ?? fallback)?.focus({ preventScroll: true });
}

function controlSelector(element) {
  if (element.dataset.rate) return `button[data-rate="${element.dataset.rate}"]`;
  if (element.dataset.remove) return 'button[data-remove]';
  if (element.dataset.similarTo) return 'button[data-similar-to]';
  return 'button';
}
