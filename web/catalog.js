// The movies of the model's columns, described by demo/movies.json (entry i is column i).

import { parseTitle } from './titles.js';

function checkMatches(entries, itemIds) {
  if (!Array.isArray(entries) || entries.length !== itemIds.length) {
    throw new Error(`demo/movies.json lists ${entries?.length ?? 0} movies but the model has ${itemIds.length}`);
  }
  const column = entries.findIndex((entry, i) => entry.id !== itemIds[i]);
  if (column >= 0) {
    throw new Error(`demo/movies.json does not match the model: column ${column} is movie ${itemIds[column]}, not ${entries[column].id}`);
  }
}

/** Movies in column order, with display titles; throws when the list and the model disagree. */
export function buildCatalog(json, itemIds) {
  checkMatches(json?.movies, itemIds);
  const movies = json.movies.map((entry, column) => {
    const { title, bare, year } = parseTitle(entry.title);
    return {
      id: entry.id,
      column,
      title,
      bare,
      year: entry.year || year,
      genres: entry.genres ?? [],
      ratings: entry.ratings ?? 0,
      mean: entry.mean ?? null,
    };
  });
  const genres = [...new Set(movies.flatMap((movie) => movie.genres))].sort();
  return { movies, byId: new Map(movies.map((movie) => [movie.id, movie])), genres };
}

/**
 * Well-known movies for a first visit: the most rated, at most `perGenre` sharing a first genre
 * and one per series ("Star Wars: ..."), so that the grid spans tastes.
 */
export function pickStarters(movies, count, perGenre = 2) {
  const byPopularity = [...movies].sort((a, b) => b.ratings - a.ratings);
  const genreUses = new Map();
  const series = new Set();
  const picked = [];
  for (const movie of byPopularity) {
    if (picked.length === count) break;
    const genre = movie.genres[0] ?? '';
    const name = movie.bare.split(':')[0];
    if ((genreUses.get(genre) ?? 0) >= perGenre || series.has(name)) continue;
    genreUses.set(genre, (genreUses.get(genre) ?? 0) + 1);
    series.add(name);
    picked.push(movie);
  }
  return picked;
}
