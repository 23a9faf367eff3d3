// Type-ahead over titles: every query word must occur in the title; a title that starts with the
// query ranks first, then one where each word starts a title word, then any substring match;
// popularity breaks ties, since the movie someone means is usually the well-known one.

const PREFIX = 0;
const WORD_START = 1;
const SUBSTRING = 2;

/** Lower case, accents and apostrophes dropped, other punctuation as spaces. */
export function fold(text) {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function indexEntry(movie) {
  const text = fold(`${movie.title} ${movie.year ?? ''}`);
  return { movie, text, bare: fold(movie.bare), words: text.split(' ') };
}

function matchTier(entry, query, queryWords) {
  if (entry.text.startsWith(query) || entry.bare.startsWith(query)) return PREFIX;
  if (queryWords.every((word) => entry.words.some((titleWord) => titleWord.startsWith(word)))) return WORD_START;
  if (queryWords.every((word) => entry.text.includes(word))) return SUBSTRING;
  return -1;
}

/** Returns `search(query, limit)`, which lists the best-matching movies, best first. */
export function createSearch(movies) {
  const entries = movies.map(indexEntry);
  return (query, limit) => {
    const folded = fold(query);
    if (!folded) return [];
    const words = folded.split(' ');
    const hits = [];
    for (const entry of entries) {
      const tier = matchTier(entry, folded, words);
      if (tier >= 0) hits.push({ movie: entry.movie, tier });
    }
    hits.sort((a, b) => a.tier - b.tier || b.movie.ratings - a.movie.ratings);
    return hits.slice(0, limit).map((hit) => hit.movie);
  };
}
