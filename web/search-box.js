// The search field and its results. Arrow keys move real focus through the result rows (so
// screen readers read each one); typing on a row goes back to the field; digits 1-5 are handled
// by the page, which rates the movie of whatever row or card has focus. A rating changes the rows
// in place (stars, predictions) rather than redrawing them, which would move the focus.

import { replaceItems } from './render.js';

export class SearchBox {
  /** `search(query, limit)` finds movies; `renderResult(movie)` makes a result row. */
  constructor({ input, list, empty, limit, search, renderResult }) {
    Object.assign(this, { input, list, empty, limit, search, renderResult });
    input.addEventListener('input', () => this.refresh());
    input.addEventListener('keydown', (event) => this.onInputKey(event));
    list.addEventListener('keydown', (event) => this.onListKey(event));
  }

  rows() {
    return [...this.list.children];
  }

  /** Shows the movies that match the field's text. */
  refresh() {
    const query = this.input.value.trim();
    const movies = this.search(query, this.limit);
    replaceItems(this.list, movies.map((movie) => this.renderResult(movie)), this.input);
    this.list.hidden = movies.length === 0;
    this.empty.hidden = !(query && movies.length === 0);
    this.empty.textContent = `No movie title matches “${query}”.`;
  }

  onInputKey(event) {
    if ((event.key === 'ArrowDown' || event.key === 'Enter') && this.rows().length) {
      event.preventDefault();
      this.rows()[0].focus();
    }
  }

  onListKey(event) {
    const rows = this.rows();
    const row = event.target.closest('li');
    const index = rows.indexOf(row);
    const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: rows.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      const next = moves[event.key];
      (next < 0 ? this.input : rows[Math.min(next, rows.length - 1)]).focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.input.focus();
    } else if (event.key === 'Enter' && event.target === row) {
      event.preventDefault();
      row.querySelector('button[tabindex="0"]')?.focus();
    } else if (event.key.length === 1 && !/[1-5]/.test(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // Focusing the field during keydown lets the typed character land in it.
      this.input.focus();
    }
  }
}
