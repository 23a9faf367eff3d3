// MovieLens titles put articles last ("American President, The (1995)") so that lists sort by
// the significant word; the page shows them the way people say them.

const ARTICLES = ['The', 'A', 'An', 'Les', 'La', 'Le', "L'", 'Il', 'Das', 'Der', 'Die', 'El', 'Los', 'Las'];
const TRAILING_ARTICLE = new RegExp(`^(.+), (${ARTICLES.join('|')})$`);
const TRAILING_YEAR = /\s*\((\d{4})\)\s*$/;

/**
 * Splits a MovieLens title into `title` (article moved to the front: "Postino, Il" -> "Il
 * Postino", "Enfer, L'" -> "L'Enfer"), `bare` (the same without the article, so a search can
 * match past it) and `year`. Only the main part has its article moved: an alternative title in
 * parentheses keeps its own form.
 */
export function parseTitle(raw) {
  let text = raw.trim();
  let year = null;
  const yearMatch = TRAILING_YEAR.exec(text);
  if (yearMatch) {
    year = Number(yearMatch[1]);
    text = text.slice(0, yearMatch.index);
  }
  const split = text.indexOf(' (');
  const main = split < 0 ? text : text.slice(0, split);
  const alternative = split < 0 ? '' : text.slice(split);
  const match = TRAILING_ARTICLE.exec(main);
  if (!match) return { title: text, bare: text, year };
  const [, name, article] = match;
  const front = article.endsWith("'") ? article + name : `${article} ${name}`;
  return { title: front + alternative, bare: name + alternative, year };
}
